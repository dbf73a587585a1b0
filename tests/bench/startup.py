"""A page's start-up cost in Chromium, for comparing two builds of the same pages.

`python -m bench.startup SITE_DIR [SITE_DIR ...] --page PATH [--page PATH ...] [--runs N]`

Lighthouse's performance score on this 2-core machine spreads by 8-15 points over runs of the same
page, which hides a change of a few points. This loads each page in headless Chromium at 4x CPU
throttling (Lighthouse's mobile factor) and a phone viewport, the sites' loads interleaved so that
the machine's slow minutes fall on both, and prints the medians of: total blocking time (long
tasks' time over 50 ms, until 2.5 s after load), the main thread's task, layout, style
recalculation and script time (CDP Performance.getMetrics), and first contentful paint. Each site
is served by the bench's gzip static server. No network throttling: this is CPU work only.
"""

import argparse
import statistics
import sys
from pathlib import Path

from kb.browser import CHROMIUM, CHROMIUM_ARGS
from .weight import StaticServer

CPU_SLOWDOWN = 4
SETTLE_MS = 2500
FIGURES = ("blocking_ms", "task_ms", "layout_ms", "style_ms", "script_ms", "fcp_ms")
RECORD_LONG_TASKS = """window.__kbLongTasks = [];
new PerformanceObserver((list) => { for (const e of list.getEntries()) window.__kbLongTasks.push(e.duration); })
  .observe({ type: "longtask", buffered: true });"""


def load_once(browser, url: str) -> dict:
    context = browser.new_context(viewport={"width": 412, "height": 823}, device_scale_factor=1.75,
                                  is_mobile=True, has_touch=True)
    try:
        page = context.new_page()
        cdp = context.new_cdp_session(page)
        cdp.send("Performance.enable")
        cdp.send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})
        page.add_init_script(RECORD_LONG_TASKS)
        page.goto(url, wait_until="load")
        page.wait_for_timeout(SETTLE_MS)
        metrics = {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}
        long_tasks = page.evaluate("window.__kbLongTasks")
        fcp = page.evaluate("performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? null")
    finally:
        context.close()
    return {"blocking_ms": sum(max(0.0, d - 50) for d in long_tasks), "task_ms": metrics["TaskDuration"] * 1000,
            "layout_ms": metrics["LayoutDuration"] * 1000, "style_ms": metrics["RecalcStyleDuration"] * 1000,
            "script_ms": metrics["ScriptDuration"] * 1000, "fcp_ms": fcp}


def medians(runs: list[dict]) -> dict:
    return {k: statistics.median(r[k] for r in runs if r[k] is not None) for k in FIGURES
            if any(r[k] is not None for r in runs)}


def measure(sites: list[Path], pages: list[str], runs: int) -> dict:
    """{(site, page): medians}, every page of every site loaded `runs` times, interleaved."""
    from contextlib import ExitStack

    from playwright.sync_api import sync_playwright

    seen: dict = {(site, page): [] for site in sites for page in pages}
    with ExitStack() as stack:
        servers = {site: stack.enter_context(StaticServer(site)) for site in sites}
        p = stack.enter_context(sync_playwright())
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for _ in range(runs):
                for page in pages:
                    for site in sites:
                        seen[(site, page)].append(load_once(browser, servers[site].url + page.lstrip("/")))
        finally:
            browser.close()
    return {key: medians(values) for key, values in seen.items()}


def table(results: dict, runs: int) -> str:
    rows = [f"medians of {runs} loads at {CPU_SLOWDOWN}x CPU throttling (ms): " + "  ".join(FIGURES)]
    for (site, page), figures in results.items():
        rows.append(f"{str(site)}  /{page.lstrip('/')}  " + "  ".join(f"{figures.get(k, float('nan')):.0f}" for k in FIGURES))
    return "\n".join(rows)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.startup", description=__doc__.split("\n\n")[0])
    parser.add_argument("sites", nargs="+", type=Path, help="built site folders (mkdocs build -d ...)")
    parser.add_argument("--page", action="append", required=True, help="URL path of a page, e.g. generation/diffusion/")
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args(argv)
    for site in args.sites:
        if not (site / "index.html").is_file():
            print(f"error: {site}: not a built site (no index.html)", file=sys.stderr)
            return 2
    print(table(measure(args.sites, args.page, args.runs), args.runs))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
