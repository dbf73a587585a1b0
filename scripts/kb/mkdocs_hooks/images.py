"""Every image of a page: lazy loading, and alt text required.

Runs on the HTML of each page: adds `loading="lazy"` and `decoding="async"` to each <img> that
does not set them, and stops a strict build (a warning) when an image has no alt text, since
the alt text is what a screen reader, a failed load and the lightbox caption show.
"""

import logging
import re

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


def on_page_content(html: str, page, config, files) -> str:
    html, missing = lazy_images(html)
    for src in missing:
        log.warning(f"{page.file.src_uri}: image without alt text: {src}")
    return html
