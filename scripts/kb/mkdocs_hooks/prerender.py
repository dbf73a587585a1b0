"""A cold build renders on both cores: kb.prerender fills the build caches from the last page
backwards while MkDocs renders from the first page forwards (kb/prerender.py explains how).

Started for `mkdocs build` only (a `mkdocs serve` rebuild is warm: its pages are in the caches),
when the caches are on and the site has at least MIN_PAGES pages: the process needs 3-4 s to load
MkDocs and the configuration, in which a cold build renders about 40 pages (the 18-page site
built 1 s slower with it). KB_PRERENDER=off builds on one core.
"""

from pathlib import Path

from mkdocs.plugins import event_priority

from kb import build_cache, prerender

MIN_PAGES = 100
_state: dict = {}


def on_startup(command, dirty):
    _state["command"] = None if dirty else command


@event_priority(-100)  # last: every hook has seen the configuration
def on_config(config):
    _close()
    if (_state.get("command") in ("build", "gh-deploy") and build_cache.enabled() and prerender.enabled()
            and not prerender.in_worker() and _count_pages(Path(config["docs_dir"])) >= MIN_PAGES):
        overrides = {k: config[k] for k in ("site_url", "use_directory_urls", "docs_dir")}
        _state["worker"] = prerender.Prerenderer(str(Path(config["config_file_path"])), overrides)
    return config


def _count_pages(docs: Path) -> int:
    return sum(1 for _ in docs.rglob("*.md"))


@event_priority(-100)
def on_nav(nav, config, files):
    _state["order"] = {f.src_uri: i for i, f in enumerate(files.documentation_pages())}
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
