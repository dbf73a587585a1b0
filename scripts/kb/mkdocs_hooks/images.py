"""Every image of a page: lazy loading and alt text required; the lightbox plugin's wrapper taken off.

Runs on the HTML of each page: adds `loading="lazy"` and `decoding="async"` to each <img> that
does not set them, and stops a strict build (a warning) when an image has no alt text, since
the alt text is what a screen reader, a failed load and the lightbox caption show.

The glightbox plugin (scripts/kb/mkdocs_hooks/lightbox.py) returns from its on_page_content a
whole document, `<html><head></head><body>...</body></html>`, around the page's HTML; the wrapper
is taken off, so that what the page's later handlers and Material's search index see is the
page's own HTML on every page, with an image or without (the search index took <html> for a
section of its own, an empty one with the page's title, on pages the plugin had parsed).
"""

import logging
import re

from mkdocs.plugins import event_priority

from kb.mkdocs_hooks.lightbox import document_parts

log = logging.getLogger("mkdocs.hooks.images")

_IMG = re.compile(r"<img\b[^>]*>", re.I)
_ALT = re.compile(r"""\salt\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.I)


def lazy_images(html: str) -> tuple[str, list[str]]:
    """(html with lazy/async images, the src of every image that has no alt text)."""
    missing = []

    def fix(match: re.Match) -> str:
        tag = match.group(0)
        alt = _ALT.search(tag)
        if not alt or not (alt.group(1) or alt.group(2) or "").strip():
            src = re.search(r"""\ssrc\s*=\s*["']([^"']*)""", tag)
            missing.append(src.group(1) if src else tag)
        end = "/>" if tag.endswith("/>") else ">"
        body = tag[: -len(end)].rstrip()
        for name, value in (("loading", "lazy"), ("decoding", "async")):
            if not re.search(rf"\s{name}\s*=", body, re.I):
                body += f' {name}="{value}"'
        return body + end

    return _IMG.sub(fix, html), missing


def without_document_wrapper(html: str) -> str:
    """The page's HTML without the <html><head></head><body> wrapper lexbor serialises around it."""
    parts = document_parts(html)
    return parts[1] if parts and not parts[0] else html


@event_priority(-50)  # after the glightbox plugin, before the search hook indexes the page
def on_page_content(html: str, page, config, files) -> str:
    html, missing = lazy_images(without_document_wrapper(html))
    for src in missing:
        log.warning(f"{page.file.src_uri}: image without alt text: {src}")
    return html
