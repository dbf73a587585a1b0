"""Markdown is converted once per page content, not once per build.

A page whose Markdown (after every on_page_markdown hook), the site's list of files and the
Markdown settings are the same as in an earlier build reuses that build's HTML, table of
contents, title and anchors from .cache/render/. Why: converting Markdown with the site's
extensions is over half of the build time (cProfile of a 1,000-page build), and `mkdocs serve`
rebuilds every page on each edit.

Nothing is hidden by it: a page whose conversion logged a warning is never stored, so a warm
build reports every problem a cold one does, and MkDocs still checks links to anchors after the
pages are rendered, from the restored anchors. MkDocs has no event for skipping a conversion, so
this hook wraps Page.render (mkdocs 1.6; the range is pinned in pyproject.toml).
KB_BUILD_CACHE=off builds without it.
"""

import json
import logging
from collections.abc import Mapping
from importlib.metadata import version
from pathlib import Path

from mkdocs.plugins import event_priority
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc

from kb.build_cache import BuildCache, digest, enabled, toc_tokens

log = logging.getLogger("mkdocs.hooks.render_cache")
FORMAT = "1"  # bump when what is stored changes
PACKAGES = ("mkdocs", "markdown", "pymdown-extensions", "mkdocs-material")
SETTINGS = ("use_directory_urls", "site_url", "validation", "markdown_extensions", "mdx_configs")

if not hasattr(Page, "_kb_convert"):  # hooks are re-imported on each `mkdocs serve` rebuild
    Page._kb_convert = Page.render
_state: dict = {}


class _WarningSeen(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.seen = False

    def emit(self, record):
        self.seen = True


def on_config(config):
    if not enabled():
        _state.clear()
        Page.render = Page._kb_convert
        return config
    config_file = Path(config["config_file_path"])
    # The config file's text covers every Markdown option; the resolved values cover what
    # environment variables (KB_OFFLINE) change. Functions print without addresses via `name`.
    resolved = json.dumps({k: config.get(k) for k in SETTINGS}, sort_keys=True, default=_name)
    _state.update(cache=BuildCache(config_file.parent / ".cache" / "render"),
                  settings=digest(FORMAT, config_file.read_bytes(), resolved,
                                  *(f"{p}=={version(p)}" for p in PACKAGES)),
                  files=None, pages=0)
    Page.render = _render
    return config


def _name(value):
    if isinstance(value, Mapping):  # nested config sections
        return dict(value)
    return getattr(value, "__qualname__", None) or type(value).__qualname__


def _files_digest(files) -> str:
    """Relative links resolve against the list of files: any file added, moved or removed is a miss."""
    if _state["files"] is None or _state["files"][0] is not files:
        listing = "\n".join(sorted(f"{f.src_uri}\t{f.url}" for f in files))
        _state["files"] = (files, digest(listing))
    return _state["files"][1]


@event_priority(-100)  # after every hook that adds a generated page
def on_files(files, config):
    if _state:
        _state["pages"] = len(files.documentation_pages())
    return files


def _render(page: Page, config, files) -> None:
    cache = _state["cache"]
    key = digest(_state["settings"], _files_digest(files), page.file.src_uri, page.markdown or "")
    stored = cache.get(key)
    if stored is not None and _restore(page, stored, files):
        return
    watcher = _WarningSeen()
    loggers = (logging.getLogger("mkdocs"), logging.getLogger())
    for logger in loggers:
        logger.addHandler(watcher)
    try:
        Page._kb_convert(page, config, files)
    finally:
        for logger in loggers:
            logger.removeHandler(watcher)
    if not watcher.seen:
        cache.put(key, _snapshot(page))


def _snapshot(page: Page) -> dict:
    return {
        "content": page.content,
        "toc": toc_tokens(page.toc),
        "title": page._title_from_render,
        "anchors": sorted(page.present_anchor_ids or ()),
        "links_to_anchors": {f.src_uri: links for f, links in (page.links_to_anchors or {}).items()},
    }


def _restore(page: Page, stored: dict, files) -> bool:
    links = {}
    for src_uri, anchors in stored["links_to_anchors"].items():
        target = files.get_file_from_path(src_uri)
        if target is None:
            return False
        links[target] = anchors
    page.content = stored["content"]
    page.toc = get_toc(stored["toc"])
    page._title_from_render = stored["title"]
    page.present_anchor_ids = set(stored["anchors"])
    page.links_to_anchors = links
    return True


@event_priority(-100)
def on_post_build(config):
    """After a build that rendered every page (not `mkdocs serve --dirty`), drop the entries of
    pages that no longer exist or changed."""
    cache = _state.get("cache")
    if cache is None:
        return
    removed = cache.prune(_state["pages"])
    log.debug(f"render cache: {cache.hits} reused, {cache.misses} converted, {removed} stale removed")

