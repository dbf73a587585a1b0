"""How long `mkdocs serve` takes to show an edit: from saving the Markdown to the text in the open page."""

import os
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path
from urllib.parse import urlsplit

import yaml

from .weight import CHROMIUM, CHROMIUM_ARGS
from .workspace import LenientLoader


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(url: str, proc: subprocess.Popen, timeout: float) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if proc.poll() is not None:
            raise RuntimeError(f"mkdocs serve exited with status {proc.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"mkdocs serve did not answer on {url} within {timeout:.0f} s")


def mount_path(site_root: Path) -> str:
    """`mkdocs serve` serves the site under the path of site_url ("/llm-notes/")."""
    config = yaml.load((site_root / "mkdocs.yml").read_text(encoding="utf-8"), Loader=LenientLoader)
    path = urlsplit(config.get("site_url") or "/").path or "/"
    return path if path.endswith("/") else path + "/"


def edit_latency(site_root: Path, page: str, edits: int = 3, timeout: float = 60,
                 options: tuple[str, ...] = ()) -> list[float]:
    """Seconds from appending a unique sentence to docs/`page` until the open page shows it, per edit.

    `page` is a docs path; the copy at `site_root` is edited, never the repository.
    """
    from playwright.sync_api import sync_playwright

    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(site_root / "scripts") + os.pathsep + os.environ.get("PYTHONPATH", ""),
           "PYTHONDONTWRITEBYTECODE": "1"}
    proc = subprocess.Popen([sys.executable, "-m", "mkdocs", "serve", "-a", f"127.0.0.1:{port}", *options],
                            cwd=site_root, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    source = site_root / "docs" / page
    url_path = page.removesuffix(".md")
    url_path = url_path.removesuffix("index") if url_path.endswith("index") else url_path + "/"
    url = f"http://127.0.0.1:{port}{mount_path(site_root)}{url_path}"
    times = []
    try:
        wait_http(url, proc, timeout=300)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            view = browser.new_page()
            view.goto(url, wait_until="load")
            view.wait_for_timeout(1500)  # livereload connects after load
            for _ in range(edits):
                mark = f"基准测试编辑标记{uuid.uuid4().hex[:12]}"
                original = source.read_text(encoding="utf-8")
                start = time.perf_counter()
                source.write_text(original.rstrip("\n") + f"\n\n{mark}。\n", encoding="utf-8")
                times.append(_until_visible(view, mark, start, timeout))
                view.wait_for_timeout(1000)
            browser.close()
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, 15)
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, 9)
                proc.wait()
    return times


def _until_visible(view, mark: str, start: float, timeout: float) -> float:
    while time.perf_counter() - start < timeout:
        try:
            if view.evaluate("m => document.body !== null && document.body.innerText.includes(m)", mark):
                return time.perf_counter() - start
        except Exception:
            pass  # the page is reloading
        time.sleep(0.02)
    return float("inf")
