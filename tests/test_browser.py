"""What a reader sees, in a real headless Chromium: the home page and every topic page
load without console errors, broken images or requests to any host but the local server,
and their formulas are rendered by the site's own KaTeX."""

from urllib.parse import urlparse

import pytest

from sitekit import page_url, topic_pages


PAGES = ["index.md", "sources.md", "missing-figures.md", "tags.md", *topic_pages()]


def visit(browser, url: str) -> dict:
    """Open url; record console errors, page errors, failed and foreign requests."""
    origin = urlparse(url).netloc
    seen = {"console": [], "pageerror": [], "failed": [], "foreign": []}
    context = browser.new_context()
    page = context.new_page()

    def route(r):
        if urlparse(r.request.url).netloc in (origin, "") or r.request.url.startswith("data:"):
            r.continue_()
        else:
            seen["foreign"].append(r.request.url)
            r.abort()

    page.route("**/*", route)
    page.on("console", lambda m: seen["console"].append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: seen["pageerror"].append(str(e)))
    page.on("requestfailed", lambda r: seen["failed"].append(r.url))
    page.goto(url, wait_until="networkidle")
    # Images load lazily (loading="lazy"): scroll to each, as a reader would, and wait for it.
    page.evaluate("""async () => { for (const i of document.images) { i.scrollIntoView();
        if (!i.complete) await new Promise(r => { i.onload = i.onerror = r; setTimeout(r, 5000); }); } }""")
    seen["broken_images"] = page.evaluate(
        "() => [...document.images].filter(i => !i.complete || i.naturalWidth === 0).map(i => i.src)")
    seen["raw_math"] = page.evaluate(
        "() => [...document.querySelectorAll('.arithmatex')].filter(e => !e.querySelector('.katex')).map(e => e.textContent.slice(0, 60))")
    seen["formulas"] = page.evaluate("() => document.querySelectorAll('.arithmatex .katex').length")
    context.close()
    return seen


@pytest.mark.browser
@pytest.mark.parametrize("path", PAGES)
def test_page_loads_cleanly_from_the_local_server_only(browser, server, path):
    seen = visit(browser, server.url + page_url(path))
    assert seen["foreign"] == [], "requests to other hosts"
    assert seen["console"] == [] and seen["pageerror"] == [], "console errors"
    assert seen["failed"] == [], "failed requests"
    assert seen["broken_images"] == [], "broken images"
    assert seen["raw_math"] == [], "formulas left unrendered"


@pytest.mark.browser
def test_training_page_formulas_are_rendered_by_katex(browser, server):
    seen = visit(browser, server.url + page_url("pretraining/training.md"))
    # beta_1, beta_2, epsilon, Adafactor's, the learning rates, Y = XA ...: all 16 of note 003.
    assert seen["formulas"] >= 16
