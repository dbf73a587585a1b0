"""Timed builds and the growth exponent."""

import math
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path


@dataclass
class Build:
    seconds: float
    peak_rss_mb: float
    ok: bool
    pages: int  # HTML pages written
    log: str


def run_build(site_root: Path, config: str, site_dir: Path, strict: bool = False) -> Build:
    """`mkdocs build` in a subprocess: wall-clock time and the peak memory of that process tree.

    `kb` is imported from the copy (PYTHONPATH), so the copy is a consistent snapshot.
    """
    cmd = [sys.executable, "-m", "mkdocs", "build", "-q", "-f", config, "-d", str(site_dir)]
    if strict:
        cmd.append("--strict")
    env = {**os.environ, "PYTHONPATH": str(site_root / "scripts") + os.pathsep + os.environ.get("PYTHONPATH", ""),
           "PYTHONDONTWRITEBYTECODE": "1"}
    with tempfile.TemporaryFile() as log:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=site_root, stdout=log, stderr=subprocess.STDOUT, env=env)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        log.seek(0)
        text = log.read().decode("utf-8", "replace")
    pages = sum(1 for _ in site_dir.rglob("*.html")) if site_dir.is_dir() else 0
    # ru_maxrss is in KiB on Linux: the largest resident set of the process (or a waited-for child).
    return Build(seconds, usage.ru_maxrss / 1024, proc.returncode == 0, pages, text)


def growth_exponent(points: list[tuple[int, float]]) -> float | None:
    """Least-squares slope of log(time) against log(pages): time ~ pages ** exponent."""
    pts = [(math.log(n), math.log(t)) for n, t in points if n > 0 and t > 0]
    if len(pts) < 2 or len({x for x, _ in pts}) < 2:
        return None
    mx = sum(x for x, _ in pts) / len(pts)
    my = sum(y for _, y in pts) / len(pts)
    sxx = sum((x - mx) ** 2 for x, _ in pts)
    return sum((x - mx) * (y - my) for x, y in pts) / sxx
