"""The glightbox plugin (click an image to enlarge it) without its cost on every page.

- Its on_page_content parses and re-serialises a page's whole HTML with lexbor to wrap each <img>
  in a link: about 1 ms a page (1.2 s of a cold 1,000-page build), for nothing on a page without
  an image. Such a page gets the plugin's own per-page switch, `glightbox: false` in its metadata,
  for that event.
- Its on_post_page parses and re-serialises the whole page again, on every page, to add four tags
  (1.5 s of the serial part of a cold 1,000-page build). The switch is on for that event on every
  page; this hook asks the plugin for its tags on an empty page at the same URL (the same tags:
  their URLs are relative to the page's) and puts them in the page as text. Every page gets them
  (instant navigation keeps the scripts of the first page a reader opens, which may have no image).
- Of those tags, its stylesheet and synchronous <script> would go in <head>, where both block the
  first paint (Lighthouse "render-blocking resources"), though they matter only once a reader
  clicks an image: they go at the end of <body>, just before the plugin's initialising script,
  which is where that script needs them. Its few inline rules stay at the end of <head>.

The page's own `glightbox: false` is left to the plugin, and the switch is taken off the metadata
again in on_post_page. What the plugin hands back from on_page_content is a whole document, not
the page's fragment: the images hook takes the wrapper off (scripts/kb/mkdocs_hooks/images.py).
"""

import re

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority

_IMAGE = re.compile(r"<img\b", re.I)
_OWN = "_kb_lightbox_own_value"  # page.meta, while this hook has switched the plugin off: the page's own value
_ABSENT = "absent"
_EMPTY_PAGE = "<html><head></head><body></body></html>"
_PARTS = re.compile(r"\A<html><head>(.*)</head><body>(.*)</body></html>\Z", re.S)
_ASSET = re.compile(
    r'<link\b[^>]*href="[^"]*glightbox\.min\.css"[^>]*>|<script\b[^>]*src="[^"]*glightbox\.min\.js"[^>]*></script>')


def _switch_off(meta: dict) -> None:
    meta.setdefault(_OWN, meta.get("glightbox", _ABSENT))
    meta["glightbox"] = False


def _switch_back(meta: dict) -> None:
    own = meta.pop(_OWN)
    if own == _ABSENT:
        del meta["glightbox"]
    else:
        meta["glightbox"] = own


def _own_value(meta: dict):
    return meta.get(_OWN, meta.get("glightbox", _ABSENT))


@event_priority(50)  # before the plugin's on_page_content
def on_page_content(html: str, page, config, files) -> str:
    if config.plugins.get("glightbox") and _own_value(page.meta) is not False and not _IMAGE.search(html):
        _switch_off(page.meta)
    return html


@event_priority(100)  # before the plugin's on_post_page (after every page_content handler)
def on_page_context(context, page, config, nav):
    if config.plugins.get("glightbox") and _own_value(page.meta) is not False:
        _switch_off(page.meta)
    return context


def document_parts(html: str) -> tuple[str, str] | None:
    """(inside <head>, inside <body>) of a document as lexbor serialises one, or None."""
    parts = _PARTS.match(html)
    return parts.groups() if parts else None


def with_lightbox(html: str, tags: str) -> str:
    """html with the tags the plugin put in an empty page (`tags`, that page): its inline rules at the
    end of <head>, its stylesheet, script and initialising script at the end of <body>."""
    parts = document_parts(tags)
    head_end, body_end = html.find("</head>"), html.rfind("</body>")
    if parts is None or head_end < 0 or body_end < head_end:
        raise ValueError("the lightbox's tags or the page's <head> and <body> were not found")
    head_tags, body_tags = parts
    assets = "".join(_ASSET.findall(head_tags))
    return (html[:head_end] + _ASSET.sub("", head_tags) + html[head_end:body_end]
            + assets + body_tags + html[body_end:])


@event_priority(-50)  # after the plugin's own on_post_page, which the switch made pass the page on
def on_post_page(output: str, page, config) -> str:
    if _OWN not in page.meta:
        return output
    _switch_back(page.meta)
    tags = config.plugins["glightbox"].on_post_page(_EMPTY_PAGE, page=page, config=config)
    try:
        return with_lightbox(output, tags)
    except ValueError as error:  # a glightbox or theme release that writes its pages differently
        raise PluginError(f"error: {page.file.src_uri}: {error}") from None
