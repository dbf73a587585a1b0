"""Stylesheets are loaded once (issue 7): Material's instant navigation makes every relative URL of a
page absolute when it starts, which, done to a stylesheet's <link> after the content is parsed,
reloads the stylesheet and restyles every element. overrides/main.html does it before the content."""

import pytest

from sitekit import page_url, route_sitemap, wait_for_sitemap

# Every change of a stylesheet link's href, and whether the page's content was in the document then.
RECORD_STYLESHEET_CHANGES = """(() => { window.__sheetChanges = [];
  new MutationObserver(records => { for (const r of records)
    if (r.target.rel === 'stylesheet') window.__sheetChanges.push({
      href: r.target.getAttribute('href'), contentParsed: !!document.querySelector('.md-content') }); })
  .observe(document, { subtree: true, attributes: true, attributeFilter: ['href'] }); })();"""

HEAD_SHEETS_JS = """() => [...document.head.querySelectorAll('link[rel=stylesheet]')]
  .map(link => ({ href: link.getAttribute('href'), loaded: !!link.sheet }))"""


def started(page) -> None:
    """Wait until Material's bundle has started and made the page's own links absolute."""
    page.wait_for_function("() => document.documentElement.classList.contains('js') && "
                           "/^http/.test(document.querySelector('.md-nav__link[href]').getAttribute('href'))")


@pytest.fixture
def page(browser, server):
    page = browser.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.add_init_script(RECORD_STYLESHEET_CHANGES)
    # instant navigation follows only the sitemap's URLs: this server's, not site_url's
    route_sitemap(page, server.url)
    yield page
    page.close()
    assert errors == []


@pytest.mark.browser
@pytest.mark.parametrize("path", ["generation/diffusion.md", "index.md"])
def test_no_stylesheet_is_reloaded_once_the_content_is_parsed(page, server, path):
    page.goto(server.url + page_url(path), wait_until="load")
    started(page)
    changes = page.evaluate("window.__sheetChanges")
    assert changes, "the stylesheets' URLs were never made absolute: Material would do it after the content"
    assert [c for c in changes if c["contentParsed"]] == []
    sheets = page.evaluate(HEAD_SHEETS_JS)
    assert sheets and all(s["href"].startswith(server.url) and s["loaded"] for s in sheets), sheets


@pytest.mark.browser
def test_after_instant_navigation_to_another_depth_head_has_each_stylesheet_once(page, server):
    page.goto(server.url + page_url("index.md"), wait_until="load")
    wait_for_sitemap(page)
    started(page)
    page.evaluate("window.kbSameDocument = true")
    page.locator(f'a[href="{server.url}{page_url("generation/diffusion.md")}"]').first.click()
    page.wait_for_url("**/generation/diffusion/")
    page.locator("article .katex").first.wait_for()
    assert page.evaluate("window.kbSameDocument === true"), "a full page load, not instant navigation"
    sheets = page.evaluate(HEAD_SHEETS_JS)
    hrefs = [s["href"] for s in sheets]
    assert len(hrefs) == len(set(hrefs)) and all(s["loaded"] for s in sheets), sheets
    assert any(h.endswith("katex.min.css") for h in hrefs), "the formulas' stylesheet came with the page"
    assert page.evaluate("getComputedStyle(document.querySelector('.md-header')).position") == "sticky"
