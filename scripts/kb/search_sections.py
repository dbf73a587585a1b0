"""Material's search sections of a page, computed faster: the same sections from the same HTML.

Material's search plugin divides a page into sections (one per heading with an id) with its
`Parser`, an `html.parser.HTMLParser` whose handlers compare `Element` objects through
Python-level __eq__/__hash__ at every tag. On this site's pages (KaTeX's HTML, inline SVG
diagrams, hover definitions: about 650 tags a page) that was a fifth of a cold build, more than
the whole search indexing of a default Material build. `sections(html)` runs the same handlers,
statement for statement (quirks included: an excluded element excludes every open element of
its tag name, a section's title is "open" while any element of its heading's tag is), over a
regular-expression tokenizer that delivers the same events as HTMLParser for well-formed markup.
Markup it does not model (a `<` that starts no tag, an unclosed `<script>`, `<script/>`, junk after
the attributes of a tag whose attributes it reads) returns None, and the caller uses Material's
parser for that page. Malformed attributes elsewhere are not checked: tests/test_search_sections.py
compares both parsers on every page of the built site, and they agreed on all 1,003 pages of the
1,000-page corpus.
"""

from html import escape, unescape
from html.parser import attrfind_tolerant, tagfind_tolerant
import re

from material.plugins.search import plugin as material_search

# One match per event: the text before a piece of markup (group "text"), then the markup.
TOKEN = re.compile(
    r"(?P<text>[^<]*)(?:"
    r"<!--.*?--\s*>|<![^>]*>|<\?[^>]*>"  # comment (HTMLParser: --\s*> closes it), declaration, PI
    r"|</\s*(?P<end>[a-zA-Z][-.a-zA-Z0-9:_]*)\s*>"
    # script and style with their raw text (HTMLParser's CDATA mode); unclosed ones fall through
    r"|<(?P<cdata>(?i:script|style))(?=[\s/>])(?:[^>\"']|\"[^\"]*\"|'[^']*')*>.*?</\s*(?i:(?P=cdata))\s*>"
    r"|<(?P<start>[a-zA-Z][^\t\n\r\f />\x00]*)(?:[^>\"']|\"[^\"]*\"|'[^']*')*>"
    r"|(?P<stray><)"  # a '<' that starts nothing: not handled here
    r"|\Z)",
    re.S,
)
HEADINGS = frozenset(f"h{n}" for n in range(1, 7))
KEEP = frozenset(("p", "code", "pre", "li", "ol", "ul", "sub", "sup"))  # Parser.keep
VOID = frozenset(material_search.void)
ALWAYS_SKIPPED = ("script", "style", "object")  # Parser.skip at the start
# Attributes matter only on headings (id), permalinks (<a class="headerlink">) and excluded elements.
EXCLUSION_HINT = re.compile(r"data-search-exclude|linenodiv", re.I)


class Unsupported(Exception):
    """Markup whose HTMLParser events this tokenizer does not reproduce."""


def _attributes(raw_tag: str) -> tuple[dict, bool]:
    """HTMLParser.parse_starttag's attributes of one start tag (as a dict, as Material's
    handler makes them), and whether the tag is self-closing (`<x ... />`)."""
    match = tagfind_tolerant.match(raw_tag, 1)
    k, end = match.end(), len(raw_tag)
    attrs = []
    while k < end:
        m = attrfind_tolerant.match(raw_tag, k)
        if not m:
            break
        name, rest, value = m.group(1, 2, 3)
        if not rest:
            value = None
        elif value[:1] == "'" == value[-1:] or value[:1] == '"' == value[-1:]:
            value = value[1:-1]
        if value:
            value = unescape(value)
        attrs.append((name.lower(), value))
        k = m.end()
    tail = raw_tag[k:].strip()
    if tail not in (">", "/>"):
        raise Unsupported(raw_tag)
    return dict(attrs), tail == "/>"


def sections(html: str) -> list | None:
    """Material's Parser().data for `html` (Section objects), or None where unsupported."""
    try:
        return _sections(html)
    except Unsupported:
        return None


def _sections(html: str) -> list:
    """Parser's handle_starttag, handle_endtag and handle_data, inlined over TOKEN's matches.

    Parser tests membership of an open element by scanning its context; here counts per tag name
    answer the same questions: `open_tags[t]` (is a <t> open), `skipped` (how many open elements
    have a skipped tag name), `open_headerlinks` (is a permalink open)."""
    Section, Element = material_search.Section, material_search.Element
    data: list = []
    section = None
    title_tag = None  # section.el.tag: while one is open, text goes to the section's title
    context: list[str] = []
    headerlinks: list[bool] = []  # per open element: <a class="headerlink">
    open_tags: dict[str, int] = {}
    open_headerlinks = skipped = 0
    skip = set(ALWAYS_SKIPPED)  # Parser.skip compares elements by tag name: a set of names
    exclusions = EXCLUSION_HINT.search(html) is not None

    for match in TOKEN.finditer(html):
        chunk, closing, cdata, tag, stray = match.groups()
        if chunk:  # handle_data
            if "&" in chunk:
                chunk = unescape(chunk)
            if not skipped:
                if not open_tags.get("pre"):
                    chunk = chunk.replace("\n", " ") if not chunk.isspace() else " "
                if section is None:
                    section = Section(Element("hx"))
                    data.append(section)
                    title_tag = "hx"
                if open_tags.get(title_tag):
                    if not open_headerlinks:
                        section.title.append(escape(chunk, quote=False))
                elif chunk.isspace():
                    if not section.text or not section.text[-1].isspace() or open_tags.get("pre"):
                        section.text.append(chunk)
                else:
                    section.text.append(escape(chunk, quote=False) if "&" in chunk or "<" in chunk or ">" in chunk
                                        else chunk)

        tag = tag or cdata
        if tag:
            tag = tag.lower()
            if tag in VOID:
                continue  # nothing happens for a void element, self-closing or not
            attrs, self_closing = {}, html[match.end() - 2] == "/"
            if tag in HEADINGS or self_closing or (tag == "a" and "headerlink" in match.group(0)) or (
                    exclusions and EXCLUSION_HINT.search(match.group(0))):
                raw = match.group(0)[match.end(1) - match.start():]
                attrs, self_closing = _attributes(raw[:raw.index(">", 1 + len(tag)) + 1] if cdata else raw)
            if (cdata and self_closing) or (not cdata and not self_closing and tag in ("script", "style")):
                raise Unsupported(tag)  # <script/> has no raw text; an unclosed <script> is all raw text
            # handle_starttag
            context.append(tag)
            open_tags[tag] = open_tags.get(tag, 0) + 1
            link = tag == "a" and attrs.get("class") == "headerlink"
            headerlinks.append(link)
            open_headerlinks += link
            skipped += tag in skip
            excluded = False
            if tag in HEADINGS:
                depth = len(context)
                if "id" in attrs:
                    if tag != "h1" and not data:
                        section = Section(Element("hx"), depth)
                        data.append(section)
                    section = Section(Element(tag, attrs), depth)
                    title_tag = tag
                    if data:
                        section.id = attrs["id"]
                    data.append(section)
            if section is None:
                section = Section(Element("hx"))
                data.append(section)
                title_tag = "hx"
            for key, value in attrs.items():
                if key == "data-search-exclude" or (key == "class" and value == "linenodiv"):
                    skip.add(tag)
                    skipped = sum(t in skip for t in context)
                    excluded = True
                    break
            if not excluded and tag in KEEP and not skipped:
                (section.title if open_tags.get(title_tag) else section.text).append(f"<{tag}>")
            if self_closing or cdata:
                closing = tag  # HTMLParser: handle_startendtag; a script's end tag
        if closing:  # handle_endtag
            closing = closing.lower()
            if not context or context[-1] != closing:
                continue
            if section.depth > len(context):
                for candidate in reversed(data):
                    if candidate.depth <= len(context):
                        section.depth = float("inf")
                        section = candidate
                        title_tag = section.el.tag
                        break
            context.pop()
            open_tags[closing] -= 1
            open_headerlinks -= headerlinks.pop()
            if closing in skip:
                skipped -= 1
                if closing not in ALWAYS_SKIPPED:
                    skip.remove(closing)
                    skipped = sum(t in skip for t in context)
                continue
            if closing in KEEP and not skipped:
                target = section.title if open_tags.get(title_tag) else section.text
                index = target.index(f"<{closing}>")
                for i in range(index + 1, len(target)):
                    if not target[i].isspace():
                        index = len(target)
                        break
                if len(target) > index:
                    del target[index:]
                else:
                    target.append(f"</{closing}>")
        elif stray:
            raise Unsupported("<")
    return data


def add_entry_from_context(index, page) -> None:
    """Material's SearchIndex.add_entry_from_context with `sections` (Material's own parser where
    that declines)."""
    search = page.meta.get("search") or {}
    if search.get("exclude"):
        return
    found = sections(page.content)
    if found is None:
        parser = material_search.Parser()
        parser.feed(page.content)
        parser.close()
        found = parser.data
    for section in found:
        if not section.is_excluded():
            index.create_entry_for_section(section, page.toc, page.url, page)
