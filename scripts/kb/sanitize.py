"""The allowlist HTML sanitiser of a page's content (nh3, the binding of the Ammonia crate).

Python-Markdown passes raw HTML through and attr_list lets a note set any attribute, so a note can
put script on every reader's page. Every page's content goes through `sanitize_html` at the end of
the build, after every transform: what the site's own features emit passes (Markdown, admonitions,
footnotes, tooltips, task lists, the lightbox, KaTeX's HTML and MathML, inline SVG diagrams and
emoji); everything else is removed, and the caller reports each removed construct by name.

The allowlist is the inventory of the built site's articles (tags, attributes, URL schemes), plus
the HTML a note may reasonably write. Published is always Ammonia's serialisation of its own parse
tree, never the input: the browser parses the page as a whole, and markup that only turns into
script in that context (mutation XSS, e.g. a CDATA section in an SVG closed early by `</div>`)
is then already text.

No MkDocs import: the kb plugin (scripts/kb/site/plugin.py) calls `sanitize_page` on every page it
writes, last of all, and on the offline build's print page.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from functools import lru_cache
from html import escape
from html.parser import HTMLParser
from pathlib import Path

import nh3

_TEXT = {
    "a", "abbr", "b", "bdi", "bdo", "br", "cite", "code", "data", "del", "dfn", "em", "i", "ins",
    "kbd", "mark", "q", "rp", "rt", "ruby", "s", "samp", "small", "span", "strong", "sub", "sup",
    "time", "u", "var", "wbr",
}
_BLOCKS = {
    "address", "article", "aside", "blockquote", "caption", "col", "colgroup", "dd", "details", "div",
    "dl", "dt", "figcaption", "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr",
    "img", "li", "main", "nav", "ol", "p", "pre", "section", "summary", "table", "tbody", "td",
    "tfoot", "th", "thead", "tr", "ul",
    "input", "label",  # pymdownx.tasklist's checkboxes (type=checkbox, disabled: see _ATTRIBUTE_VALUES)
}
# KaTeX's MathML (the accessible half of its output).
_MATHML = {
    "annotation", "math", "menclose", "merror", "mfrac", "mi", "mmultiscripts", "mn", "mo", "mover",
    "mpadded", "mphantom", "mprescripts", "mroot", "mrow", "ms", "mspace", "msqrt", "mstyle", "msub",
    "msubsup", "msup", "mtable", "mtd", "mtext", "mtr", "munder", "munderover", "none", "semantics",
    "mlabeledtr",
}
# `kb diagrams` (Mermaid's SVG, inlined by the diagrams hook), twemoji, figures. Case as in the DOM.
_SVG = {
    "circle", "clipPath", "defs", "desc", "ellipse", "feBlend", "feColorMatrix", "feComposite",
    "feDropShadow", "feFlood", "feGaussianBlur", "feMerge", "feMergeNode", "feMorphology", "feOffset",
    "filter", "foreignObject", "g", "line", "linearGradient", "marker", "mask", "path", "pattern",
    "polygon", "polyline", "radialGradient", "rect", "stop", "svg", "switch", "symbol", "text",
    "textPath", "title", "tspan",
    "style",  # Mermaid scopes its CSS to the diagram's id inside the <svg>; CSS runs no script
}
ALLOWED_TAGS = _TEXT | _BLOCKS | _MATHML | _SVG
_ALLOWED_NAMES = {f"<{tag.lower()}>" for tag in ALLOWED_TAGS}

# data-search-exclude: Material's documented way to keep a block out of the search index (it removes
# the attribute itself in on_page_context, after the first sanitising pass in on_page_content).
_GLOBAL = {"class", "id", "title", "lang", "dir", "style", "role", "hidden", "tabindex", "xmlns", "data-search-exclude"}
_SVG_PRESENTATION = {
    "alignment-baseline", "baseline-shift", "clip-path", "clip-rule", "clipPathUnits", "color", "cx",
    "cy", "d", "dominant-baseline", "dx", "dy", "fill", "fill-opacity", "fill-rule", "filter",
    "filterUnits", "flood-color", "flood-opacity", "font-family", "font-size", "font-style",
    "font-weight", "fr", "fx", "fy", "gradientTransform", "gradientUnits", "height", "in", "in2",
    "k1", "k2", "k3", "k4", "marker-end", "marker-mid", "marker-start", "markerHeight",
    "markerUnits", "markerWidth", "mask", "maskUnits", "mode", "offset", "opacity", "operator",
    "orient", "overflow", "paint-order", "pathLength", "patternUnits", "points", "preserveAspectRatio",
    "r", "radius", "refX", "refY", "result", "rx", "ry", "stdDeviation", "stop-color", "stop-opacity",
    "stroke", "stroke-dasharray", "stroke-dashoffset", "stroke-linecap", "stroke-linejoin",
    "stroke-miterlimit", "stroke-opacity", "stroke-width", "text-anchor", "text-decoration",
    "transform", "type", "values", "vector-effect", "version", "viewBox", "visibility", "width", "x",
    "x1", "x2", "y", "y1", "y2", "aria-roledescription", "focusable",
}
_MATHML_ATTRIBUTES = {
    "accent", "accentunder", "columnalign", "display", "columnlines", "columnspacing", "depth", "displaystyle",
    "encoding", "fence", "form", "frame", "height", "largeop", "linethickness", "lspace", "mathcolor",
    "mathbackground", "mathsize", "mathvariant", "maxsize", "minsize", "movablelimits", "notation",
    "rowalign", "rowlines", "rowspacing", "rspace", "scriptlevel", "separator", "stretchy",
    "symmetric", "voffset", "width",
}
# The lightbox's data attributes (mkdocs-glightbox) and Mermaid's. data-title/data-description are
# given to innerHTML by GLightbox: _filter_attribute keeps markup out of them.
_DATA = {"data-title", "data-description", "data-desc-position", "data-type", "data-width",
         "data-height", "data-id", "data-look", "data-edge", "data-et", "data-points", "data-processed"}

ALLOWED_ATTRIBUTES: dict[str, set[str]] = {
    "*": _GLOBAL,
    "a": {"href", "rel", "hreflang"} | _DATA,
    "abbr": set(),
    "blockquote": {"cite"},
    "col": {"span", "width"},
    "colgroup": {"span", "width"},
    "data": {"value"},
    "del": {"cite", "datetime"},
    "details": {"open"},
    "div": _DATA,
    "img": {"src", "alt", "width", "height", "loading", "decoding", "align"},
    "input": {"checked", "disabled"},
    "ins": {"cite", "datetime"},
    "label": {"for"},
    "li": {"value"},
    "ol": {"start", "reversed"},
    "q": {"cite"},
    "td": {"colspan", "rowspan", "align", "headers"},
    "th": {"colspan", "rowspan", "align", "scope", "headers"},
    "time": {"datetime"},
    **{tag: set(_MATHML_ATTRIBUTES) for tag in _MATHML},
    **{tag: _SVG_PRESENTATION | _DATA for tag in _SVG},
}
_ATTRIBUTE_VALUES = {"input": {"type": {"checkbox"}}}
GENERIC_PREFIXES = {"aria-"}
# Relative URLs pass (the site's own pages and assets); absolute ones only with these schemes.
URL_SCHEMES = {"http", "https", "mailto"}
# Removed with their content: their text is code or a document of its own, never prose.
_DROP_CONTENT = {"script", "noscript", "iframe", "noembed", "noframes", "object", "embed", "template",
                 "textarea", "xmp", "plaintext", "frameset", "frame", "applet"}
# An id that Material's own elements use (`__config`, `__drawer`, ...; pymdownx's `__figure-caption_1`
# and `__code_0` are content): content with one would shadow them in document.querySelector
# (DOM clobbering).
_THEME_ID = re.compile(r"(?:__(?:toc|settings|search|palette|drawer|consent|config|analytics)|md-)|$")
_HTML_TITLE_ATTRIBUTES = {"data-title", "data-description"}


# CSS that fetches: only `url(#fragment)` (Mermaid's markers) stays; the site loads nothing from
# other hosts, and a stylesheet pulled in with @import could restyle every page.
_CSS_FETCH = re.compile(r"url\s*\(\s*['\"]?(?!#)|@import|image-set\s*\(|expression\s*\(", re.I)


def _filter_attribute(element: str, attribute: str, value: str) -> str | None:
    if attribute == "id" and _THEME_ID.match(value):
        return None
    if attribute == "style" and _CSS_FETCH.search(value):
        return None
    if attribute in _HTML_TITLE_ATTRIBUTES and "<" in value:
        return None
    return value


@lru_cache(maxsize=1)
def _strict_cleaner() -> nh3.Cleaner:
    """The allowlist, made once: a Cleaner reused for every page takes half the time of nh3.clean."""
    return nh3.Cleaner(tags=ALLOWED_TAGS, clean_content_tags=_DROP_CONTENT, attributes=ALLOWED_ATTRIBUTES,
                       tag_attribute_values=_ATTRIBUTE_VALUES, generic_attribute_prefixes=GENERIC_PREFIXES,
                       attribute_filter=_filter_attribute, url_schemes=URL_SCHEMES, link_rel=None,
                       strip_comments=True)


def _strict(html: str) -> str:
    return _strict_cleaner().clean(html)


_TAG_NAME = re.compile(r"</?\s*([A-Za-z][^\s/>]*)")
# A URL scheme where an attribute's value starts. Only the permissive parse's report depends on it
# (the published HTML is _strict's): "javascript" and "data" are always kept there, and taking every
# "word:" of the text (CSS properties, footnote ids) would make Ammonia several times slower.
_SCHEME = re.compile(r"""=\s*["']?\s*([A-Za-z][A-Za-z0-9+.\-]*)\s*:""")


def _permissive(html: str) -> str:
    """The same parse as _strict with (nearly) nothing removed: what the input is to a browser.
    Comments are dropped by both and not reported: an author's `<!-- TODO -->` is not a fault."""
    tags = set(_TAG_NAME.findall(html))
    tags |= {name.lower() for name in tags}
    schemes = {name.lower() for name in set(_SCHEME.findall(html))} | URL_SCHEMES | {"javascript", "data"}
    return nh3.clean(html, tags=ALLOWED_TAGS | tags | _DROP_CONTENT, clean_content_tags=set(),
                     attributes={}, generic_attribute_prefixes={""}, url_schemes=schemes,
                     link_rel=None, strip_comments=True)


# In Ammonia's output every "<" outside a <style> element's text starts a tag: html5ever escapes
# "<" in text and in attribute values (tests/test_sanitize.py holds it to that).
_SVG_OR_STYLE = re.compile(r"<(/?)(svg|style)(?=[\s/>])", re.I)
_STYLE_END = re.compile(r"</style\s*>", re.I)


def _styles_outside_svg(html: str) -> list[tuple[int, int]]:
    """(start, end) of each <style> element outside an <svg> in Ammonia's output. <style> is allowed
    for the CSS Mermaid scopes to its diagram; anywhere else it would restyle the page."""
    spans, svg_depth, pos = [], 0, 0
    while found := _SVG_OR_STYLE.search(html, pos):
        closing, name = found.group(1) == "/", found.group(2).lower()
        pos = found.end()
        if name == "svg":
            svg_depth = max(0, svg_depth - 1) if closing else svg_depth + 1
        elif not closing:  # a style element's text is raw: skip to its end tag
            end = _STYLE_END.search(html, pos)
            pos = end.end() if end else len(html)
            if svg_depth == 0:
                spans.append((found.start(), pos))
    return spans


def _style_elements(html: str) -> tuple[str, list[str]]:
    """Ammonia's output without <style> elements outside <svg> and without CSS that fetches."""
    if "<style" not in html:
        return html, []
    spans = _styles_outside_svg(html)
    removed = ["<style> outside an <svg>"] * len(spans)
    for start, end in reversed(spans):
        html = html[:start] + html[end:]

    def fetching(match: re.Match) -> str:
        if _CSS_FETCH.search(match.group(2)):
            removed.append("<style> that loads a URL")
            return match.group(1) + match.group(3)
        return match.group(0)

    return re.sub(r"(<style\b[^>]*>)(.*?)(</style>)", fetching, html, flags=re.S), removed


class _Inventory(HTMLParser):
    """Counts elements and attributes of Ammonia's (well-formed) output."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.items: Counter[str] = Counter()

    def handle_starttag(self, tag, attrs):
        self.items[f"<{tag}>"] += 1
        for name, value in attrs:
            shown = (value or "").strip()
            self.items[f'<{tag} {name}="{shown[:40]}">'] += 1


def _inventory(html: str) -> Counter[str]:
    parser = _Inventory()
    parser.feed(html)
    parser.close()
    return parser.items


def sanitize_html(html: str) -> tuple[str, list[str]]:
    """(the HTML with only allowed markup, the constructs removed: `<script>`, `<img onerror="…">`)."""
    clean, removed_styles = _style_elements(_strict(html))
    as_parsed = _permissive(html)
    # Elements Ammonia drops from either parse (e.g. <mglyph> where it would change the parse):
    # named from the source, as a tag the allowlist does not have.
    unknown = {f"<{name.lower()}>" for name in set(_TAG_NAME.findall(html))} - _ALLOWED_NAMES
    if as_parsed == clean and not unknown:
        return clean, []
    removed = set(_inventory(as_parsed) - _inventory(clean)) | unknown | set(removed_styles)
    return clean, sorted(removed) or ["markup the sanitiser rewrote"]


# Front-matter fields the theme inserts unescaped: Material treats a page's title as HTML (the
# navigation, header, <title>, search results) and puts the description in a <meta> attribute.
FRONT_MATTER_TEXT = ("title", "description", "subtitle")


def escape_front_matter(meta: dict) -> list[str]:
    """Escape the text fields of a page's front matter in place; the names of those that held markup."""
    changed = []
    for key in FRONT_MATTER_TEXT:
        value = meta.get(key)
        if isinstance(value, str):
            escaped = escape(value)
            if escaped != value and re.search(r"[<>\"]", value):
                changed.append(key)
            meta[key] = escaped
    return changed


ARTICLE = '<article class="md-content__inner md-typeset">'


def sanitize_page(output: str, sanitize_content=sanitize_html) -> tuple[str, list[str]]:
    """A built page with its content sanitised (by `sanitize_content`, sanitize_html or a cached
    copy of it), and what was removed. The content runs from the theme's <article> start tag to the
    document's last </article> (the theme's: the content may close elements, never reopen the
    theme's); the rest is the theme's, whose fields from data files and front matter are escaped
    where they are read. A page without it (404) is returned as it is."""
    start = output.find(ARTICLE)
    end = output.rfind("</article>")
    if start < 0 or end < start:
        return output, []
    start += len(ARTICLE)
    clean, removed = sanitize_content(output[start:end])
    return output[:start] + clean + output[end:], removed


def fingerprint() -> str:
    """What sanitize_html's result depends on besides its input: this module and nh3 (Ammonia),
    by version. A cache of its results is keyed by this and the HTML."""
    from importlib.metadata import version

    return hashlib.sha256(Path(__file__).read_bytes() + version("nh3").encode()).hexdigest()
