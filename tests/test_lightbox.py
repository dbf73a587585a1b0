"""The lightbox (kb.site.lightbox): images wrapped as mkdocs-glightbox wrapped them, its assets at the
end of <body> (in <head> they blocked the first paint), GLightbox served from the site."""

import pytest

from kb.site.lightbox import add_lightbox, wrap_images
from sitekit import page_url, route_sitemap, wait_for_sitemap

PAGE = ('<html><head><link rel="stylesheet" href="../assets/stylesheets/main.css"></head>'
        '<body><p>正文</p><script src="../assets/javascripts/bundle.js"></script></body></html>')


def test_the_lightbox_s_rules_stay_in_head_and_its_assets_go_to_the_end_of_body():
    out = add_lightbox(PAGE, "../vendor/glightbox/css/glightbox.min.css", "../vendor/glightbox/js/glightbox.min.js")
    head, body = out.split("</head>")
    assert head.endswith("</style>") and '<style id="glightbox-style">' in head  # inline rules: no request
    assert "glightbox.min" not in head
    assert body.endswith('<link href="../vendor/glightbox/css/glightbox.min.css" rel="stylesheet">'
                         '<script src="../vendor/glightbox/js/glightbox.min.js"></script>'
                         '<script id="init-glightbox">const lightbox = GLightbox({"touchNavigation": true, '
                         '"loop": false, "zoomable": true, "draggable": true, "openEffect": "zoom", '
                         '"closeEffect": "zoom", "slideEffect": "slide"});\n'
                         'document$.subscribe(()=>{ lightbox.reload(); });\n</script></body></html>')


def test_a_page_without_head_and_body_stops_the_build():
    with pytest.raises(ValueError):
        add_lightbox("<p>no head</p>", "a.css", "a.js")


def test_images_are_wrapped_in_a_link_to_themselves_with_their_alt_text_as_caption():
    page = ('<h1 id="t">标题</h1><p>正文 <img alt="图 1" src="../assets/a.png"></p>'
            '<p><a href="x"><img alt="已是链接" src="b.png"></a> <img class="twemoji" alt="🙂" src="e.svg"></p>')
    assert wrap_images(page) == (
        '<h1 id="t">标题</h1><p>正文 <a class="glightbox" data-type="image" data-width="auto" data-height="auto" '
        'href="../assets/a.png" data-title="图 1" data-desc-position="bottom"><img alt="图 1" src="../assets/a.png"></a></p>'
        '<p><a href="x"><img alt="已是链接" src="b.png"></a> <img class="twemoji" alt="🙂" src="e.svg"></p>')


def test_a_page_without_an_image_is_not_parsed():
    page = "<p>a&amp;b <br/> <unknown-tag>x</unknown-tag></p>"  # what a parser would re-serialise
    assert wrap_images(page) == page


def test_every_built_page_brings_the_lightbox_and_only_images_are_wrapped(built_site):
    """Pages without an image skip the lightbox's page work, not its assets: instant navigation keeps
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
        page.goto(server.url + page_url("pretraining/data.md"))
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
