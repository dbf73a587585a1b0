"""A cold build renders on both cores: a fork of the build fills the build caches from the last
page backwards while MkDocs renders from the first page forwards (kb/prerender.py explains how).

Started for `mkdocs build` only (a `mkdocs serve` rebuild is warm: its pages are in the caches),
when the caches are on. KB_PRERENDER=off builds on one core.
"""

from mkdocs.plugins import event_priority

from kb import build_cache, prerender

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


def on_env(env, config, files):
    _close()  # every page is read and rendered: nothing left for the worker
    return env


def on_build_error(error):
    _close()


def _close():
    worker = _state.pop("worker", None)
    if worker is not None:
        worker.close()
