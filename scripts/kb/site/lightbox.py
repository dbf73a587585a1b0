"""Click an image to enlarge it: GLightbox (npm, served from vendor/glightbox/ like the site's other
front-end packages), wired the way mkdocs-glightbox 0.5 wired it, without that plugin.

The plugin re-parsed and re-serialised every page twice (about 2.7 s of a cold 1,000-page build),
put its stylesheet and synchronous script in <head>, where both block the first paint though
they matter only once a reader clicks an image, and wrapped its output in a whole
<html><head></head><body> document. Here a page without an image is not parsed at all, an image
gets the plugin's link (same attributes), and every page gets the assets at the end of <body>,
after the plugin's few inline rules in <head> (every page: instant navigation keeps the scripts
of the first page a reader opens, which may have no image).
"""

import json
import re

from selectolax.lexbor import LexborHTMLParser, create_tag

PACKAGE = "glightbox"
SCRIPT = "vendor/glightbox/js/glightbox.min.js"
STYLESHEET = "vendor/glightbox/css/glightbox.min.css"
SKIP_CLASSES = {"emojione", "twemoji", "gemoji", "off-glb"}  # icons, and images a page opts out
OPTIONS = {"touchNavigation": True, "loop": False, "zoomable": True, "draggable": True,
           "openEffect": "zoom", "closeEffect": "zoom", "slideEffect": "slide"}
_IMAGE = re.compile(r"<img\b", re.I)
_DOCUMENT = re.compile(r"\A<html><head></head><body>(.*)</body></html>\Z", re.S)
STYLE = """<style id="glightbox-style">
            html.glightbox-open { overflow: initial; height: 100%; }
            .gslide-title { margin-top: 0px; user-select: text; }
            .gslide-desc { color: #666; user-select: text; }
            .gslide-image img { background: white; }
            .gscrollbar-fixer { padding-right: 15px; }
            .gdesc-inner { font-size: 0.75rem; }
            body[data-md-color-scheme="slate"] .gdesc-inner { background: var(--md-default-bg-color); }
            body[data-md-color-scheme="slate"] .gslide-title { color: var(--md-default-fg-color); }
            body[data-md-color-scheme="slate"] .gslide-desc { color: var(--md-default-fg-color); }
        </style>"""


def wrap_images(html: str) -> str:
    """Each image that is not already a link, nor an icon, inside `<a class="glightbox">` to itself,
    its alt text the caption. A page without an image comes back as it is."""
    if not _IMAGE.search(html):
        return html
    tree = LexborHTMLParser(html)
    for img in tree.css("img"):
        if (img.parent and img.parent.tag == "a") or set(img.attributes.get("class", "").split()) & SKIP_CLASSES:
            continue
        link = create_tag("a")
        for name, value in _link_attributes(img.attributes).items():
            link.attrs[name] = value
        link.insert_child(LexborHTMLParser(img.html).css_first("img"))
        img.replace_with(link)
    body = _DOCUMENT.match(tree.html)
    if body is None:  # a fragment lexbor does not serialise as one body (never seen on this site)
        raise ValueError("the page's HTML did not come back from the HTML parser as one <body>")
    return body.group(1)


def _link_attributes(img: dict) -> dict[str, str]:
    attrs = {"class": "glightbox", "data-type": "image", "data-width": "auto", "data-height": "auto",
             "href": img.get("data-src") or img.get("src") or ""}
    for name, value in (("data-title", img.get("data-title") or img.get("alt") or ""),
                        ("data-description", img.get("data-description") or ""),
                        ("data-desc-position", img.get("data-caption-position") or "bottom"),
                        ("data-gallery", img.get("data-gallery") or "")):
        if value:
            attrs[name] = value
    return attrs


def add_lightbox(output: str, stylesheet_url: str, script_url: str) -> str:
    """The page with the inline rules at the end of <head>, the stylesheet, script and initialising
    script at the end of <body>."""
    head_end, body_end = output.find("</head>"), output.rfind("</body>")
    if head_end < 0 or body_end < head_end:
        raise ValueError("the page's <head> and <body> were not found")
    init = (f"const lightbox = GLightbox({json.dumps(OPTIONS)});\n"
            "document$.subscribe(()=>{ lightbox.reload(); });\n")
    tail = (f'<link href="{stylesheet_url}" rel="stylesheet"><script src="{script_url}"></script>'
            f'<script id="init-glightbox">{init}</script>')
    return output[:head_end] + STYLE + output[head_end:body_end] + tail + output[body_end:]
