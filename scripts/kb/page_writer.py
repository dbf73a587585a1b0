"""The build writes its pages on both cores: a fork of the build takes the pages from the last one
backwards through MkDocs' own `_build_page` (page context, template, post_page handlers, the file)
while the build takes them from the first one forwards; each page is claimed by one of the two,
under a lock, and they stop where they meet.

Why: once every page is converted, MkDocs renders each page's template and runs the post_page
handlers one page at a time. In a cold 5,000-page build that part ran 45 s on one core (templates
30 s, the lightbox's and the formulas' post_page 10 s) while the other core idled.

What the build keeps of the pages the fork wrote, so that the site and everything after the pages
are what a one-core build makes:
- on_page_context runs for them in the build too, in page order (milliseconds a page): the
  handlers that gather state there (Material's search index takes each page's sections) see every
  page as before. Only the template and the post_page handlers are skipped.
- The fork's log records are emitted by the build (a strict build counts the warnings).
- The cache keys the fork used (kb.build_cache, e.g. KaTeX's formulas) are marked used in the
  build, so its prune keeps them.
A page the fork did not finish (an error, a crash) is built by the build itself, which then reports
the error as it always does; the fork's records for that page are dropped.

Used only while MkDocs' page loop and `_build_page` are the ones this was written against (digests
of their source; a test fails on an upgrade that changes them, so it is reviewed): otherwise the
build writes every page itself. Linux only (fork).
"""

import logging
import multiprocessing
import os

from mkdocs.commands import build as mkdocs_build

from kb.build_cache import live_caches, source_digest

# sha256 (16 digits) of the source of mkdocs.commands.build.build and _build_page as written against.
MKDOCS_BUILD = "c476b64474acfaa2"
MKDOCS_BUILD_PAGE = "adcdbd14b2361126"
FREE, BUILD, FORK = 0, 1, 2
log = logging.getLogger("mkdocs.hooks.page_writer")


def supported() -> bool:
    """MkDocs' build loop and _build_page are the ones this module was written against."""
    return (source_digest(mkdocs_build.build) == MKDOCS_BUILD
            and source_digest(mkdocs_build._build_page) == MKDOCS_BUILD_PAGE)


def portable(record: logging.LogRecord) -> dict:
    """A log record as plain data (its message formatted), to be sent to another process."""
    data = {k: v for k, v in record.__dict__.items() if isinstance(v, (str, int, float, bool, type(None)))}
    data["msg"], data["args"] = record.getMessage(), None
    if record.exc_info and not record.exc_text:
        data["exc_text"] = logging.Formatter().formatException(record.exc_info)
    data["exc_info"] = None
    return data


class PageWriter:
    """Started by the build at its first page: `build_page` is MkDocs' _build_page, `doc_files` the
    pages in the order the build writes them."""

    def __init__(self, build_page, doc_files, config, nav, env, dirty: bool):
        self._build_page = build_page
        self._order = {file.src_uri: i for i, file in enumerate(doc_files)}
        context = multiprocessing.get_context("fork")
        self._claims = context.Array("b", len(doc_files), lock=True)
        self._conn, child = context.Pipe(duplex=False)
        self._process = context.Process(target=_write_from_the_end,
                                         args=(build_page, doc_files, config, nav, env, dirty, self._claims, child),
                                         name="kb-page-writer", daemon=True)
        self._process.start()
        child.close()
        self._written: set[int] | None = None  # the pages the fork wrote, once it has reported
        self.built = 0

    def build_page(self, page, config, doc_files, nav, env, dirty=False, excluded=False) -> None:
        """MkDocs' _build_page for the pages the build claims; page context only for the fork's."""
        index = self._order.get(page.file.src_uri)
        if index is not None:
            with self._claims.get_lock():
                if self._claims[index] == FREE:
                    self._claims[index] = BUILD
        if index is None or self._claims[index] == BUILD:
            self.built += 1
            return self._build_page(page, config, doc_files, nav, env, dirty, excluded)
        if index not in self.finish():
            self.built += 1
            return self._build_page(page, config, doc_files, nav, env, dirty, excluded)
        _page_context_only(page, config, doc_files, nav)
        return None

    def finish(self) -> set[int]:
        """Wait for the fork's report (it has nothing left once the build meets its pages): take in its
        log records and used cache keys. The pages it wrote."""
        if self._written is not None:
            return self._written
        report = None
        try:
            while report is None and (self._process.is_alive() or self._conn.poll(0)):
                if self._conn.poll(0.2):
                    report = self._conn.recv()
        except (EOFError, OSError):
            report = None
        self._process.join(5)
        if self._process.is_alive():
            self._process.terminate()
        report = report or {"written": [], "records": [], "caches": {}}
        for data in report["records"]:
            record = logging.makeLogRecord(data)
            logging.getLogger(record.name).handle(record)
        for cache in live_caches():
            used, hits, misses = report["caches"].get(str(cache.folder), ((), 0, 0))
            cache.used.update(used)
            cache.hits += hits
            cache.misses += misses
        self._written = set(report["written"])
        log.debug(f"pages written: {self.built} by the build, {len(self._written)} by the second process")
        return self._written

    def close(self) -> None:
        """Stop the fork if it still runs (the build failed): the pages it has not finished are not
        the build's concern any more."""
        if self._process.is_alive():
            with self._claims.get_lock():  # claim everything left, so the fork stops after its page
                for i in range(len(self._claims)):
                    if self._claims[i] == FREE:
                        self._claims[i] = BUILD
            self._process.join(2)
            if self._process.is_alive():
                self._process.terminate()
        self._conn.close()


def _page_context_only(page, config, doc_files, nav) -> None:
    """The part of MkDocs' _build_page before the template: what the page context handlers see."""
    config._current_page = page
    page.active = True
    try:
        context = mkdocs_build.get_context(nav, doc_files, config, page)
        config.plugins.on_page_context(context, page=page, config=config, nav=nav)
    finally:
        page.active = False
        config._current_page = None


def _write_from_the_end(build_page, doc_files, config, nav, env, dirty, claims, conn) -> None:
    """The fork: MkDocs' loop over the pages, from the last one, on the pages nobody has claimed.
    It prints nothing: every log record is kept for the build, by page."""
    written, records, page_records = [], [], []
    counts = {id(c): (c.hits, c.misses) for c in live_caches()}  # what the build had counted before the fork
    try:
        logging.Logger.callHandlers = lambda self, record: page_records.append(portable(record))
        for index in range(len(doc_files) - 1, -1, -1):
            with claims.get_lock():
                if claims[index] != FREE:
                    break
                claims[index] = FORK
            file = doc_files[index]
            page_records.clear()
            try:
                build_page(file.page, config, doc_files, nav, env, dirty, excluded=file.inclusion.is_excluded())
            except BaseException:  # noqa: BLE001 - the build builds this page again and reports it
                break
            written.append(index)
            records.extend(page_records)
        caches = {str(c.folder): (sorted(c.used), c.hits - counts.get(id(c), (0, 0))[0],
                                  c.misses - counts.get(id(c), (0, 0))[1]) for c in live_caches()}
        conn.send({"written": written, "records": records, "caches": caches})
    finally:
        os._exit(0)  # nothing of the build's own exit (its handlers, its other processes) runs here
