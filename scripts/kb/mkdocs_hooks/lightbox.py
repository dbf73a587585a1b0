"""The glightbox plugin (click an image to enlarge it) without its cost where a page has no image.

- Its on_page_content parses and re-serialises a page's whole HTML with lexbor to wrap each <img>
  in a link: about 1 ms a page (1.2 s of a cold 1,000-page build), for nothing on a page without
  an image. Such a page gets the plugin's own per-page switch, `glightbox: false` in its metadata,
  for that event only: it is taken back in on_page_context, so the plugin still adds its assets to
  every page in on_post_page (instant navigation keeps the scripts of the first page a reader
  opens, so every page must bring the lightbox).
- Its stylesheet and synchronous <script> go in <head>, where both block the first paint of every
  page (Lighthouse "render-blocking resources"), though they matter only once a reader clicks an
  image. They are moved to the end of <body>, just before the plugin's initialising script, which
  is where that script needs them.

What the plugin hands back from on_page_content is a whole document, not the page's fragment: the
images hook takes the wrapper off (scripts/kb/mkdocs_hooks/images.py).
"""

import re

from mkdocs.plugins import event_priority

_IMAGE = re.compile(r"<img\b", re.I)
_SWITCHED_OFF = "_kb_lightbox_switched_off"  # page.meta: this hook set glightbox: false


@event_priority(50)  # before the plugin's on_page_content
def on_page_content(html: str, page, config, files) -> str:
    if "glightbox" not in page.meta and not _IMAGE.search(html):
        page.meta.update({"glightbox": False, _SWITCHED_OFF: True})
    return html


@event_priority(100)  # before any other handler, and the templates, see page.meta
def on_page_context(context, page, config, nav):
    if page.meta.pop(_SWITCHED_OFF, False):
        del page.meta["glightbox"]
    return context


_ASSET = re.compile(
    r'<link\b[^>]*href="[^"]*glightbox\.min\.css"[^>]*>|<script\b[^>]*src="[^"]*glightbox\.min\.js"[^>]*></script>')
_INIT = '<script id="init-glightbox">'


def assets_last(html: str) -> str:
    """html with glightbox's <link> and <script> moved from <head> to just before its init script."""
    head_end = html.find("</head>")
    init = html.find(_INIT)
    if head_end < 0 or init < 0:
        return html
    assets = _ASSET.findall(html, 0, head_end)
    if not assets:
        return html
    head = _ASSET.sub("", html[:head_end])
    return head + html[head_end:init] + "".join(assets) + html[init:]


@event_priority(-50)  # after the plugin has added its tags
def on_post_page(output: str, page, config) -> str:
    return assets_last(output)
