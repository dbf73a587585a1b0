"""Search speed and size: this site's search next to Material's default, in headless Chromium.

    python tests/bench/bench_search.py [--factor 20] [--engines site,material]

For the real site and for a synthetic corpus `factor` times its size (tests/bench/variants.py:
every topic page copied with its sentences rotated), prints per engine:
  index     bytes of the search index the browser downloads (raw / gzip -9)
  first     ms from the page's load event to the first rendered result of the first query
            (typed right after load: includes fetching and building the index)
  median / p95 query latency: ms from setting the query to Material re-rendering the result list,
            over tests/test_search_queries.yaml, after the first query
A benchmark, not a test: it asserts nothing.
"""

import argparse
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from playwright.sync_api import sync_playwright  # noqa: E402

from bench.search_harness import SEARCH_INPUT, load_queries  # noqa: E402
from bench.variants import ROOT, build, index_size, synthetic_project  # noqa: E402
from sitekit import CHROMIUM, CHROMIUM_ARGS, LocalServer  # noqa: E402

FIRST_QUERY = "位置编码"
# Set the box's value and send the keyup Material listens to; resolve when the list re-renders.
TIMED_QUERY = """(q) => new Promise(resolve => {
  const el = document.querySelector('input.md-search__input');
  const list = document.querySelector('.md-search-result__list');
  const meta = document.querySelector('.md-search-result__meta');
  const t0 = performance.now();
  const obs = new MutationObserver(() => { obs.disconnect(); resolve(performance.now() - t0); });
  obs.observe(list, { childList: true, subtree: true });
  obs.observe(meta, { childList: true, subtree: true, characterData: true });
  el.value = q;
  el.dispatchEvent(new KeyboardEvent('keyup', { key: 'End', bubbles: true }));
})"""
FIRST_RESULT = """() => new Promise(resolve => {
  const check = () => document.querySelector('.md-search-result__item')
    ? resolve(performance.now() - performance.getEntriesByType('navigation')[0].loadEventEnd)
    : requestAnimationFrame(check);
  check();
})"""


def measure(browser, url: str, queries: list[str]) -> dict:
    context = browser.new_context()
    page = context.new_page()
    page.goto(url, wait_until="load")
    page.locator(SEARCH_INPUT).click()
    page.keyboard.insert_text(FIRST_QUERY)
    page.keyboard.press("End")
    first = page.evaluate(FIRST_RESULT)
    times = []
    for q in queries:
        page.evaluate(TIMED_QUERY, "")
        times.append(page.evaluate(TIMED_QUERY, q))
    context.close()
    times.sort()
    return {"first": first, "median": statistics.median(times),
            "p95": times[min(len(times) - 1, int(round(0.95 * len(times))) - 1)]}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[1])
    parser.add_argument("--factor", type=int, default=20)
    parser.add_argument("--engines", default="site,material")
    parser.add_argument("--runs", type=int, default=3, help="page loads per measurement (median kept)")
    args = parser.parse_args()
    queries = [q["q"] for q in load_queries()]
    synthetic = synthetic_project(args.factor)
    rows = []
    try:
        with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            for corpus, project in [("real site", ROOT), (f"synthetic x{args.factor}", synthetic)]:
                for engine in args.engines.split(","):
                    site = build(engine, Path(tmp) / f"{corpus[:4]}-{engine}", project, strict=project == ROOT)
                    pages = sum(1 for _ in site.rglob("index.html"))
                    raw, gz = index_size(engine, site)
                    with LocalServer(site) as server:
                        runs = [measure(browser, server.url + "foundations/emergence/", queries)
                                for _ in range(args.runs)]
                    m = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
                    rows.append((corpus, engine, pages, raw, gz, m))
                    print(f"{corpus:14} {engine:9} pages {pages:4}  index {raw / 1024:8.1f} KiB raw "
                          f"{gz / 1024:7.1f} KiB gzip  first result {m['first']:7.1f} ms  "
                          f"median {m['median']:6.1f} ms  p95 {m['p95']:6.1f} ms", flush=True)
            browser.close()
    finally:
        shutil.rmtree(synthetic, ignore_errors=True)
    print("\n| corpus | engine | pages | index (raw / gzip) | load → first result | median | p95 |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for corpus, engine, pages, raw, gz, m in rows:
        print(f"| {corpus} | {engine} | {pages} | {raw / 1024:.0f} / {gz / 1024:.0f} KiB | "
              f"{m['first']:.0f} ms | {m['median']:.1f} ms | {m['p95']:.1f} ms |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
