"""Lighthouse (npm package, pinned) against a locally served site, mobile profile.

Installed at bench time into .cache/lighthouse (not a project dependency), run with
Debian's Chromium and Lighthouse's default simulated throttling ("lantern": it replays the
trace's tasks on a model of a slow phone, so the paint and blocking figures depend little on the
load of this shared machine).

Per page, the figures of issue 22's target (point 5), each compared with default Material's page
measured in the same run:

- first and largest contentful paint, in ms (the audits' numericValue);
- total blocking time, in ms, and the part of it caused by the site's own scripts. Lighthouse's
  JSON gives the long main-thread tasks (the `long-tasks` audit: each top-level task of 50 ms or
  more, with its simulated start and duration and the script URL it is attributed to: the first
  script of the task's stack, Lighthouse's `getAttributableURLForTask`). A task's blocking time is
  the part beyond 50 ms of the task clipped to [first contentful paint, time to interactive], as
  Lighthouse's TBT counts it (`calculateTbtImpactForEvent`); `blocking_ms` sums it by owner:
    own       scripts served by the site other than Material's: javascripts/*.js, vendor/..., any
              .js of the site's origin except Material's bundle and workers (OWN_SCRIPT);
    material  Material's bundle assets/javascripts/bundle.*.min.js and its workers;
    document  the page itself (HTML parsing, style and layout, inline scripts);
    other     anything else (the browser, unattributable tasks).
  Lighthouse's own TBT averages two simulations with slightly different windows, so the parts add
  up to about, not exactly, the total. A task that runs both Material's and the site's handlers
  (DOMContentLoaded) counts whole for whichever script comes first in its stack. As a cross-check,
  `own_script_ms` sums the `bootup-time` audit's main-thread time (simulated) of the own scripts;
  that audit lists a URL only from 50 ms on, so 0 means each own script took less.
- the accessibility, best-practices and SEO scores (target 100) with each audit below 1 that
  counts towards them, named with the elements it flags ("failing");
- the performance score, shown but no longer a target;
- whether the observed (unthrottled) first paint came before DOMContentLoaded, i.e. before the
  parser-blocking scripts at the end of the body had all run ("painted_before_scripts", from the
  `metrics` audit). The simulated paints count the main-thread tasks before the observed paint, so
  this tells runs apart; in the run of 2026-12-03 it did not explain the spread alone
  (tests/bench/performance.md).
"""

import json
import os
import re
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from .weight import CHROMIUM

VERSION = "12.2.3"  # the last release that runs on Node 20
CHROME_FLAGS = "--headless --no-sandbox --disable-gpu --disable-background-networking"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
STRICT = ("accessibility", "best-practices", "seo")  # target 100: every audit below 1 is reported
MATERIAL_SCRIPT = re.compile(r"/assets/javascripts/(bundle\.[0-9a-f]+\.min\.js|workers/)")
OWNERS = ("own", "material", "document", "other")
FIGURES = ("fcp", "lcp", "tbt", "tti")  # ms, from the audits below
AUDIT_OF = {"fcp": "first-contentful-paint", "lcp": "largest-contentful-paint", "tbt": "total-blocking-time",
            "tti": "interactive"}
BLOCKING_THRESHOLD_MS = 50


class LighthouseError(RuntimeError):
    pass


@dataclass
class Report:
    url: str
    scores: dict = field(default_factory=dict)  # category -> 0..100
    failing: list[str] = field(default_factory=list)  # "audit-id (display value): elements"
    metrics: dict = field(default_factory=dict)  # audit id -> display string
    ms: dict = field(default_factory=dict)  # fcp, lcp, tbt, tti -> ms
    blocking_ms: dict = field(default_factory=dict)  # owner (OWNERS) -> blocking time in ms
    long_tasks: list[dict] = field(default_factory=list)  # {"url", "start", "duration", "owner"}
    own_script_ms: int = 0  # bootup-time's main-thread time of the own scripts listed (50 ms and more)
    painted_before_scripts: bool | None = None  # observed first paint before DOMContentLoaded


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
    return read_report(url, data)


def read_report(url: str, data: dict) -> Report:
    """The figures of one Lighthouse JSON report (`data`) of the page at `url`."""
    if data.get("runtimeError"):  # the page did not load (a 404 ...): Lighthouse still exits with 0
        raise LighthouseError(f"lighthouse could not measure {url}: {data['runtimeError'].get('message', '')}")
    audits = data["audits"]
    report = Report(url)
    for name in CATEGORIES:
        score = data["categories"][name]["score"]
        report.scores[name] = None if score is None else round(score * 100)
        for ref in data["categories"][name]["auditRefs"]:
            audit = audits[ref["id"]]
            if name in STRICT and ref.get("weight", 0) > 0 and audit.get("score") is not None and audit["score"] < 1:
                shown = f" ({audit['displayValue']})" if audit.get("displayValue") else ""
                where = flagged(audit)
                report.failing.append(f"{name}: {ref['id']}{shown}" + (f": {where}" if where else ""))
    for metric in ("first-contentful-paint", "largest-contentful-paint", "total-blocking-time",
                   "cumulative-layout-shift", "speed-index"):
        if metric in audits:
            report.metrics[metric] = audits[metric].get("displayValue")
    for figure, audit in AUDIT_OF.items():
        value = audits.get(audit, {}).get("numericValue")
        if value is not None:
            report.ms[figure] = round(value)
    items = ((audits.get("long-tasks") or {}).get("details") or {}).get("items") or []
    report.long_tasks = [{"url": t["url"], "start": round(t["startTime"]), "duration": round(t["duration"]),
                          "owner": owner(t["url"], url)} for t in items]
    observed = ((audits.get("metrics") or {}).get("details") or {}).get("items") or [{}]
    paint, loaded = observed[0].get("observedFirstContentfulPaint"), observed[0].get("observedDomContentLoaded")
    if paint is not None and loaded is not None:
        report.painted_before_scripts = paint < loaded
    bootup = ((audits.get("bootup-time") or {}).get("details") or {}).get("items") or []
    report.own_script_ms = round(sum(i["total"] for i in bootup if owner(i["url"], url) == "own"))
    report.blocking_ms = blocking_by_owner(report.long_tasks, report.ms.get("fcp"), report.ms.get("tti"))
    return report


def owner(script: str, page: str) -> str:
    """Who a long task's attributed URL belongs to: one of OWNERS."""
    if script.split("#")[0] == page.split("#")[0]:
        return "document"
    parts = urlsplit(script)
    if parts.netloc != urlsplit(page).netloc or not parts.path.endswith((".js", ".mjs")):
        return "other"
    return "material" if MATERIAL_SCRIPT.search(parts.path) else "own"


def blocking_by_owner(tasks: list[dict], start: float | None, end: float | None) -> dict:
    """Blocking time (ms) of the long tasks by owner, inside [start, end] as Lighthouse's TBT counts it."""
    out = dict.fromkeys(OWNERS, 0)
    if start is None or end is None:
        return out
    for task in tasks:
        clipped = min(task["start"] + task["duration"], end) - max(task["start"], start)
        out[task["owner"]] += max(0, clipped - BLOCKING_THRESHOLD_MS)
    return out


def flagged(audit: dict, limit: int = 3) -> str:
    """The elements (or URLs) an audit flags, its first `limit` items, for the report."""
    shown = []
    for item in ((audit.get("details") or {}).get("items") or [])[:limit]:
        node = item.get("node") if isinstance(item.get("node"), dict) else {}
        what = node.get("selector") or node.get("snippet") or item.get("url") or item.get("source") \
            or item.get("description")
        if isinstance(what, dict):
            what = what.get("url") or what.get("value")
        if what:
            shown.append(str(what)[:160])
    total = len((audit.get("details") or {}).get("items") or [])
    return ", ".join(shown) + (f" (+{total - limit} more)" if total > limit else "")


def median_report(reports: list[dict]) -> dict:
    """One page's runs as one report: each ms figure and the performance score the median of the
    runs that finished (the upper middle one of an even count), the other scores the lowest, the
    failing audits of every run, the own scripts' long tasks of every run ("own_long_tasks"); each
    run's values under "runs" ("performance_runs" for the score).
    A page whose runs all failed keeps the first failure."""
    done = [r for r in reports if r.get("scores")]
    if not done:
        return dict(reports[0]) | {"performance_runs": [None] * len(reports), "runs": {}}
    middle = lambda values: sorted(values)[len(values) // 2] if values else None  # noqa: E731
    chosen = dict(done[0])
    chosen["scores"] = {c: (middle if c == "performance" else min)(
        [r["scores"][c] for r in done if r["scores"].get(c) is not None] or [None])
        for c in CATEGORIES}
    chosen["ms"] = {k: middle([r["ms"][k] for r in done if r.get("ms", {}).get(k) is not None])
                    for k in FIGURES}
    chosen["blocking_ms"] = {k: middle([r.get("blocking_ms", {}).get(k, 0) for r in done]) for k in OWNERS}
    chosen["runs"] = {k: [r.get("ms", {}).get(k) for r in done] for k in FIGURES} | {
        "tbt_own": [r.get("blocking_ms", {}).get("own", 0) for r in done]}
    chosen["runs"]["painted_before_scripts"] = [r.get("painted_before_scripts") for r in done]
    chosen["own_script_ms"] = middle([r.get("own_script_ms", 0) for r in done])
    chosen["own_long_tasks"] = [t | {"run": n} for n, r in enumerate(done, 1)
                                for t in r.get("long_tasks", []) if t.get("owner") == "own"]
    chosen["failing"] = list(dict.fromkeys(f for r in reports for f in r.get("failing", [])))
    chosen["performance_runs"] = [r["scores"].get("performance") for r in reports]
    return chosen
