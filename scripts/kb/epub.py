"""The knowledge base as one EPUB 3, made from the built offline site: a pure step after the build.

Every topic page in topic-map order, then the glossary, the references and the notes' sources as
appendices. Each chapter is the page's article as XHTML: formulas as the MathML KaTeX already
wrote at build time (its TeX source as `alttext`, the text fallback of readers without MathML),
diagrams as the inline SVGs `kb diagrams` drew, figures as the files they are, tooltips and
citations as they are on the site. Links between chapters stay inside the book; links to pages
that are not in it go to the published site. The file is the same for the same site (fixed
time stamps, sorted entries), and is written under a temporary name, then renamed.

Layout: the chapters mirror the site's paths (`foundations/scaling-laws.html` becomes
`OEBPS/foundations/scaling-laws.xhtml`), so the pages' relative links to `../assets/...` hold.
"""

from __future__ import annotations

import posixpath
import re
import uuid
import zipfile
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from urllib.parse import unquote, urlsplit

from selectolax.lexbor import LexborHTMLParser, LexborNode

EPUB_NAME = "llm-notes.epub"
ZIP_DATE = (2024, 1, 1, 0, 0, 0)
XHTML_NS = "http://www.w3.org/1999/xhtml"
SVG_NS = "http://www.w3.org/2000/svg"
MATHML_NS = "http://www.w3.org/1998/Math/MathML"
XLINK_NS = "http://www.w3.org/1999/xlink"
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
# What a reader of a book does not need from a page: permalinks, edit buttons, scripts, KaTeX's
# HTML rendering (the MathML beside it stays), the lightbox's wrapper is unwrapped below.
DROP = ("a.headerlink", "a.md-content__button", "script", "noscript", "form", ".katex-html", "nav", "button",
        "input")
MEDIA_TYPES = {".svg": "image/svg+xml", ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
               ".gif": "image/gif", ".webp": "image/webp"}
XML_NAME = re.compile(r"^[A-Za-z_][\w.\-]*(?::[A-Za-z_][\w.\-]*)?$")
# Attributes the EPUB's XHTML does not allow, or that mean nothing in a book.
DROP_ATTRIBUTES = {"loading", "decoding", "fetchpriority", "data-md-component", "tabindex"}

STYLESHEET = """\
body { font-family: "Noto Sans CJK SC", "Source Han Sans SC", sans-serif; line-height: 1.7; margin: 0 4%; }
h1 { font-size: 1.6em; margin: 1em 0 0.6em; } h2 { font-size: 1.3em; margin-top: 1.4em; } h3 { font-size: 1.1em; }
p.source-note, p.editor-note { font-size: 0.8em; color: #666; }
p.editor-note { display: inline-block; border: 1px solid #ccc; border-radius: 0.2em; padding: 0 0.4em; }
.admonition, details { border-left: 0.25em solid #448aff; margin: 1em 0; padding: 0.2em 0.8em; background: #f5f8ff; }
.admonition.correction { border-color: #e53935; background: #fff5f5; }
.admonition.missing-figure, details.missing-figure { border-color: #9e9e9e; background: #f6f6f6; font-size: 0.85em; }
.admonition-title, summary { font-weight: bold; }
figure { margin: 1em 0; text-align: center; } figcaption { font-size: 0.85em; color: #555; }
img, svg { max-width: 100%; height: auto; }
table { border-collapse: collapse; margin: 1em 0; font-size: 0.9em; }
th, td { border: 1px solid #ccc; padding: 0.2em 0.5em; }
code, pre { font-family: monospace; font-size: 0.9em; } pre { white-space: pre-wrap; background: #f5f5f5; padding: 0.5em; }
abbr { text-decoration: none; }
a.footnote-ref::before { content: "["; } a.footnote-ref::after { content: "]"; }
.footnote { font-size: 0.85em; border-top: 1px solid #ccc; margin-top: 2em; }
math[display="block"] { display: block; margin: 0.8em 0; }
"""


@dataclass
class Chapter:
    """One page of the built site that becomes a chapter."""

    html_path: str  # relative to the site: foundations/scaling-laws.html
    title: str
    group: str  # the section of the table of contents: 基础, 附录 ...


@dataclass
class _Converted:
    xhtml: str
    resources: set[str] = field(default_factory=set)  # site-relative paths of images it shows
    properties: set[str] = field(default_factory=set)  # "mathml", "svg"
    headings: list[tuple[str, str]] = field(default_factory=list)  # (id, text) of its h2s


def chapters_from_topics(topics: list[dict], appendices: list[tuple[str, str]]) -> list[Chapter]:
    """The topic map's pages in order (data/topics.yaml), then (title, html path) appendices."""
    chapters = [Chapter(page["path"].removesuffix(".md") + ".html", page["title"], section["section"])
                for section in topics for page in section["pages"]]
    return chapters + [Chapter(path, title, "附录") for title, path in appendices]


def _xhtml_path(html_path: str) -> str:
    return html_path.removesuffix(".html") + ".xhtml"


def _serialize(node: LexborNode, out: list[str], namespace: str = XHTML_NS, declare: bool = False) -> None:
    """Write `node` as well-formed XML: quoted attributes, closed void elements, namespaces of
    inline SVG and MathML declared on their root element, and XHTML's again inside an SVG's
    foreignObject (Mermaid's labels), `declare`d on the first element there."""
    tag = node.tag
    if tag == "-text":
        out.append(escape(node.text_content or "", quote=False))
        return
    if tag in ("_comment", "!doctype") or tag is None:
        return
    attributes = {k: ("" if v is None else v) for k, v in node.attributes.items()}
    if declare:
        attributes["xmlns"] = namespace
    inner_namespace = namespace
    if tag == "svg" and namespace != SVG_NS:
        inner_namespace = attributes["xmlns"] = SVG_NS
        attributes.setdefault("xmlns:xlink", XLINK_NS)
    elif tag == "math" and namespace != MATHML_NS:
        inner_namespace = attributes["xmlns"] = MATHML_NS
    elif tag == "foreignObject":
        inner_namespace = XHTML_NS
    parts = [tag]
    for name, value in attributes.items():
        if name in DROP_ATTRIBUTES or not XML_NAME.match(name) or (name == "xmlns" and attributes[name] == namespace
                                                                   and not declare and tag not in ("svg", "math")):
            continue
        if ":" in name and name.split(":")[0] not in ("xlink", "xmlns", "xml", "epub"):
            continue
        parts.append(f'{name}="{escape(name if name in _BOOLEAN and not value else value, quote=True)}"')
    children = list(node.iter(include_text=True))
    if not children and (tag in VOID or namespace != XHTML_NS):
        out.append(f"<{' '.join(parts)}/>")
        return
    out.append(f"<{' '.join(parts)}>")
    arity = MATHML_ARITY.get(tag) if namespace == MATHML_NS else None
    elements = [c for c in children if c.tag not in ("-text", "_comment")]
    if arity and len(elements) > arity:
        children = elements[:arity - 1]
        for child in children:
            _serialize(child, out, inner_namespace)
        out.append("<mrow>")
        for child in elements[arity - 1:]:
            _serialize(child, out, inner_namespace)
        out.append("</mrow>")
    else:
        for child in children:
            _serialize(child, out, inner_namespace, declare=tag == "foreignObject")
    out.append(f"</{tag}>")


# MathML elements with a fixed number of arguments. KaTeX sometimes writes more (`C_{\min}` gives
# <msub><mi>C</mi><mi>min</mi><mo>⁡</mo></msub>); the extra ones belong to the last argument.
MATHML_ARITY = {"msub": 2, "msup": 2, "mfrac": 2, "mroot": 2, "munder": 2, "mover": 2, "msubsup": 3,
                "munderover": 3}
_BOOLEAN = {"open", "checked", "disabled", "hidden", "controls", "selected", "reversed"}


def convert_page(html: str, html_path: str, chapters: set[str], site_url: str) -> _Converted:
    """The page's article as the body of an XHTML chapter."""
    tree = LexborHTMLParser(html)
    article = tree.css_first("article") or tree.body
    result = _Converted("")
    for selector in DROP:
        for node in article.css(selector):
            node.decompose()
    for style in article.css("style"):  # the page's own styles go; an SVG's stay with it
        if not any(parent.tag == "svg" for parent in _ancestors(style)):
            style.decompose()
    for paragraph in article.css("foreignObject span p"):  # Mermaid's labels: a <p> may not stand in a <span>
        paragraph.unwrap()
    for link in article.css("a.glightbox"):  # the lightbox's wrapper: a book shows the image itself
        link.unwrap()
    here = posixpath.dirname(html_path)
    for math in article.css("math"):
        tex = math.css_first('annotation[encoding="application/x-tex"]')
        if tex is not None:
            math.attrs["alttext"] = tex.text(deep=True).strip()
        result.properties.add("mathml")
    if article.css_first("svg") is not None:
        result.properties.add("svg")
    for image in article.css("img"):
        src = image.attributes.get("src") or ""
        target = _resolve(here, src)
        if target is None:
            image.decompose()  # a remote image: the site shows none either
            continue
        result.resources.add(target)
    for link in article.css("a[href]"):
        link.attrs["href"] = _link(here, link.attributes["href"] or "", chapters, site_url, result)
    for heading in article.css("h2[id]"):
        result.headings.append((heading.attributes["id"], heading.text(deep=True).strip()))
    out: list[str] = []
    for child in article.iter(include_text=True):
        _serialize(child, out)
    result.xhtml = "".join(out)
    return result


def _ancestors(node: LexborNode):
    while node.parent is not None:
        node = node.parent
        yield node


def _resolve(here: str, url: str) -> str | None:
    """The site-relative path a relative URL points at; None for a URL with a scheme or host."""
    parts = urlsplit(url)
    if parts.scheme or parts.netloc or not parts.path:
        return None
    return posixpath.normpath(posixpath.join(here, unquote(parts.path)))


def _link(here: str, href: str, chapters: set[str], site_url: str, result: _Converted) -> str:
    parts = urlsplit(href)
    if parts.scheme or parts.netloc or not parts.path:
        return href  # another site, mail, or an anchor in this chapter
    target = _resolve(here, href)
    fragment = f"#{parts.fragment}" if parts.fragment else ""
    if target in chapters:
        return posixpath.relpath(_xhtml_path(target), here or ".") + fragment
    if posixpath.splitext(target)[1].lower() in MEDIA_TYPES:
        result.resources.add(target)
        return href
    # A page the book leaves out (tags, the home page): its address on the published site.
    page = target.removesuffix("index.html").removesuffix(".html")
    page = page + "/" if page and not page.endswith("/") else page
    return site_url.rstrip("/") + "/" + page + fragment


def _chapter_document(title: str, body: str, depth: int) -> str:
    css = "../" * depth + "epub.css"
    return ('<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html>\n'
            f'<html xmlns="{XHTML_NS}" xmlns:epub="http://www.idpf.org/2007/ops" lang="zh-CN" xml:lang="zh-CN">\n'
            f'<head><meta charset="utf-8"/><title>{escape(title)}</title>'
            f'<link rel="stylesheet" type="text/css" href="{css}"/></head>\n'
            f'<body>{body}</body>\n</html>\n')


def _nav(groups: list[tuple[str, list[tuple[Chapter, _Converted]]]]) -> str:
    items = []
    for group, members in groups:
        entries = []
        for chapter, converted in members:
            href = _xhtml_path(chapter.html_path)
            subs = "".join(f'<li><a href="{escape(href)}#{escape(hid)}">{escape(text)}</a></li>'
                           for hid, text in converted.headings)
            entries.append(f'<li><a href="{escape(href)}">{escape(chapter.title)}</a>'
                           + (f"<ol>{subs}</ol>" if subs else "") + "</li>")
        items.append(f"<li><span>{escape(group)}</span><ol>{''.join(entries)}</ol></li>")
    body = (f'<nav epub:type="toc" id="toc"><h1>目录</h1><ol>{"".join(items)}</ol></nav>'
            '<nav epub:type="landmarks" hidden="hidden"><ol>'
            '<li><a epub:type="titlepage" href="title.xhtml">封面</a></li>'
            f'<li><a epub:type="bodymatter" href="{escape(_xhtml_path(groups[0][1][0][0].html_path))}">正文</a></li>'
            '</ol></nav>')
    return _chapter_document("目录", body, 0)


def _package(title: str, description: str, identifier: str, modified: str, manifest: list[tuple[str, str, str, str]],
             spine: list[str]) -> str:
    items = "\n".join(f'    <item id="{i}" href="{escape(h)}" media-type="{m}"' + (f' properties="{p}"' if p else "") + "/>"
                      for i, h, m, p in manifest)
    refs = "\n".join(f'    <itemref idref="{i}"/>' for i in spine)
    return f"""<?xml version="1.0" encoding="utf-8"?>
<package xmlns="http://www.idpf.org/2007/opf" version="3.0" unique-identifier="book-id" xml:lang="zh-CN">
  <metadata xmlns:dc="http://purl.org/dc/elements/1.1/">
    <dc:identifier id="book-id">{escape(identifier)}</dc:identifier>
    <dc:title>{escape(title)}</dc:title>
    <dc:language>zh-CN</dc:language>
    <dc:creator>大模型学习笔记编者</dc:creator>
    <dc:description>{escape(description)}</dc:description>
    <meta property="dcterms:modified">{escape(modified)}</meta>
  </metadata>
  <manifest>
{items}
  </manifest>
  <spine>
{refs}
  </spine>
</package>
"""


CONTAINER = """<?xml version="1.0" encoding="utf-8"?>
<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">
  <rootfiles><rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/></rootfiles>
</container>
"""


def write_epub(site_dir: Path, chapters: list[Chapter], out_path: Path, *, title: str, description: str,
               site_url: str, modified: str) -> dict:
    """Write the EPUB of `chapters` (pages of the built site in `site_dir`) to `out_path`.

    `modified` is the book's dcterms:modified (YYYY-MM-DDThh:mm:ssZ); returns counts for the report."""
    present = [c for c in chapters if (site_dir / c.html_path).is_file()]
    names = {c.html_path for c in present}
    converted = [(c, convert_page((site_dir / c.html_path).read_text(encoding="utf-8"), c.html_path, names, site_url))
                 for c in present]
    files: dict[str, bytes] = {"OEBPS/epub.css": STYLESHEET.encode()}
    manifest = [("css", "epub.css", "text/css", ""), ("nav", "nav.xhtml", "application/xhtml+xml", "nav"),
                ("title", "title.xhtml", "application/xhtml+xml", "")]
    spine = ["title", "nav"]
    title_page = (f'<section epub:type="titlepage"><h1>{escape(title)}</h1><p>{escape(description)}</p>'
                  f'<p>网络版：<a href="{escape(site_url)}">{escape(site_url)}</a></p>'
                  f'<p>本书由站点内容自动生成，更新于 {escape(modified[:10])}。</p></section>')
    files["OEBPS/title.xhtml"] = _chapter_document(title, title_page, 0).encode()
    resources: set[str] = set()
    for n, (chapter, page) in enumerate(converted):
        path = _xhtml_path(chapter.html_path)
        files[f"OEBPS/{path}"] = _chapter_document(chapter.title, page.xhtml, path.count("/")).encode()
        manifest.append((f"c{n}", path, "application/xhtml+xml", " ".join(sorted(page.properties))))
        spine.append(f"c{n}")
        resources |= page.resources
    missing = sorted(r for r in resources if not (site_dir / r).is_file())
    for n, resource in enumerate(sorted(resources - set(missing))):
        media = MEDIA_TYPES.get(posixpath.splitext(resource)[1].lower())
        if media is None:
            continue
        files[f"OEBPS/{resource}"] = (site_dir / resource).read_bytes()
        manifest.append((f"r{n}", resource, media, ""))
    groups: list[tuple[str, list]] = []
    for chapter, page in converted:
        if not groups or groups[-1][0] != chapter.group:
            groups.append((chapter.group, []))
        groups[-1][1].append((chapter, page))
    files["OEBPS/nav.xhtml"] = _nav(groups).encode()
    identifier = "urn:uuid:" + str(uuid.uuid5(uuid.NAMESPACE_URL, site_url))
    files["OEBPS/content.opf"] = _package(title, description, identifier, modified, manifest, spine).encode()
    files["META-INF/container.xml"] = CONTAINER.encode()

    tmp = out_path.with_name(out_path.name + ".tmp")
    with zipfile.ZipFile(tmp, "w") as book:
        # The mimetype comes first and uncompressed (OCF 3.0, 4.3).
        book.writestr(zipfile.ZipInfo("mimetype", date_time=ZIP_DATE), b"application/epub+zip",
                      compress_type=zipfile.ZIP_STORED)
        for name in sorted(files):
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            info.external_attr = 0o644 << 16
            book.writestr(info, files[name], compress_type=zipfile.ZIP_DEFLATED, compresslevel=9)
    tmp.replace(out_path)
    return {"chapters": len(converted), "resources": len(resources) - len(missing), "missing_resources": missing,
            "formulas": sum(p.xhtml.count("<math") for _, p in converted),
            "diagrams": sum(p.xhtml.count("<svg") for _, p in converted)}
