"""`mkdocs build` on both cores.

- A cold build converts on both: a fork of the build fills the build caches from the last page
  backwards while MkDocs converts from the first page forwards (kb/prerender.py explains how);
  when the caches are on.
- Every build writes its pages on both: once all are converted, a fork writes pages from the last
  one backwards while MkDocs writes from the first (kb/page_writer.py), while MkDocs' page loop is
  the one kb.page_writer was written against.

For `mkdocs build` only, not `--dirty` (a `mkdocs serve` rebuild is warm and small).
KB_PRERENDER=off builds on one core.
"""

from mkdocs.commands import build as mkdocs_build
from mkdocs.plugins import event_priority

from kb import build_cache, page_writer, prerender

_state: dict = {}


def on_startup(command, dirty):
    _state["command"] = None if dirty else command


@event_priority(-100)  # last: every hook has its files and navigation
def on_nav(nav, config, files):
    _close()
    if _state.get("command") in ("build", "gh-deploy") and build_cache.enabled() and prerender.enabled():
        pages = list(files.documentation_pages())
        _state["order"] = {f.src_uri: i for i, f in enumerate(pages)}
        _state["worker"] = prerender.Prerenderer(pages, config, files)
    return nav


@event_priority(100)  # first: the worker should leave this page alone as soon as possible
def on_pre_page(page, config, files):
    worker = _state.get("worker")
    if worker is not None:
        worker.started(_state["order"].get(page.file.src_uri, -1))
    return page


@event_priority(-100)  # last: every env handler has run before the fork
def on_env(env, config, files):
    _close()  # every page is read and rendered: nothing left for the worker
    if _state.get("command") in ("build", "gh-deploy") and prerender.enabled() and page_writer.supported():
        _state["build_page"] = mkdocs_build._build_page
        mkdocs_build._build_page = _build_page_on_two_cores
    return env


def _build_page_on_two_cores(page, config, doc_files, nav, env, dirty=False, excluded=False):
    """MkDocs' _build_page, in its page loop; the first call starts the second writer."""
    writer = _state.get("writer")
    if writer is None:
        writer = _state["writer"] = page_writer.PageWriter(_state["build_page"], doc_files, config, nav, env, dirty)
    return writer.build_page(page, config, doc_files, nav, env, dirty, excluded)


@event_priority(100)  # first: the post_build handlers see every page written and every warning
def on_post_build(config):
    writer = _state.get("writer")
    if writer is not None:
        writer.finish()
    _close()


def on_build_error(error):
    _close()


def on_shutdown():
    _close()


def _close():
    worker = _state.pop("worker", None)
    if worker is not None:
        worker.close()
    writer = _state.pop("writer", None)
    if writer is not None:
        writer.close()
    build_page = _state.pop("build_page", None)
    if build_page is not None:
        mkdocs_build._build_page = build_page
