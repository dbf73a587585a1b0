"""Site search: the index for docs/javascripts/search-worker.js, and the theme pointed at it.

Material keeps its search box, result list and indexing (its search plugin writes
search/search_index.json); only the worker behind them is the site's, through Material's documented
worker protocol. After the build the documents move from search_index.json to the sharded index in
search/kb/ (kb.search_index builds it: jieba words + bigrams + glossary synonyms + Traditional
input), of which the worker loads the manifest on the first query and then only the shards each
query needs; search_index.json keeps only the configuration, which the highlighter on result
pages needs.
"""

import json
import re
from pathlib import Path

from kb.search_index import build_index, page_location, shard_files, write_files

WORKER = "javascripts/search-worker.js"
CONFIG_WORKER = re.compile(r'("search":\s*")([^"]*assets/javascripts/workers/search\.[0-9a-f]+\.min\.js)(")')


class WorkerSettingMissing(Exception):
    pass


def point_at_worker(output: str, prefix: str) -> str:
    """The page with the theme's search worker setting pointing at the site's worker (`prefix`: the
    relative path from the page to the site's root)."""
    new, count = CONFIG_WORKER.subn(lambda m: m.group(1) + prefix + WORKER + m.group(3), output, count=1)
    if count != 1 and '"search":' in output:
        raise WorkerSettingMissing("the theme's search worker setting was not found")
    return new


def by_page(docs: list[dict]) -> list[dict]:
    """Material's entries with each page's sections together, pages in order of first appearance: a
    `mkdocs serve --dirty` rebuild appends the pages it rebuilt after the ones it kept."""
    first = {}
    for doc in docs:
        first.setdefault(doc["location"].split("#")[0], len(first))
    return sorted(docs, key=lambda doc: first[doc["location"].split("#")[0]])


def write_site_index(folder: Path, terms, ts_characters: str, use_directory_urls: bool, segment=None) -> None:
    """The sharded index (search/kb/) from Material's search/search_index.json, which keeps only its
    configuration."""
    source = folder / "search_index.json"
    material = json.loads(source.read_text(encoding="utf-8"))
    locations = {t.page: page_location(t.page, use_directory_urls) for t in terms}
    index = build_index(by_page(material["docs"]), terms, ts_characters, locations, segment=segment)
    write_files(folder, shard_files(index))
    stub = json.dumps({"config": material["config"], "docs": []}, ensure_ascii=False)
    source.write_text(stub, encoding="utf-8")
    (folder / "search_index.js").write_text(f"var __index = {stub}\n", encoding="utf-8")
