"""The lightbox and images hooks on HTML: the lightbox's assets leave <head> (they blocked the first
paint); the document lexbor wraps around a page's HTML is taken off."""

import importlib.util
from pathlib import Path

import pytest

from sitekit import page_url, route_sitemap, wait_for_sitemap

REPO = Path(__file__).resolve().parents[1]


def _hook(name: str):
    spec = importlib.util.spec_from_file_location(f"{name}_hook", REPO / f"scripts/kb/mkdocs_hooks/{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


lightbox_hook, images_hook = _hook("lightbox"), _hook("images")

PAGE = ('<html><head><link rel="stylesheet" href="../assets/stylesheets/main.css"></head>'
        '<body><p>正文</p><script src="../assets/javascripts/bundle.js"></script></body></html>')
TAGS = ('<html><head><link href="../assets/stylesheets/glightbox.min.css" rel="stylesheet">'
        '<script src="../assets/javascripts/glightbox.min.js"></script><style id="glightbox-style">.g{}</style>'
        '</head><body><script id="init-glightbox">const lightbox = GLightbox({});</script></body></html>')


def test_the_lightbox_s_tags_go_in_the_page_its_assets_at_the_end_of_body():
    out = lightbox_hook.with_lightbox(PAGE, TAGS)
    assert out == (
        '<html><head><link rel="stylesheet" href="../assets/stylesheets/main.css">'
        '<style id="glightbox-style">.g{}</style></head>'  # a few inline rules: no request, they stay in <head>
        '<body><p>正文</p><script src="../assets/javascripts/bundle.js"></script>'
        '<link href="../assets/stylesheets/glightbox.min.css" rel="stylesheet">'
        '<script src="../assets/javascripts/glightbox.min.js"></script>'
        '<script id="init-glightbox">const lightbox = GLightbox({});</script></body></html>')


def test_a_page_or_tags_not_as_expected_stop_the_build():
    with pytest.raises(ValueError):
        lightbox_hook.with_lightbox("<p>no head</p>", TAGS)
    with pytest.raises(ValueError):
        lightbox_hook.with_lightbox(PAGE, "<link>")


def test_the_document_lexbor_serialises_around_a_page_is_taken_off():
    page = '<h1 id="t">标题</h1><p>正文 <a class="glightbox" href="a.png"><img src="a.png" alt="图"></a></p>'
    assert images_hook.without_document_wrapper(f"<html><head></head><body>{page}</body></html>") == page
    assert images_hook.without_document_wrapper(page) == page
    # lexbor put a leading <style> in <head>: left whole rather than lose it
    moved = "<html><head><style>p{}</style></head><body><p>x</p></body></html>"
    assert images_hook.without_document_wrapper(moved) == moved


def test_every_built_page_brings_the_lightbox_and_only_images_are_wrapped(built_site):
    """Pages without an image skip the plugin's page work, not its assets: instant navigation keeps
    the scripts of the first page a reader opens, which may be one without an image."""
    site, _ = built_site
    pages = {p: p.read_text(encoding="utf-8") for p in site.rglob("*.html") if p.name == "index.html"}
    without_image = [p for p, html in pages.items() if "<img" not in html]
    assert without_image and len(without_image) < len(pages)
    for page, html in pages.items():
        head, body = html.split("</head>", 1)
        assert "glightbox.min" not in head, page
        assert body.count('glightbox.min.js"></script><script id="init-glightbox">') == 1, page
        assert body.count("<img") == body.count('class="glightbox"'), page


@pytest.mark.browser
def test_the_lightbox_opens_after_instant_navigation_from_a_page_without_images(browser, server):
    """The page a reader opens first keeps its scripts through instant navigation: the lightbox must
    come with a page that has no image too."""
    page = browser.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    route_sitemap(page, server.url)
    try:
        page.goto(server.url + page_url("architecture/transformer.md"))
        wait_for_sitemap(page)
        assert page.locator("article img").count() == 0
        page.evaluate("""() => {
            window.kbSameDocument = true;
            const link = document.createElement("a");
            link.href = new URL("../../foundations/scaling-laws/", location.href).href;
            link.id = "kb-test-link";
            link.textContent = "scaling laws";
            document.querySelector("article").append(link);
        }""")
        page.click("#kb-test-link")
        page.wait_for_url("**/foundations/scaling-laws/")
        page.locator("article a.glightbox").first.wait_for()
        assert page.evaluate("window.kbSameDocument === true"), "a full page load, not instant navigation"
        page.locator("article a.glightbox").first.click()
        page.wait_for_selector(".glightbox-container .gslide-image img", timeout=10000)
    finally:
        page.close()
    assert errors == []
