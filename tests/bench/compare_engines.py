"""Search quality of each engine on the same queries: the set the site's search was first tuned on
(tests/test_search_queries.yaml), the reader-phrased set (tests/test_search_queries_readers.yaml) and
the held-out one (tests/test_search_queries_holdout.yaml, never tuned on).

    python tests/bench/compare_engines.py [--engines site,material,...]

Builds the site once per engine (tests/bench/variants.py), types every query into the search
box in headless Chromium (Pagefind: through its JS API), prints hit@1, hit@3 and MRR per engine
and per query kind, and the queries each engine misses. The figures are kept in
tests/bench/search_comparison.md. Needs `pip install 'pagefind[extended]'` for Pagefind.
"""

import argparse
import json
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from playwright.sync_api import sync_playwright  # noqa: E402

from bench.search_harness import HOLDOUT, READERS, load_queries, run, score  # noqa: E402
from bench.variants import ENGINES, build  # noqa: E402
from sitekit import CHROMIUM, CHROMIUM_ARGS, LocalServer  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[1])
    parser.add_argument("--engines", default=",".join(ENGINES))
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    sets = {"tuned": load_queries(), "readers": load_queries(READERS), "holdout": load_queries(HOLDOUT)}
    queries = [q for qs in sets.values() for q in qs]
    report = {}
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for engine in args.engines.split(","):
            site = build(engine, Path(tmp) / engine.replace("+", "-"))
            with LocalServer(site) as server:
                results, _ = run(browser, server.url, queries, "pagefind" if engine.startswith("pagefind") else "material")
            overall = score(queries, results)
            kinds = defaultdict(list)
            for item in queries:
                kinds[item["kind"]].append(item)
            report[engine] = {"overall": overall, "sets": {k: score(v, results) for k, v in sets.items()},
                              "kinds": {k: score(v, results) for k, v in kinds.items()}}
            for name, figures in report[engine]["sets"].items():
                print(f"{engine:18} {name:8} hit@1 {figures['hit@1']:.3f}  hit@3 {figures['hit@3']:.3f}  "
                      f"MRR {figures['mrr']:.3f}  (n={figures['n']})", flush=True)
        browser.close()
    kinds = list(next(iter(report.values()))["kinds"])
    print("\n| kind | n | " + " | ".join(report) + " |")
    print("| --- | --- | " + " | ".join("---" for _ in report) + " |")
    for kind in kinds:
        n = next(iter(report.values()))["kinds"][kind]["n"]
        cells = [f"{r['kinds'][kind]['hit@1']:.2f} / {r['kinds'][kind]['hit@3']:.2f}" for r in report.values()]
        print(f"| {kind} | {n} | " + " | ".join(cells) + " |")
    for engine, r in report.items():
        print(f"\n{engine}: misses at rank 1 ({len(r['overall']['misses'])})")
        for m in r["overall"]["misses"]:
            print(f"  [{m['kind']}] {m['q']!r}: want {m['want']}, rank {m['rank'] or '-'}, got {m['got']}")
    if args.json:
        args.json.write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
