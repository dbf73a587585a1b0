"""Type queries into a built site's search box in headless Chromium; score the results.

Shared by tests/test_search.py (the quality targets) and tests/bench/ (engine comparison and
latency). Queries come from tests/test_search_queries.yaml and tests/test_search_queries_readers.yaml.
"""

import time
import unicodedata
from pathlib import Path
from urllib.parse import unquote, urlparse

import yaml

TESTS = Path(__file__).resolve().parents[1]
QUERIES = TESTS / "test_search_queries.yaml"
READERS = TESTS / "test_search_queries_readers.yaml"  # reader-phrased, written before tuning
HOLDOUT = TESTS / "test_search_queries_holdout.yaml"  # reader-phrased, written after tuning, never tuned on

SEARCH_INPUT = "input.md-search__input"
# The site's worker names the query each result answers (`query` beside Material's `type` and
# `data`); a context made by search_context() records it, so that a result for a prefix typed on
# the way, or for the box being cleared, is never taken for the query's (on a busy machine it can
# stay on screen longer than any quiet period). Material's own worker does not name it, and from
# file:// iframe-worker replaces Worker: then "settled" falls back to the first change that stays
# quiet. Material's worker protocol: RESULT = 3.
WATCH_WORKER = """(() => {
  const Native = window.Worker;
  if (!Native) return;
  window.Worker = class extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', e => {
        if (e.data && e.data.type === 3 && 'query' in e.data) {
          window.__kbAnswered = e.data.query;
          window.__kbAnsweredAt = performance.now();
        }
      });
    }
  };
})()"""
# Settled = the result on screen answers the box's query (where the worker names it) and nothing
# changed for QUIET_MS; resolves to the time of the last change. Gives up after 30 s.
QUIET_MS = 150
WAIT_SETTLED = """([input, quiet]) => new Promise(resolve => {
  const list = document.querySelector('.md-search-result__list');
  const meta = document.querySelector('.md-search-result__meta');
  const box = document.querySelector(input);
  const start = performance.now();
  let last = start, changed = meta.textContent.trim() !== window.__kbMetaBefore;
  const observer = new MutationObserver(() => { last = performance.now(); changed = true; });
  observer.observe(list, { childList: true, subtree: true, characterData: true });
  observer.observe(meta, { childList: true, subtree: true, characterData: true });
  const tick = () => {
    const now = performance.now();
    const named = window.__kbAnswered !== undefined;
    const answered = named ? window.__kbAnswered === box.value : changed || now - start >= 5000;
    const lastChange = Math.max(last, named ? window.__kbAnsweredAt : 0);
    if ((answered && now - lastChange >= quiet) || now - start >= 30000) {
      observer.disconnect();
      resolve(lastChange);
    } else setTimeout(tick, 20);
  };
  tick();
})"""


def search_context(browser, **options):
    """A browser context whose pages record which query the search worker last answered."""
    context = browser.new_context(**options)
    context.add_init_script(WATCH_WORKER)
    return context


def load_queries(path: Path = QUERIES) -> list[dict]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def page_of(url: str, base: str) -> str:
    """A result link -> the docs path of its page ('foundations/emergence.md')."""
    path = unquote(urlparse(url).path)
    base_path = urlparse(base).path
    rel = path[len(base_path):] if path.startswith(base_path) else path.lstrip("/")
    rel = rel.split("#")[0].removesuffix(".html").removesuffix("index").rstrip("/")
    if not rel:
        return "index.md"
    # a folder URL is the folder's index page when docs/ has one (evaluation/ -> evaluation/index.md)
    return f"{rel}/index.md" if (TESTS.parent / "docs" / rel / "index.md").is_file() else f"{rel}.md"


def block_foreign(page, origin: str, foreign: list) -> None:
    def route(r):
        url = r.request.url
        if url.startswith(("data:", "blob:", "file:")) or urlparse(url).netloc in (origin, ""):
            r.continue_()
        else:
            foreign.append(url)
            r.abort()
    page.route("**/*", route)


def type_query(page, text: str) -> None:
    """Type like a reader: keystrokes for ASCII, an IME commit (insertText) for Chinese."""
    for chunk in _chunks(text):
        if chunk.isascii():
            page.keyboard.type(chunk)
        else:
            page.keyboard.insert_text(chunk)
            page.keyboard.press("End")  # the keyup an IME commit produces; Material listens to keyup


def _chunks(text: str):
    buf = ""
    for ch in text:
        if buf and ch.isascii() != buf[-1].isascii():
            yield buf
            buf = ""
        buf += ch
    if buf:
        yield buf


def material_search(page, query: str, base: str) -> tuple[list[str], float]:
    """Run one query in Material's search box; result pages in order, and ms to settle."""
    box = page.locator(SEARCH_INPUT)
    box.click()
    box.fill("")
    page.keyboard.press("End")
    page.evaluate("() => { window.__kbMetaBefore = document.querySelector('.md-search-result__meta').textContent.trim(); }")
    start = page.evaluate("() => performance.now()")
    type_query(page, query)
    end = page.evaluate(WAIT_SETTLED, [SEARCH_INPUT, QUIET_MS])
    links = page.eval_on_selector_all(
        ".md-search-result__item > a.md-search-result__link", "els => els.map(e => e.href)")
    pages = []
    for link in links:
        p = page_of(link, base)
        if p not in pages:
            pages.append(p)
    return pages, end - start


def pagefind_search(page, query: str, base: str) -> tuple[list[str], float]:
    """Run one query through Pagefind's JS API (the site must have a pagefind/ bundle)."""
    result = page.evaluate("""async (q) => {
      const t0 = performance.now();
      const pf = window.__pf || (window.__pf = await import(new URL('pagefind/pagefind.js', document.baseURI + '/../').href));
      const search = await pf.search(q);
      const data = await Promise.all(search.results.slice(0, 10).map(r => r.data()));
      return { urls: data.map(d => new URL(d.url, location.href).href), ms: performance.now() - t0 };
    }""", query)
    pages = []
    for link in result["urls"]:
        p = page_of(link, base)
        if p not in pages:
            pages.append(p)
    return pages, result["ms"]


def score(queries: list[dict], results: dict[str, list[str]]) -> dict:
    """hit@1, hit@3 and MRR over the queries; the misses with what came first."""
    hit1 = hit3 = rr = 0.0
    misses = []
    for item in queries:
        pages = results[item["q"]]
        rank = pages.index(item["page"]) + 1 if item["page"] in pages else 0
        hit1 += rank == 1
        hit3 += 0 < rank <= 3
        rr += 1 / rank if rank else 0
        if rank != 1:
            misses.append({"q": item["q"], "kind": item["kind"], "want": item["page"], "rank": rank,
                           "got": pages[:3]})
    n = len(queries)
    return {"n": n, "hit@1": hit1 / n, "hit@3": hit3 / n, "mrr": rr / n, "misses": misses}


def normalize(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def run(browser, base_url: str, queries: list[dict], engine: str = "material") -> tuple[dict, dict]:
    """All queries on one page load; returns ({query: pages}, {query: ms})."""
    origin = urlparse(base_url).netloc
    context = search_context(browser)
    page = context.new_page()
    foreign: list = []
    if base_url.startswith("http"):
        block_foreign(page, origin, foreign)
    page.goto(base_url, wait_until="load")
    results, times = {}, {}
    for item in queries:
        fn = pagefind_search if engine == "pagefind" else material_search
        results[item["q"]], times[item["q"]] = fn(page, item["q"], base_url)
    context.close()
    if foreign:
        raise AssertionError(f"requests to other hosts: {foreign[:3]}")
    return results, times


def now_ms() -> float:
    return time.perf_counter() * 1000
