"""The light/dark toggle, run by overrides/partials/javascripts/palette.html instead of Material's
palette component (issue 7): it follows the system until the reader chooses, keeps the choice
across pages, answers a click and the Enter key, and never restyles the whole page on load."""

import pytest

from sitekit import page_url

PAGE = "architecture/transformer.md"
OTHER = "generation/diffusion.md"

# Every value <body> takes for data-md-color-switching (Material's "restyle everything" marker).
RECORD_SWITCHING = """(() => { window.__switching = [];
  new MutationObserver(records => { for (const r of records) if (r.attributeName === 'data-md-color-switching')
    window.__switching.push(r.target.getAttribute('data-md-color-switching')); })
  .observe(document, { subtree: true, attributes: true, attributeFilter: ['data-md-color-switching'] }); })();"""

# The visible button, named by the option it selects (its title is Material's tooltip's while hovered).
STATE_JS = """() => ({
  scheme: document.body.getAttribute('data-md-color-scheme'),
  visible: [...document.querySelectorAll('[data-kb-palette] label')].filter(l => !l.hidden).map(l => l.htmlFor),
  saved: localStorage.length,
  switching: window.__switching,
  still: document.body.hasAttribute('data-md-color-switching'),
  theme: document.querySelector('meta[name=theme-color]')?.content,
  colorScheme: document.querySelector('meta[name=color-scheme]')?.content,
  header: getComputedStyle(document.querySelector('.md-header')).backgroundColor,
  material: document.querySelectorAll('[data-md-component=palette]').length,
})"""


def header_hex(seen: dict) -> str:
    red, green, blue = (int(c) for c in seen["header"][seen["header"].index("(") + 1:-1].split(",")[:3])
    return f"#{red:02x}{green:02x}{blue:02x}"


def state(page) -> dict:
    page.wait_for_function("() => document.querySelector('meta[name=theme-color]')?.content")
    return page.evaluate(STATE_JS)


@pytest.fixture
def open_page(browser, server):
    contexts = []

    def run(path: str, scheme: str = "light", record: str = RECORD_SWITCHING):
        context = browser.new_context(color_scheme=scheme)
        contexts.append(context)
        page = context.new_page()
        page.add_init_script(record)
        page.goto(server.url + page_url(path), wait_until="load")
        return page

    yield run
    for context in contexts:
        context.close()


@pytest.mark.browser
@pytest.mark.parametrize("system, scheme, button", [("light", "default", "__palette_1"),
                                                    ("dark", "slate", "__palette_0")])
def test_the_page_opens_in_the_system_s_palette_without_restyling_everything(open_page, system, scheme, button):
    seen = state(open_page(PAGE, system))
    assert seen["material"] == 0, "Material's palette component would be mounted"
    assert seen["scheme"] == scheme and seen["visible"] == [button]
    assert seen["switching"] == [] and not seen["still"]
    assert seen["saved"] == 0, "nothing is saved before the reader chooses"
    assert seen["colorScheme"] == ("dark" if system == "dark" else "light")
    assert seen["theme"] == header_hex(seen)


@pytest.mark.browser
def test_a_click_switches_the_palette_and_the_choice_is_kept_on_other_pages(open_page):
    page = open_page(PAGE, "light")
    assert state(page)["scheme"] == "default"
    page.click("[data-kb-palette] label:not([hidden])")
    page.wait_for_function("() => !document.body.hasAttribute('data-md-color-switching')")
    dark = page.evaluate(STATE_JS)
    assert dark["scheme"] == "slate" and dark["visible"] == ["__palette_0"]
    assert dark["switching"] == ["", None], "transitions are suppressed while switching, then restored"
    assert dark["colorScheme"] == "dark" and dark["theme"] == header_hex(dark)
    # Another page, still a light system: the reader's choice wins.
    page.goto(page.url.replace(page_url(PAGE), page_url(OTHER)), wait_until="load")
    assert state(page)["scheme"] == "slate"
    page.click("[data-kb-palette] label:not([hidden])")
    page.wait_for_function("() => !document.body.hasAttribute('data-md-color-switching')")
    assert page.evaluate(STATE_JS)["scheme"] == "default"
    page.reload(wait_until="load")
    assert state(page)["scheme"] == "default"


@pytest.mark.browser
def test_enter_on_the_focused_option_switches_the_palette(open_page):
    page = open_page(PAGE, "dark")
    assert state(page)["scheme"] == "slate"
    page.focus("#__palette_1")
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.body.getAttribute('data-md-color-scheme') === 'default'")
    assert page.evaluate(STATE_JS)["visible"] == ["__palette_1"]


@pytest.mark.browser
def test_before_any_choice_the_page_follows_a_change_of_the_system_s_setting(open_page):
    page = open_page(PAGE, "light")
    assert state(page)["scheme"] == "default"
    page.emulate_media(color_scheme="dark")
    page.wait_for_function("() => document.body.getAttribute('data-md-color-scheme') === 'slate'")
    page.wait_for_function("() => !document.body.hasAttribute('data-md-color-switching')")
    seen = page.evaluate(STATE_JS)
    assert seen["visible"] == ["__palette_0"] and seen["saved"] == 0
    assert seen["switching"] == ["", None], "transitions are suppressed while switching, then restored"
    assert seen["colorScheme"] == "dark" and seen["theme"] == header_hex(seen)


# Each value the color-scheme <meta> takes, with whether the page's content had been parsed by then.
RECORD_COLOR_SCHEME = """(() => { window.__colorScheme = [];
  new MutationObserver(() => {
    const meta = document.querySelector('meta[name=color-scheme]'), seen = window.__colorScheme;
    if (meta && meta.content && meta.content !== seen.at(-1)?.value)
      seen.push({ value: meta.content, content: !!document.querySelector('.md-content') });
  }).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['content'] }); })();"""


@pytest.mark.browser
@pytest.mark.parametrize("system, value", [("light", "light"), ("dark", "dark")])
def test_the_color_scheme_is_set_before_the_content_is_parsed(open_page, system, value):
    # A change of the color-scheme meta restyles every element: once the page is parsed that is a
    # 190-260 ms task at 4x CPU on a formula page; before the content exists it costs nothing.
    page = open_page(OTHER, system, record=RECORD_COLOR_SCHEME)
    page.wait_for_function("() => document.querySelector('meta[name=theme-color]')?.content")
    assert page.evaluate("window.__colorScheme") == [{"value": value, "content": False}]
