"""Shared helpers for tests that look at the built site: build it, serve it, read it."""

import functools
import http.server
import re
import subprocess
import sys
import threading
from html import unescape
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]


def build_site(site_dir: Path) -> subprocess.CompletedProcess:
    """A real `mkdocs build --strict` of the repository into site_dir."""
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site_dir)],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
    )


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


class LocalServer:
    """Serve a folder on 127.0.0.1 on a free port, in a background thread."""

    def __init__(self, folder: Path):
        handler = functools.partial(_QuietHandler, directory=str(folder))
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()


def article_text(html: str) -> str:
    """The reader-visible text of a page's article (no navigation, no scripts)."""
    start, end = html.find("<article"), html.find("</article>")
    body = html[start:end] if start >= 0 else html
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", body, flags=re.S)
    # Citation markers (footnote numbers) are not the authors' words.
    body = re.sub(r'<sup id="fnref[^"]*">.*?</sup>', "", body, flags=re.S)
    return unescape(re.sub(r"<[^>]+>", " ", body))


def topic_pages() -> list[str]:
    """Every page of the topic map, as paths under docs/."""
    import yaml

    topics = yaml.safe_load((ROOT / "data" / "topics.yaml").read_text(encoding="utf-8"))
    return [page["path"] for section in topics for page in section["pages"]]


def page_url(path: str) -> str:
    """docs path -> URL path of the built page (use_directory_urls)."""
    path = path.removesuffix(".md")
    if path == "index" or path.endswith("/index"):
        return path.removesuffix("index")
    return path + "/"


def copy_repository(dest: Path) -> Path:
    """A copy of the repository to break on purpose; scripts, node_modules and assets are linked."""
    import shutil

    dest.mkdir(parents=True)
    for name in ("docs", "bib", "data", "overrides"):
        shutil.copytree(ROOT / name, dest / name, symlinks=True)
    for name in ("mkdocs.yml", ".autocorrectrc"):
        shutil.copy(ROOT / name, dest / name)
    for name in ("scripts", "node_modules", "assets"):
        (dest / name).symlink_to(ROOT / name)
    return dest
