"""Every image of a page: lazy loading, alt text required, and a lightbox that does not delay the page.

Runs on the HTML of each page: adds `loading="lazy"` and `decoding="async"` to each <img> that
does not set them, and stops a strict build (a warning) when an image has no alt text, since
the alt text is what a screen reader, a failed load and the lightbox caption show.

The glightbox plugin puts its stylesheet and a synchronous <script> in <head>: both block the
first paint of every page (Lighthouse "render-blocking resources"), though they matter only once
a reader clicks an image. They are moved to the end of <body>, just before the plugin's own
initialising script, which is where that script needs them.
"""

import logging
import re

from mkdocs.plugins import event_priority

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


_LIGHTBOX_ASSET = re.compile(
    r'<link\b[^>]*href="[^"]*glightbox\.min\.css"[^>]*>|<script\b[^>]*src="[^"]*glightbox\.min\.js"[^>]*></script>')
_LIGHTBOX_INIT = '<script id="init-glightbox">'


def lightbox_assets_last(html: str) -> str:
    """html with glightbox's <link> and <script> moved from <head> to just before its init script."""
    head_end = html.find("</head>")
    init = html.find(_LIGHTBOX_INIT)
    if head_end < 0 or init < 0:
        return html
    assets = _LIGHTBOX_ASSET.findall(html, 0, head_end)
    if not assets:
        return html
    head = _LIGHTBOX_ASSET.sub("", html[:head_end])
    return head + html[head_end:init] + "".join(assets) + html[init:]


@event_priority(-50)  # after the glightbox plugin has added its tags
def on_post_page(output: str, page, config) -> str:
    return lightbox_assets_last(output)
