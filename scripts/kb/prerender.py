"""A second process that fills the build caches while `mkdocs build` renders, from the other end.

MkDocs renders one page at a time. On a cold build, most of that time goes to work whose result
the build caches keep by content: Markdown -> HTML (.cache/render), glossary hover definitions
(.cache/glossary) and Material's search sections (.cache/search-entries). Once the build has its
files and navigation, it forks: the copy takes the pages from the last one backwards through the
same events (pre_page, read, page_markdown, render, page_content, at whose end the search hook
indexes the page), which store their results in those caches; the build takes the pages from the
first one forwards and finds in the caches every page the copy reached first. Both stop where they meet (`progress`,
the index of the page the build has started; `stop`, set when the build needs nothing more).

A fork, not a fresh interpreter: the copy starts in milliseconds with the build's configuration,
plugins, files and navigation, where a spawned process needed 3-4 s to load MkDocs and compute
them again. State a fork must not share is guarded where it lives (kb.citations: only the process
that started pandoc reads its output). Linux only; elsewhere the build renders on one core.

Nothing of the copy reaches the site: it writes only cache entries, each atomically and under a
key of its whole input, so an entry is either exactly what the build would have computed or is
never looked up. It logs nothing: the build converts again any page whose conversion warned
(those are never cached) and reports the warning itself. Any failure there only costs the build
the help.
"""

import logging
import multiprocessing
import os
import sys


def enabled() -> bool:
    """KB_PRERENDER=off builds on one core (to compare, or to rule this out)."""
    return os.environ.get("KB_PRERENDER", "on") != "off" and sys.platform == "linux"


class Prerenderer:
    """The pre-render process, seen from the build: `pages` in the order the build renders them."""

    def __init__(self, pages: list, config, files):
        context = multiprocessing.get_context("fork")
        self.progress = context.Value("i", -1, lock=False)
        self.stop = context.Value("b", 0, lock=False)
        self._process = context.Process(target=run, args=(pages, config, files, self.progress, self.stop),
                                        name="kb-prerender", daemon=True)
        self._process.start()

    def started(self, index: int) -> None:
        """The build has started its page number `index`."""
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


def run(pages: list, config, files, progress, stop) -> None:
    logging.disable(logging.CRITICAL)
    try:
        _prerender(pages, config, files, progress, stop)
    except BaseException:  # noqa: BLE001 - the build does all of this work itself anyway
        pass


def _prerender(pages: list, config, files, progress, stop) -> None:
    from mkdocs.commands.build import _populate_page
    from mkdocs.structure.pages import Page

    for index in range(len(pages) - 1, -1, -1):
        if stop.value or index <= progress.value:
            break
        file = pages[index]
        if file.page is None:  # a page not in the navigation (the build makes it the same way)
            Page(None, file, config)
        _populate_page(file.page, config, files)  # the search hook indexes the page in on_page_content
