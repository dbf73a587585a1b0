"""A second process that fills the build caches while `mkdocs build` renders, from the other end.

MkDocs renders one page at a time. On a cold build, most of that time goes to work whose result
the build caches keep by content: Markdown -> HTML (.cache/render), glossary hover definitions
(.cache/glossary) and Material's search sections (.cache/search-entries). This process loads the
same configuration, runs the same plugin events up to the navigation, then takes the pages from
the last one backwards through the same events (pre_page, read, page_markdown, render,
page_content) and Material's search indexing, which store their results in those caches. The
build takes the pages from the first one forwards and finds in the caches every page this
process reached first. Both stop where they meet (`progress`, the index of the page the build has
started; `stop`, set when the build no longer needs anything).

Nothing of this process reaches the site: it writes only cache entries, each atomically and under
a key of its whole input, so an entry is either exactly what the build would have computed or is
never looked up. It logs nothing: the build converts again any page whose conversion warned
(those are never cached) and reports the warning itself. Any failure here only costs the build
the help.
"""

import logging
import multiprocessing
import os

_ROLE = {"worker": False}


def in_worker() -> bool:
    """True in the pre-render process: hooks skip what only the real build needs (e.g. the
    segmentation worker for the search index)."""
    return _ROLE["worker"]


def enabled() -> bool:
    """KB_PRERENDER=off builds on one core (to compare, or to rule this out)."""
    return os.environ.get("KB_PRERENDER", "on") != "off"


class Prerenderer:
    """The pre-render process, seen from the build."""

    def __init__(self, config_file: str, overrides: dict):
        context = multiprocessing.get_context("spawn")  # no fork of a process with threads
        self.progress = context.Value("i", -1, lock=False)
        self.stop = context.Value("b", 0, lock=False)
        self._process = context.Process(target=run, args=(config_file, overrides, self.progress, self.stop),
                                        name="kb-prerender", daemon=True)
        self._process.start()

    def started(self, index: int) -> None:
        """The build has started its page number `index` (in documentation_pages() order)."""
        self.progress.value = index

    def wait(self, timeout: float) -> bool:
        """Wait until the process has gone through every page it may take; True if it has."""
        self._process.join(timeout)
        return not self._process.is_alive()

    def close(self, grace: float = 0.5) -> None:
        """Stop: the process finishes the page in hand if it can within `grace` seconds, else it
        is terminated (a cache entry it was writing is left as a *.tmp file, which the next
        complete build's prune removes; the entry itself is whole or absent)."""
        self.stop.value = 1
        self._process.join(grace)
        if self._process.is_alive():
            self._process.terminate()
            self._process.join(1)


def run(config_file: str, overrides: dict, progress, stop) -> None:
    _ROLE["worker"] = True
    logging.getLogger().handlers[:] = [logging.NullHandler()]
    for name in ("mkdocs", "mkdocs.hooks"):  # MkDocs' own handler, and any hook's
        logging.getLogger(name).handlers[:] = []
    logging.getLogger("mkdocs").propagate = False
    logging.disable(logging.CRITICAL)
    try:
        _prerender(config_file, overrides, progress, stop)
    except Exception:  # noqa: BLE001 - the build does all of this work itself anyway
        pass


def _prerender(config_file: str, overrides: dict, progress, stop) -> None:
    from mkdocs.commands.build import _populate_page, get_navigation, set_exclusions
    from mkdocs.config import load_config
    from mkdocs.structure.files import get_files
    from mkdocs.structure.pages import Page

    config = load_config(config_file, **overrides)
    config.plugins.on_startup(command="build", dirty=False)
    try:
        config = config.plugins.on_config(config)
        config.plugins.on_pre_build(config=config)
        files = get_files(config)
        env = config.theme.get_env()
        files.add_files_from_theme(env, config)
        files = config.plugins.on_files(files, config=config)
        set_exclusions(files, config)
        nav = config.plugins.on_nav(get_navigation(files, config), config=config, files=files)
        search = config.plugins.get("material/search")
        pages = list(files.documentation_pages())
        for index in range(len(pages) - 1, -1, -1):
            if stop.value or index <= progress.value:
                break
            file = pages[index]
            if file.page is None:
                Page(None, file, config)
            _populate_page(file.page, config, files)
            if search is not None and getattr(search, "search_index", None) is not None:
                search.search_index.add_entry_from_context(file.page)
            file.page.markdown = file.page.content = None  # done: keep memory flat
        del nav
    finally:
        config.plugins.on_shutdown()
