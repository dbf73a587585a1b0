"""The images hook on HTML: the lightbox's assets leave <head> (they blocked the first paint)."""

import importlib.util
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("images_hook", REPO / "scripts/kb/mkdocs_hooks/images.py")
images_hook = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(images_hook)

PAGE = (
    '<html><head><link rel="stylesheet" href="../assets/stylesheets/main.css">'
    '<link href="../assets/stylesheets/glightbox.min.css" rel="stylesheet">'
    '<script src="../assets/javascripts/glightbox.min.js"></script><style id="glightbox-style">.g{}</style>'
    '</head><body><p>正文</p><script src="../assets/javascripts/bundle.js"></script>'
    '<script id="init-glightbox">const lightbox = GLightbox({});</script></body></html>'
)


def test_lightbox_assets_move_from_head_to_just_before_their_init_script():
    out = images_hook.lightbox_assets_last(PAGE)
    head, body = out.split("</head>")
    assert "glightbox.min" not in head
    assert '<style id="glightbox-style">' in head  # a few inline rules: no request, left where they are
    assert body.endswith(
        '<script src="../assets/javascripts/bundle.js"></script>'
        '<link href="../assets/stylesheets/glightbox.min.css" rel="stylesheet">'
        '<script src="../assets/javascripts/glightbox.min.js"></script>'
        '<script id="init-glightbox">const lightbox = GLightbox({});</script></body></html>')


def test_a_page_without_the_lightbox_is_left_as_it_is():
    page = PAGE.replace('<script id="init-glightbox">const lightbox = GLightbox({});</script>', "")
    assert images_hook.lightbox_assets_last(page) == page
    assert images_hook.lightbox_assets_last("<p>no head</p>") == "<p>no head</p>"
