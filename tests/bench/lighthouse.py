"""Lighthouse (npm package, pinned) against a locally served site, mobile profile.

Installed at bench time into .cache/lighthouse (not a project dependency), run with
Debian's Chromium. The four category scores, plus the failing audits, per page.
Scores vary between runs on a shared machine (the same page read 79 and 92 within minutes), so
the bench runs each page several times and keeps the run with the median performance score, as
Lighthouse's own documentation advises ("Lighthouse variability": run 5 times, use the median).
"""

import json
import os
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from .weight import CHROMIUM

VERSION = "12.2.3"  # the last release that runs on Node 20
CHROME_FLAGS = "--headless --no-sandbox --disable-gpu --disable-background-networking"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")


class LighthouseError(RuntimeError):
    pass


@dataclass
class Report:
    url: str
    scores: dict = field(default_factory=dict)  # category -> 0..100
    failing: list[str] = field(default_factory=list)  # "audit-id (display value)"
    metrics: dict = field(default_factory=dict)


def install(cache: Path) -> Path:
    """The lighthouse executable, installed into `cache` by npm if it is not there yet."""
    exe = cache / "node_modules" / ".bin" / "lighthouse"
    package = cache / "node_modules" / "lighthouse" / "package.json"
    if exe.exists() and package.is_file() and json.loads(package.read_text())["version"] == VERSION:
        return exe
    cache.mkdir(parents=True, exist_ok=True)
    result = subprocess.run(["npm", "install", "--prefix", str(cache), f"lighthouse@{VERSION}",
                             "--no-audit", "--no-fund", "--loglevel=error"], capture_output=True, text=True)
    if result.returncode != 0 or not exe.exists():
        raise LighthouseError(f"npm could not install lighthouse@{VERSION}: {result.stderr.strip()[-400:]}")
    return exe


def run(exe: Path, url: str) -> Report:
    with tempfile.TemporaryDirectory(prefix="kb-lh-") as tmp:
        out = Path(tmp) / "report.json"
        result = subprocess.run(
            [str(exe), url, "--output=json", f"--output-path={out}", "--quiet",
             f"--only-categories={','.join(CATEGORIES)}", f"--chrome-flags={CHROME_FLAGS}"],
            capture_output=True, text=True, timeout=300,
            env={**os.environ, "CHROME_PATH": CHROMIUM, "TMPDIR": tmp},
        )
        if result.returncode != 0 or not out.is_file():
            raise LighthouseError(f"lighthouse failed on {url}: {result.stderr.strip()[-400:]}")
        data = json.loads(out.read_text(encoding="utf-8"))
    report = Report(url)
    for name in CATEGORIES:
        score = data["categories"][name]["score"]
        report.scores[name] = None if score is None else round(score * 100)
        for ref in data["categories"][name]["auditRefs"]:
            audit = data["audits"][ref["id"]]
            if ref.get("weight", 0) > 0 and audit.get("score") is not None and audit["score"] < 0.9:
                shown = f" {audit['displayValue']}" if audit.get("displayValue") else ""
                report.failing.append(f"{ref['id']}{shown}")
    for metric in ("first-contentful-paint", "largest-contentful-paint", "total-blocking-time",
                   "cumulative-layout-shift", "speed-index"):
        if metric in data["audits"]:
            report.metrics[metric] = data["audits"][metric].get("displayValue")
    return report


def median_report(reports: list[dict]) -> dict:
    """The run with the median performance score (the lower middle one for an even count), with
    every run's performance score under "performance_runs". Failed runs count as lowest."""
    ranked = sorted(reports, key=lambda r: r["scores"].get("performance") or -1)
    chosen = dict(ranked[(len(ranked) - 1) // 2])
    chosen["performance_runs"] = [r["scores"].get("performance") for r in reports]
    return chosen
