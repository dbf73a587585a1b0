"""Formulas rendered at build time (kb.math_render): pages carry KaTeX's HTML and MathML and link
KaTeX's stylesheet, and load none of its JavaScript.

- on_post_page, on the final HTML of each page: every arithmatex formula becomes KaTeX's output
  inside the same `arithmatex` wrapper, and a page with a formula gets
  `<link rel="stylesheet" href=".../vendor/katex/katex.min.css">` in its <head> (render-blocking:
  no layout shift when the fonts and sizes arrive). Pages without a formula get nothing.
  Not earlier (on_page_content): Material's search indexes page.content after that event, and
  the index must keep the TeX of a formula, not KaTeX's spans.
- A formula KaTeX cannot parse: a WARNING naming the page's file and the formula (a strict build
  fails), and the formula is left for docs/javascripts/katex.js, which loads KaTeX in the browser
  wherever a formula has no `.katex` inside.
- Without node or node_modules/katex: one INFO line, and every formula is left to katex.js.
- The offline build's print page (print-site plugin, written in on_post_build from each page's
  content) gets the same treatment, for the PDF.
- KaTeX's output is cached in .cache/katex/ (KB_BUILD_CACHE=off: no cache); entries no formula
  used are removed after a build that wrote every page.
"""

import logging
from pathlib import Path

from mkdocs.plugins import event_priority
from mkdocs.utils import get_relative_url

from kb.build_cache import BuildCache, enabled
from kb.math_render import STYLESHEET, KatexRenderer, add_stylesheet, find_formulas, substitute

log = logging.getLogger("mkdocs.hooks.math")
state: dict = {}


def _close() -> None:
    renderer = state.get("renderer")
    if renderer is not None:
        renderer.close()


def on_config(config):
    _close()  # `mkdocs serve`: a build that failed half-way may have left one running
    root = Path(config["config_file_path"]).parent
    cache = BuildCache(root / ".cache" / "katex") if enabled() else None
    renderer = KatexRenderer(root / "node_modules" / "katex", cache)
    if renderer.unavailable:
        log.info(f"Formulas are left to KaTeX in the browser: {renderer.unavailable}")
    state.update(renderer=renderer, cache=cache, pages=0, expected=None, stopped_logged=False)
    return config


def on_env(env, config, files):
    state["expected"] = len(files.documentation_pages())  # every hook has added its pages by now
    return env


def prerender(output: str, url: str, src_uri: str) -> str:
    """The page's HTML with its formulas rendered and KaTeX's stylesheet linked (when it has one)."""
    formulas = find_formulas(output)
    if not formulas:
        return output
    renderer: KatexRenderer = state["renderer"]
    was_available = not renderer.unavailable
    rendered, errors = renderer.render(f.key for f in formulas if not f.not_math)  # prices stay text
    for formula in formulas:
        if formula.key in errors:
            log.warning(f"Doc file '{src_uri}': KaTeX cannot render the formula {formula.source}: "
                        f"{errors.pop(formula.key)} (left for KaTeX in the browser)")
    if was_available and renderer.unavailable and not state["stopped_logged"]:
        state["stopped_logged"] = True
        log.warning(f"Formulas of '{src_uri}' and the pages after it are left to KaTeX in the browser: "
                    f"{renderer.unavailable}")
    return add_stylesheet(substitute(output, formulas, rendered), get_relative_url(STYLESHEET, url))


def on_page_context(context, page, config, nav):
    # Counted here, not in on_post_page: the build runs this event for every page it writes, also for
    # those its second process wrote (kb.page_writer), and a --dirty build skips it for the others.
    state["pages"] += 1
    return context


def on_post_page(output: str, page, config) -> str:
    if 'class="arithmatex"' not in output:
        return output
    return prerender(output, page.url, page.file.src_uri)


@event_priority(-100)  # after the print-site plugin has written the print page (offline build)
def on_post_build(config):
    plugin = config["plugins"].get("print-site")
    print_page = getattr(plugin, "print_page", None) if plugin and plugin.config.get("enabled") else None
    if print_page is not None:
        path = Path(print_page.file.abs_dest_path)
        text = path.read_text(encoding="utf-8") if path.is_file() else ""
        if 'class="arithmatex"' in text:
            path.write_text(prerender(text, print_page.url, print_page.file.src_uri), encoding="utf-8")
    _close()
    renderer: KatexRenderer = state["renderer"]
    if renderer.rendered:
        log.debug(f"KaTeX rendered {renderer.rendered} formulas (the others came from .cache/katex)")
    cache = state["cache"]
    complete = state["expected"] is not None and state["pages"] >= state["expected"]
    if cache is not None and renderer.version and complete:  # without a version the cache was not read
        cache.prune(0)


def on_build_error(error):
    _close()
