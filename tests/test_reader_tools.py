"""What readers asked for under each page, in a real headless Chromium: "报告本页错误" opens a
prefilled issue with the page, its section and the selected passage (also after instant
navigation); "引用本页" gives GB/T 7714 and BibTeX with today's date, copied by Material's button;
the 最近更新 page and its Atom feed come from git history. On a 390-px phone in the dark scheme too.
"""

import datetime as dt
import xml.etree.ElementTree as ET
from urllib.parse import parse_qs, urlsplit

import pytest

from kb.changes import atom_feed, changes_page
from kb.contributors import Change
from sitekit import page_url, route_sitemap, wait_for_sitemap

PAGE = "foundations/scaling-laws.md"
OTHER = "foundations/emergence.md"
# window.open is the browser's door to GitHub: record the address instead of leaving the machine.
RECORD_OPEN = "window.__opened = []; window.open = (url) => { window.__opened.push(url); return null; };"


def open_page(browser, server, path, *, width=1280, scheme=None):
    context = browser.new_context(viewport={"width": width, "height": 900}, color_scheme=scheme or "light",
                                  permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    page.add_init_script(RECORD_OPEN)
    page.route("**/*", lambda r: r.continue_() if r.request.url.startswith(server.url) else r.abort())
    route_sitemap(page, server.url)
    page.goto(server.url + page_url(path), wait_until="networkidle")
    return context, page


def select_text_of(page, selector: str) -> str:
    """Select the whole text of the first element matching selector, as a reader's drag would."""
    return page.evaluate("""(selector) => {
        const el = document.querySelector(selector);
        const range = document.createRange(); range.selectNodeContents(el);
        const s = window.getSelection(); s.removeAllRanges(); s.addRange(range);
        return s.toString(); }""", selector)


def issue_fields(url: str) -> dict:
    parts = urlsplit(url)
    assert parts.netloc == "github.com" and parts.path.endswith("/issues/new"), url
    return {k: v[0] for k, v in parse_qs(parts.query).items()}


@pytest.mark.browser
def test_report_link_opens_a_prefilled_issue_with_section_and_selected_passage(browser, server):
    context, page = open_page(browser, server, PAGE)
    passage = select_text_of(page, "article h2 ~ p:not(.source-note)")
    heading = page.evaluate("""() => { const p = document.querySelector('article h2 ~ p:not(.source-note)');
        const hs = [...document.querySelectorAll('article h2[id]')].filter(h =>
            h.compareDocumentPosition(p) & Node.DOCUMENT_POSITION_FOLLOWING); return hs[hs.length - 1].id; }""")
    page.click("a.kb-report")
    opened = page.evaluate("() => window.__opened")
    context.close()
    assert len(opened) == 1
    fields = issue_fields(opened[0])
    assert fields["template"] == "fix-error.yml"
    assert fields["title"] == "[纠错] 缩放定律"
    assert f"/{page_url(PAGE)}#{heading}" in fields["page"] and f"docs/{PAGE}" in fields["page"]
    assert fields["wrong"] == "> " + " ".join(passage.split())


@pytest.mark.browser
def test_the_link_without_javascript_already_names_the_page(built_site):
    site, _ = built_site
    html = (site / page_url(PAGE) / "index.html").read_text(encoding="utf-8")
    href = html.split('class="kb-report"', 1)[1].split('href="', 1)[1].split('"', 1)[0].replace("&amp;", "&")
    fields = issue_fields(href)
    assert fields["template"] == "fix-error.yml" and fields["title"] == "[纠错] 缩放定律"
    assert f"docs/{PAGE}" in fields["page"]


@pytest.mark.browser
def test_after_instant_navigation_the_report_names_the_new_page(browser, server):
    context, page = open_page(browser, server, PAGE)
    wait_for_sitemap(page)
    page.evaluate("() => { window.__same_document = true; }")
    page.evaluate(f"() => document.querySelector('a[href$=\"{page_url(OTHER).rstrip('/').split('/')[-1]}/\"]').click()")
    page.wait_for_function(f"() => location.pathname.endsWith('/{page_url(OTHER)}')", timeout=20000)
    assert page.evaluate("() => window.__same_document === true"), "not an instant navigation"
    page.click("a.kb-report")
    opened = page.evaluate("() => window.__opened")
    context.close()
    fields = issue_fields(opened[-1])
    assert fields["title"] == "[纠错] 涌现能力" and f"docs/{OTHER}" in fields["page"] and "wrong" not in fields


@pytest.mark.browser
def test_a_selected_passage_gets_its_own_button_on_a_desktop_only(browser, server):
    for width, shown in ((1280, True), (390, False)):
        context, page = open_page(browser, server, PAGE, width=width)
        passage = select_text_of(page, "article h2 ~ p:not(.source-note)")
        page.dispatch_event("article", "mouseup")
        # report.js answers mouseup with setTimeout(showButton, 0): a later timer in the page runs after it
        page.evaluate("() => new Promise(done => setTimeout(done, 0))")
        button = page.query_selector("button.kb-report-passage:not([hidden])")
        assert bool(button) == shown, width
        if shown:
            button.click()
            fields = issue_fields(page.evaluate("() => window.__opened")[0])
            assert fields["wrong"] == "> " + " ".join(passage.split())
        context.close()


@pytest.mark.browser
def test_cite_this_page_gives_both_styles_with_today_and_copies_with_one_click(browser, server):
    context, page = open_page(browser, server, PAGE)
    page.click("details.kb-cite > summary")
    gbt = page.inner_text("code.kb-cite-gbt")
    bibtex = page.inner_text("code.kb-cite-bibtex")
    today = dt.date.today().isoformat()
    assert gbt.startswith("大模型学习笔记编者. 缩放定律[EB/OL]. (") and f"[{today}]" in gbt
    assert gbt.endswith(f"/{page_url(PAGE)}.") and "[引用日期]" not in gbt
    assert bibtex.startswith("@misc{llmnotes-foundations-scaling-laws,") and "title        = {缩放定律}" in bibtex
    # Material's copy button on the code block (content.code.copy) copies it whole.
    page.click("details.kb-cite pre:first-of-type button[data-clipboard-target]")
    assert page.evaluate("() => navigator.clipboard.readText()") == gbt
    context.close()


@pytest.mark.browser
def test_tools_fit_a_phone_in_the_dark_scheme(browser, server):
    context, page = open_page(browser, server, PAGE, width=390, scheme="dark")
    page.click("details.kb-cite > summary")
    state = page.evaluate("""() => ({
        scheme: document.body.getAttribute('data-md-color-scheme'),
        overflow: document.documentElement.scrollWidth - window.innerWidth,
        link: document.querySelector('a.kb-report').getBoundingClientRect().width,
        code: getComputedStyle(document.querySelector('code.kb-cite-gbt')).color,
        background: getComputedStyle(document.querySelector('code.kb-cite-gbt')).backgroundColor })""")
    context.close()
    assert state["scheme"] == "slate" and state["overflow"] <= 0 and state["link"] > 0
    assert state["code"] != state["background"]


def test_whats_new_page_groups_commits_by_month_and_the_feed_is_atom():
    changes = [Change("2026-12-03", "Fix [@key] and <b>", ("docs/a.md",), ()),
               Change("2026-11-27", "Edit", (), ("docs/a.md", "docs/b.md"))]
    title = {"docs/a.md": "甲", "docs/b.md": "乙"}.__getitem__
    page = changes_page(changes, title)
    assert page.index("## 2026 年 12 月") < page.index("## 2026 年 11 月")
    assert "新增 [甲](a.md)" in page and "修改 [乙](b.md)" in page
    assert "[@key]" not in page and "<b>" not in page  # a subject is text, never a citation or markup
    feed = ET.fromstring(atom_feed(changes, title, site_url="https://example.org/kb/", site_name="站"))
    ns = {"a": "http://www.w3.org/2005/Atom"}
    entries = feed.findall("a:entry", ns)
    assert [e.find("a:title", ns).text for e in entries] == ["Fix [@key] and <b>", "Edit"]
    assert entries[0].find("a:link", ns).get("href") == "https://example.org/kb/a/"
    assert len({e.find("a:id", ns).text for e in entries}) == 2


def test_the_built_site_has_the_page_and_the_feed(built_site):
    site, _ = built_site
    html = (site / "changes" / "index.html").read_text(encoding="utf-8")
    assert "最近更新" in html and "年" in html and 'href="../feed.xml"' in html
    feed = ET.fromstring((site / "feed.xml").read_bytes())
    assert feed.tag == "{http://www.w3.org/2005/Atom}feed" and feed.findall("{http://www.w3.org/2005/Atom}entry")
    # No <link rel="alternate"> for the feed: Material takes every one for a language version and
    # fetches sitemap.xml on each page load for it (an error from file://); the page links the feed.
    home = (site / "index.html").read_text(encoding="utf-8")
    assert 'rel="alternate"' not in home
