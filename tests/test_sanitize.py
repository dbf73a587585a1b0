"""The build's HTML sanitiser (kb.sanitize, called last by the kb plugin) and the escaping of
fields from data files and front matter: no script written by a contributor reaches a reader.

- Unit: every vector of tests/safety/vectors.yaml loses its active part and is reported by name;
  what the site's own features emit passes unchanged.
- Build + browser: a copy of the repository with tests/safety/hostile.md and hostile data-file
  entries; the strict build fails naming the page and the constructs, and in the site it wrote
  (every page, not only the hostile one) no dialog opens in Chromium and no element carries an
  event handler or a javascript: URL.
"""

import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import nh3
import pytest
import yaml

from kb.sanitize import sanitize_html
from sitekit import CHROMIUM, CHROMIUM_ARGS, LocalServer, copy_repository

HERE = Path(__file__).parent / "safety"
VECTORS = yaml.safe_load((HERE / "vectors.yaml").read_text(encoding="utf-8"))
ACTIVE_URL = re.compile(r"^(?:javascript|vbscript|data:text)", re.I)
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "background", "xlink:href", "poster"}


class _Audit(HTMLParser):
    """Event handlers, active URLs and script-capable elements in well-formed HTML."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in {"script", "iframe", "object", "embed", "base", "meta", "form", "frame", "link"}:
            self.found.append(f"<{tag}>")
        for name, value in attrs:
            cleaned = re.sub(r"[\x00-\x20]", "", value or "")
            if name.startswith("on") or (name in URL_ATTRIBUTES and ACTIVE_URL.match(cleaned)):
                self.found.append(f"<{tag} {name}>")


def audit(html: str) -> list[str]:
    parser = _Audit()
    parser.feed(html)
    parser.close()
    return parser.found


@pytest.mark.parametrize("vector", VECTORS["unsafe"], ids=lambda v: v[:50])
def test_unsafe_markup_is_removed_and_named(vector):
    clean, removed = sanitize_html(vector)
    assert removed, f"nothing reported for {vector!r} -> {clean!r}"
    assert audit(clean) == []


@pytest.mark.parametrize("snippet", VECTORS["safe"], ids=lambda v: v[:50])
def test_the_sites_own_markup_passes(snippet):
    clean, removed = sanitize_html(snippet)
    assert removed == []
    # The same elements and attributes (Ammonia re-serialises: `<br/>` -> `<br>`, `&para;` -> `¶`).
    _, again = sanitize_html(clean)
    assert again == [] and sanitize_html(clean)[0] == clean


def test_comments_are_dropped_without_a_report():
    clean, removed = sanitize_html("<p>a</p><!-- <img src=x onerror=alert(1)> --><!-- TODO -->")
    assert clean == "<p>a</p>" and removed == []


def test_removed_constructs_are_named():
    _, removed = sanitize_html('<p onclick="x()">a</p><script>b()</script><a href="javascript:c()">d</a>')
    assert '<p onclick="x()">' in removed
    assert "<script>" in removed
    assert '<a href="javascript:c()">' in removed


# --- a real build with hostile content and data, opened in Chromium ---------------------------

HOSTILE = "<img src=x onerror=\"alert('{where}')\">"


def _add_hostile_data(repo: Path) -> None:
    topics = repo / "data" / "topics.yaml"
    topics.write_text(topics.read_text(encoding="utf-8") + yaml.safe_dump([{
        "section": "恶意" + HOSTILE.format(where="topics-section"),
        "en": "Hostile" + HOSTILE.format(where="topics-en"),
        "pages": [{"path": "hostile.md", "title": "恶意页面" + HOSTILE.format(where="topics-title"),
                   "en": "Hostile page", "icon": "material/file-document",
                   "summary": "摘要" + HOSTILE.format(where="topics-summary")}],
    }], allow_unicode=True), encoding="utf-8")
    glossary = repo / "data" / "glossary.yaml"
    glossary.write_text(glossary.read_text(encoding="utf-8") + yaml.safe_dump([{
        "zh": "不安全的写法", "en": "unsafe markup",
        "variants": ["变体" + HOSTILE.format(where="glossary-variant")],
        "definition": "释义" + HOSTILE.format(where="glossary-definition") + '"><img src=x onerror=alert(1)>',
        "page": "hostile.md",
    }], allow_unicode=True), encoding="utf-8")


@pytest.fixture(scope="module")
def hostile_build(tmp_path_factory):
    repo = copy_repository(tmp_path_factory.mktemp("hostile") / "repo")
    (repo / "docs" / "hostile.md").write_text((HERE / "hostile.md").read_text(encoding="utf-8"), encoding="utf-8")
    _add_hostile_data(repo)
    site = repo.parent / "site"
    # Twice: the second build takes the sanitiser's results from .cache/sanitized/ and must report
    # the same (a cached result is no way around the strict build).
    results = [subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(site)],
                              cwd=repo, capture_output=True, text=True, timeout=900) for _ in range(2)]
    assert any((repo / ".cache" / "sanitized").rglob("*.json"))
    return site, results


@pytest.mark.parametrize("build", [0, 1], ids=["cold", "warm"])
def test_strict_build_fails_naming_page_and_constructs(hostile_build, build):
    site, results = hostile_build
    result = results[build]
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    warnings = [line for line in result.stderr.splitlines() if "unsafe HTML removed" in line]
    # Only the hostile page: the data files' fields (home cards, glossary page) are escaped text.
    assert len(warnings) == 1 and "Doc file 'hostile.md'" in warnings[0], warnings
    warning = warnings[0]
    for construct in ("<details ontoggle=", "<script>", "<iframe", "onerror=", "<form"):
        assert construct in warning, construct


@pytest.mark.browser
def test_no_dialog_fires_on_any_page(hostile_build, browser):
    site, _ = hostile_build
    pages = sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html"))
    assert "hostile/index.html" in pages and len(pages) > 20
    fired, marked = [], []
    with LocalServer(site) as server:
        context = browser.new_context()
        page = context.new_page()
        page.on("dialog", lambda d: (fired.append((page.url, d.message)), d.dismiss()))
        for path in pages:
            page.goto(server.url + path, wait_until="load")
            page.wait_for_timeout(150)  # onerror of a broken image, ontoggle, animation begin
            for item in page.evaluate("""() => {
                const bad = [];
                for (const el of document.querySelectorAll('*'))
                    for (const a of el.attributes) {
                        const v = a.value.replace(/[\\u0000-\\u0020]/g, '');
                        if (/^on/i.test(a.name) || /^(javascript:|vbscript:|data:text)/i.test(v))
                            bad.push(el.tagName + ' ' + a.name + '=' + a.value.slice(0, 60));
                    }
                return bad;
            }"""):
                marked.append(f"{path}: {item}")
        # The listener sees a dialog when there is one (the test can fail).
        page.set_content("<img src=x onerror=\"alert('control')\">")
        page.wait_for_timeout(150)
        context.close()
    assert fired[-1:] and fired.pop()[1] == "control"
    assert fired == []
    assert marked == []


# --- kb check refuses what the build refuses (HTML004) ------------------------------------------

@pytest.fixture(scope="module")
def check_repo(tmp_path_factory):
    from checkkit import make_repo

    return make_repo(tmp_path_factory.mktemp("html004"))


ATTR_LISTS = [
    '一段文字\n{: onclick="alert(1)" }',
    '[链接](https://example.org){ href="javascript:alert(1)" }',
    '![图](x.png){ onerror="alert(1)" }',
    "[链接](https://example.org){ formaction='javascript:alert(1)' }",
    '![图](x.png){ src="java&#x09;script:alert(1)" }',
]


@pytest.mark.parametrize("body", [v for v in VECTORS["unsafe"] if "\n" not in v] + ATTR_LISTS,
                         ids=lambda v: v[:50])
def test_kb_check_reports_what_the_build_removes(check_repo, body):
    from checkkit import check_page

    problems = check_page(check_repo, body + "\n", "HTML004")
    assert [p.rule for p in problems if p.rule.startswith("HTML")], body


@pytest.mark.parametrize("snippet", VECTORS["safe"] + ['![图](x.png){ width="300" loading=lazy }',
                                                       "`<script>` in code is text", "\\`<b>粗体</b>\\`"],
                         ids=lambda v: v[:50])
def test_kb_check_accepts_the_sites_own_markup(check_repo, snippet):
    from checkkit import check_page

    assert [str(p) for p in check_page(check_repo, snippet + "\n", "HTML004") if p.rule == "HTML004"] == []


@pytest.mark.parametrize("html, kept_styles, removed_styles", [
    ('<svg><style>.a{fill:red}</style></svg>', 1, 0),  # Mermaid's CSS scoped to its diagram
    ('<style>p{color:red}</style><p>a</p>', 0, 1),
    ('<svg></svg><style>p{}</style>', 0, 1),  # after the diagram has closed
    ('<svg><g><svg></svg></g><style>.a{}</style></svg>', 1, 0),  # nested SVGs
    ('<style>/* <svg> */ p{}</style><p>a</p><svg><style>.a{}</style></svg>', 1, 1),  # raw text
    ('<img alt="<style>p{}</style><svg>" src="a.png"><style>p{}</style>', 0, 1),  # text of an attribute
])
def test_style_elements_only_inside_svg(html, kept_styles, removed_styles):
    clean, removed = sanitize_html(html)
    assert clean.count("<style") == kept_styles
    assert removed.count("<style> outside an <svg>") == (1 if removed_styles else 0)


def test_ammonia_escapes_angle_brackets_in_attributes():
    # kb.sanitize finds <svg> and <style> tags in Ammonia's output by a scan that relies on this.
    assert nh3.clean('<img alt="<style>" src="a.png">', attributes={"img": {"alt", "src"}}) == \
        '<img alt="&lt;style&gt;" src="a.png">'


# pymdownx.arithmatex escapes math, so HTML inside math is text; kb check masks math as the build's
# Markdown reads it. `$$…$$` within a paragraph is no display math: with no space inside it is a $
# and an inline formula, with a space the HTML in it is HTML.
MATH = [
    'text $$<img src=x onerror="alert(1)">$$ text',
    'text $$ <img src=x onerror="alert(1)"> $$ text',
    'text $$<img src=x onerror="alert(1)"> $$ text',
    '价格 $$5 和 <img src=x onerror="alert(1)"> 再 $$10',
    'a $$\n<img src=x onerror="alert(1)">\n$$ b',
    '前文\n$$\n<img src=x onerror="alert(1)">\n$$\n后文',
    '$$ <img src=x onerror="alert(1)"> $$',
    '$$\nx <img src=x onerror="alert(1)">\n$$',
    '- 项\n\n    $$ <img src=x onerror="alert(1)"> $$',
    '$$a\n\n<img src=x onerror="alert(1)">\n\n$$',
    '$$\n<div onclick="alert(1)">x</div>\n$$',
    'text $ <img src=x onerror="alert(1)"> $ text',
    'text $<img src=x onerror="alert(1)">$ text',
]


@pytest.fixture(scope="module")
def site_markdown():
    import markdown
    from mkdocs.config import load_config

    config = load_config(str(HERE.parents[1] / "mkdocs.yml"))
    return markdown.Markdown(extensions=config["markdown_extensions"], extension_configs=config["mdx_configs"])


@pytest.mark.parametrize("body", MATH, ids=lambda v: v[:50])
def test_kb_check_reads_math_as_the_build_does(check_repo, site_markdown, body):
    from checkkit import check_page

    site_markdown.reset()
    _, removed = sanitize_html(site_markdown.convert(body))
    reported = [str(p) for p in check_page(check_repo, body + "\n") if p.rule.startswith("HTML")]
    assert bool(reported) == bool(removed), (reported, removed)
