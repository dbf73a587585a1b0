"""Formulas rendered at build time (kb.math_render, scripts/kb/site/plugin.py): arithmatex's
HTML in, KaTeX's HTML (from the real KaTeX on Node) out, in the same wrapper; the cache; a formula
KaTeX cannot parse is a warning naming the page; without node every formula is left to KaTeX in the
browser. In the built site: formula pages carry KaTeX's output and stylesheet and load none of its
JavaScript, also after instant navigation, and the search index keeps the TeX."""

import json
import os
import posixpath
import re
import shutil
import subprocess
import sys
from html import unescape
from pathlib import Path
from urllib.parse import urlparse

import markdown
import pytest

from kb.build_cache import BuildCache
from kb.math_render import (HELPER, STYLESHEET, KatexRenderer, add_stylesheet, find_formulas,
                            stylesheet_link, substitute, tex_source)
from sitekit import ROOT, LocalServer, copy_repository, page_url, sitemap_for, wait_for_sitemap, watch

KATEX = ROOT / "node_modules" / "katex"

needs_node = pytest.mark.skipif(shutil.which("node") is None or not KATEX.is_dir(),
                                reason="needs node and node_modules/katex (npm ci)")


def arithmatex(text: str) -> str:
    """Markdown -> HTML with pymdownx.arithmatex as mkdocs.yml sets it up."""
    return markdown.markdown(text, extensions=["pymdownx.arithmatex"],
                             extension_configs={"pymdownx.arithmatex": {"generic": True}})


def katex_directly(tex: str, display: bool) -> str:
    """KaTeX's renderToString in a separate node, as the reference for the build's output."""
    script = ("const k = require(process.argv[1]); process.stdout.write(k.renderToString(process.argv[2], "
              "{displayMode: process.argv[3] === 'true', throwOnError: true}))")
    return subprocess.run(["node", "-e", script, str(KATEX), tex, str(display).lower()],
                          capture_output=True, text=True, check=True).stdout


def render_page(page_html: str, renderer: KatexRenderer) -> tuple[str, dict]:
    formulas = find_formulas(page_html)
    rendered, errors = renderer.render(f.key for f in formulas)
    return substitute(page_html, formulas, rendered), errors


# --- the text transformation ----------------------------------------------------------------------

def test_formulas_are_read_as_arithmatex_writes_them():
    page = arithmatex("Inline $a < b \\& c$ and \\(x>1\\).\n\n$$\n\\sum_{i=1}^n x_i < 5\n$$\n\n"
                      "\\begin{align}\na &= b \\\\\nc &= d\n\\end{align}\n")
    assert "&lt;" in page and "&amp;" in page  # arithmatex escapes the TeX
    found = [(f.tag, f.display, f.tex) for f in find_formulas(page)]
    assert found == [
        ("span", False, "a < b \\& c"),
        ("span", False, "x>1"),
        ("div", True, "\n\\sum_{i=1}^n x_i < 5\n"),
        ("div", True, "\\begin{align}\na &= b \\\\\nc &= d\n\\end{align}"),
    ]
    assert [f.source for f in find_formulas(page)][:2] == ["\\(a < b \\& c\\)", "\\(x>1\\)"]


@needs_node
def test_inline_and_display_formulas_become_katex_output_in_the_same_wrapper():
    raw = ('<p>若 <span class="arithmatex">\\(a &lt; b \\&amp; c\\)</span> 则</p>\n'
           '<div class="arithmatex">\\[\n\\sum_{i=1}^n x_i &gt; 0\n\\]</div>\n')
    renderer = KatexRenderer(KATEX)
    try:
        out, errors = render_page(raw, renderer)
    finally:
        renderer.close()
    assert errors == {}
    inline = katex_directly("a < b \\& c", False)
    display = katex_directly("\n\\sum_{i=1}^n x_i > 0\n", True)
    assert out == (f'<p>若 <span class="arithmatex">{inline}</span> 则</p>\n'
                   f'<div class="arithmatex">{display}</div>\n')
    # KaTeX got the unescaped TeX (its MathML annotation escapes it once, not twice)
    assert '<annotation encoding="application/x-tex">a &lt; b \\&amp; c</annotation>' in out
    assert inline.startswith('<span class="katex">') and display.startswith('<span class="katex-display">')
    assert find_formulas(out) == []  # nothing left for the browser


@needs_node
def test_tex_source_gives_back_what_arithmatex_wrote():
    raw = arithmatex("若 $a < b \\& c$，则 $\\sqrt{x}$ 与 $\\frac{a}$（坏）。\n\n$$\n\\sum_{i=1}^n x_i > 0\n$$\n")
    renderer = KatexRenderer(KATEX)
    try:
        rendered, _ = render_page(raw, renderer)
    finally:
        renderer.close()
    assert "katex-mathml" in rendered and "\\(\\frac{a}\\)" in rendered
    back = tex_source(rendered)
    assert "katex" not in back
    assert [(f.tag, f.tex) for f in find_formulas(back)] == [(f.tag, f.tex) for f in find_formulas(raw)]
    assert re.sub(r"<[^>]+>", "", unescape(back)) == re.sub(r"<[^>]+>", "", unescape(raw))


@needs_node
def test_a_second_build_takes_the_formulas_from_the_cache(tmp_path):
    keys = [(False, "x^2"), (True, "\\frac{1}{2}"), (False, "x^2")]
    first = KatexRenderer(KATEX, BuildCache(tmp_path / "katex"))
    rendered, _ = first.render(keys)
    first.close()
    assert first.rendered == 2 and len(rendered) == 2
    assert len(list((tmp_path / "katex").glob("*/*.json"))) == 2
    second = KatexRenderer(KATEX, BuildCache(tmp_path / "katex"))
    again, _ = second.render(keys)
    assert again == rendered
    assert second.rendered == 0 and second.process is None, "node was started for cached formulas"
    assert second.cache.hits == 2
    # The key holds KaTeX's version and the helper's code: another KaTeX renders afresh.
    other = tmp_path / "other-katex"
    other.mkdir()
    (other / "package.json").write_text(json.dumps({"version": "0.16.0"}))
    assert KatexRenderer(other).cache_key((False, "x^2")) != second.cache_key((False, "x^2"))


@needs_node
def test_a_formula_katex_cannot_parse_is_an_error_left_as_it_is(tmp_path):
    raw = '<span class="arithmatex">\\(\\frac{a}\\)</span> <span class="arithmatex">\\(x\\)</span>'
    renderer = KatexRenderer(KATEX, BuildCache(tmp_path))
    try:
        out, errors = render_page(raw, renderer)
    finally:
        renderer.close()
    assert list(errors) == [(False, "\\frac{a}")]
    assert "KaTeX parse error" in errors[(False, "\\frac{a}")]
    assert out.startswith('<span class="arithmatex">\\(\\frac{a}\\)</span> <span class="arithmatex"><span class="katex">')
    assert len(list(tmp_path.glob("*/*.json"))) == 1, "an error is not stored"


@needs_node
def test_a_page_with_many_formulas_goes_through_the_pipes_in_one_batch():
    """Far more output than a pipe holds: replies are read while the requests are still written."""
    keys = [(i % 2 == 0, f"\\sum_{{k=1}}^{{{i}}} k^2 = \\frac{{{i}({i}+1)(2\\cdot {i}+1)}}{{6}}") for i in range(1500)]
    renderer = KatexRenderer(KATEX)
    try:
        rendered, errors = renderer.render(keys)
    finally:
        renderer.close()
    assert errors == {} and len(rendered) == 1500
    assert sum(map(len, rendered.values())) > 1_000_000


def test_without_node_or_katex_every_formula_is_left_as_it_is(tmp_path):
    raw = '<span class="arithmatex">\\(x\\)</span>'
    missing = KatexRenderer(tmp_path / "node_modules" / "katex")
    assert "node_modules/katex is missing" in missing.unavailable
    assert render_page(raw, missing) == (raw, {})
    no_node = KatexRenderer(KATEX, node=str(tmp_path / "no-such-node"))
    assert render_page(raw, no_node) == (raw, {})
    assert "cannot start" in no_node.unavailable
    no_node.close()


def test_a_helper_that_stops_leaves_the_formulas_and_says_why():
    stops = KatexRenderer(KATEX, node=shutil.which("false") or "/bin/false")  # exits at once
    raw = '<span class="arithmatex">\\(x\\)</span>'
    assert render_page(raw, stops) == (raw, {})
    assert "stopped (exit code 1)" in stops.unavailable
    assert stops.render([(False, "y")]) == ({}, {})  # not started again
    stops.close()


def test_a_helper_that_hangs_is_killed_and_the_formulas_are_left(tmp_path):
    hangs = tmp_path / "hanging-node"  # reads its input and never answers, as a stuck Node would
    hangs.write_text("#!/bin/sh\nexec sleep 600\n", encoding="utf-8")
    hangs.chmod(0o755)
    renderer = KatexRenderer(KATEX, node=str(hangs), reply_timeout=1)
    raw = '<span class="arithmatex">\\(x\\)</span>'
    assert render_page(raw, renderer) == (raw, {})
    assert "no reply within 1 s, killed" in renderer.unavailable
    renderer.close()


def test_the_stylesheet_goes_at_the_end_of_the_head_once():
    page = '<html><head><title>t</title></head><body><span class="arithmatex">x</span></body></html>'
    once = add_stylesheet(page, "../../vendor/katex/katex.min.css")
    assert once == ('<html><head><title>t</title><link rel="stylesheet" href="../../vendor/katex/katex.min.css">'
                    '</head><body><span class="arithmatex">x</span></body></html>')
    assert add_stylesheet(once, "../../vendor/katex/katex.min.css") == once
    assert add_stylesheet("<p>no head</p>", "x.css") == "<p>no head</p>"


def test_the_helper_is_the_file_the_renderer_runs():
    assert HELPER.is_file() and HELPER.suffix == ".cjs"


# --- the built site ---------------------------------------------------------------------------------

def pages_of(site: Path) -> dict[str, str]:
    return {p.relative_to(site).as_posix(): p.read_text(encoding="utf-8") for p in sorted(site.rglob("*.html"))}


def stylesheet_hrefs(page_html: str) -> list[str]:
    head = page_html[:page_html.find("</head>")]
    return re.findall(r'<link rel="stylesheet" href="([^"]*katex[^"]*)">', head)


@needs_node
def test_formula_pages_carry_katex_output_and_only_they_link_its_stylesheet(built_site):
    site, _ = built_site
    with_math = 0
    for rel, page in pages_of(site).items():
        hrefs = stylesheet_hrefs(page)
        if 'class="arithmatex"' not in page:
            assert hrefs == [], f"{rel} has no formula but links KaTeX's stylesheet"
            continue
        with_math += 1
        assert find_formulas(page) == [], f"{rel}: formulas left for the browser"
        assert len(hrefs) == 1, rel
        assert (site / posixpath.normpath(posixpath.join(posixpath.dirname(rel), hrefs[0]))).is_file(), hrefs
    assert with_math >= 3
    training = (site / "pretraining" / "training" / "index.html").read_text(encoding="utf-8")
    assert training.count('class="arithmatex"><span class="katex">') >= 16
    assert stylesheet_hrefs(training) == [f"../../{STYLESHEET}"]


def test_the_search_index_keeps_the_tex_of_formulas(built_site):
    site, _ = built_site
    # the site's own index: its page metadata (search/kb/m/), Material's search_index.json is left empty
    files = [site / "search/search_index.json", *sorted((site / "search/kb/m").glob("*.js"))]
    for path in files:
        assert "katex" not in path.read_text(encoding="utf-8"), f"{path.name} holds KaTeX's output"
    assert any("\\\\(\\\\beta_T = 0.02\\\\)" in p.read_text(encoding="utf-8") for p in files[1:])


FORMULA_PAGES = ["pretraining/training.md", "generation/diffusion.md"]


def open_page(browser, url: str, then=None) -> dict:
    origin = urlparse(url).netloc
    context = browser.new_context()
    page = context.new_page()
    seen = watch(page, lambda u: urlparse(u).netloc == origin)
    page.goto(url, wait_until="networkidle")
    if then:
        seen["then"] = then(page)
        page.wait_for_load_state("networkidle")
    seen["formulas"] = page.evaluate("() => document.querySelectorAll('.arithmatex .katex').length")
    seen["raw"] = page.evaluate("() => [...document.querySelectorAll('.arithmatex')].filter(e => !e.querySelector('.katex')).length")
    seen["font"] = page.evaluate("() => { const k = document.querySelector('.katex'); return k && getComputedStyle(k).fontFamily; }")
    seen["sheets"] = page.evaluate("() => [...document.styleSheets].map(s => s.href || '')")
    context.close()
    return seen


def katex_scripts(requests: list[str]) -> list[str]:
    return [r for r in requests if r.endswith((".js",)) and "/vendor/katex/" in r]


@needs_node
@pytest.mark.browser
@pytest.mark.parametrize("path", FORMULA_PAGES)
def test_formula_pages_show_katex_output_without_its_javascript(browser, server, path):
    seen = open_page(browser, server.url + page_url(path))
    assert seen["formulas"] >= 7 and seen["raw"] == 0
    assert katex_scripts(seen["requests"]) == [], "KaTeX's JavaScript was loaded"
    assert any(r.endswith("/vendor/katex/katex.min.css") for r in seen["requests"])
    assert seen["font"].startswith("KaTeX_"), seen["font"]
    assert seen["errors"] == [] and seen["foreign"] == []


@pytest.fixture(scope="module")
def navigable(built_site, tmp_path_factory):
    """The built site with its sitemap pointed at a local server: Material's instant navigation
    only follows links to the sitemap's URLs."""
    site, _ = built_site
    copy = tmp_path_factory.mktemp("navigable") / "site"
    shutil.copytree(site, copy)
    with LocalServer(copy) as server:
        sitemap = copy / "sitemap.xml"
        sitemap.write_text(sitemap_for(server.url, sitemap.read_text(encoding="utf-8")), encoding="utf-8")
        yield server


@needs_node
@pytest.mark.browser
def test_instant_navigation_to_a_formula_page_shows_styled_formulas(browser, navigable):
    start, target = "pretraining/data.md", "generation/diffusion.md"

    def navigate(page):
        assert page.evaluate("() => document.querySelectorAll('.arithmatex').length") == 0
        assert not any("katex" in s for s in page.evaluate("() => [...document.styleSheets].map(s => s.href || '')"))
        wait_for_sitemap(page)
        page.evaluate("() => { window.__same_document = true; }")
        page.evaluate(f"() => document.querySelector('a[href$=\"{page_url(target)}\"]').click()")
        page.wait_for_function(f"() => location.pathname.endsWith('/{page_url(target)}')", timeout=20000)
        page.wait_for_function("() => document.querySelector('.arithmatex .katex')", timeout=20000)
        return page.evaluate("() => window.__same_document === true")

    seen = open_page(browser, navigable.url + page_url(start), then=navigate)
    assert seen["then"], "the link was not followed by instant navigation"
    assert seen["formulas"] >= 7 and seen["raw"] == 0
    assert any(s.endswith("/vendor/katex/katex.min.css") for s in seen["sheets"]), seen["sheets"]
    assert seen["font"].startswith("KaTeX_"), seen["font"]
    assert katex_scripts(seen["requests"]) == []
    assert seen["errors"] == [] and seen["foreign"] == []


# --- builds of a copy: a formula KaTeX cannot parse; no node ---------------------------------------

def build(root: Path, site: Path, *, strict: bool, env: dict | None = None) -> subprocess.CompletedProcess:
    args = [sys.executable, "-m", "mkdocs", "build", "--site-dir", str(site), "--strict" if strict else "--no-strict"]
    return subprocess.run(args, cwd=root, capture_output=True, text=True, timeout=600, env={**os.environ, **(env or {})})


@needs_node
def test_a_formula_katex_cannot_parse_is_a_warning_naming_the_page(tmp_path):
    root = copy_repository(tmp_path / "kb")
    page = root / "docs" / "generation" / "diffusion.md"
    page.write_text(page.read_text(encoding="utf-8").rstrip("\n") + "\n\n坏公式 $\\frac{a}$ 留给浏览器。\n", encoding="utf-8")
    home = root / "docs" / "index.md"  # a formula at the top of the site: the stylesheet's URL
    home.write_text(home.read_text(encoding="utf-8").replace("\n<!-- topic-map -->", "\n公式 $E = mc^2$。\n\n<!-- topic-map -->"),
                    encoding="utf-8")
    result = build(root, tmp_path / "site", strict=False)
    assert result.returncode == 0, result.stderr[-3000:]
    warnings = [line for line in result.stderr.splitlines() if line.startswith("WARNING")]
    assert len(warnings) == 1, warnings
    assert "'generation/diffusion.md'" in warnings[0] and "\\(\\frac{a}\\)" in warnings[0], warnings[0]
    html = (tmp_path / "site" / "generation" / "diffusion" / "index.html").read_text(encoding="utf-8")
    assert [f.tex for f in find_formulas(html)] == ["\\frac{a}"]  # the others are rendered
    assert html.count('class="arithmatex"><span class="katex">') >= 7
    index = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    assert stylesheet_link(STYLESHEET) in index and find_formulas(index) == []
    strict = build(root, tmp_path / "strict", strict=True)
    assert strict.returncode != 0 and "\\frac{a}" in strict.stderr


@pytest.fixture(scope="module")
def without_node(tmp_path_factory):
    """A copy of the repository built with no node on PATH (git only), served."""
    tmp = tmp_path_factory.mktemp("without-node")
    root = copy_repository(tmp / "kb")
    bin_dir = tmp / "bin"
    bin_dir.mkdir()
    (bin_dir / "git").symlink_to(shutil.which("git"))
    result = build(root, root / "site-out", strict=True, env={"PATH": str(bin_dir)})
    if result.returncode != 0:
        pytest.fail(f"mkdocs build --strict without node failed:\n{result.stderr[-4000:]}")
    with LocalServer(root / "site-out") as server:
        yield root / "site-out", result, server
    shutil.rmtree(tmp, ignore_errors=True)


def test_without_node_the_build_passes_and_says_so_once(without_node):
    site, result, _ = without_node
    log = result.stdout + result.stderr
    assert len(re.findall(r"INFO .*Formulas are left to KaTeX in the browser: node is not on PATH", log)) == 1, log[-2000:]
    html = (site / "pretraining" / "training" / "index.html").read_text(encoding="utf-8")
    assert len(find_formulas(html)) >= 16 and "katex-mathml" not in html
    assert stylesheet_hrefs(html) == [f"../../{STYLESHEET}"]


@pytest.mark.browser
def test_without_node_the_browser_renders_the_formulas(browser, without_node):
    _, _, server = without_node
    seen = open_page(browser, server.url + page_url("pretraining/training.md"))
    assert seen["formulas"] >= 16 and seen["raw"] == 0
    assert any(r.endswith("/vendor/katex/katex.min.js") for r in seen["requests"])
    assert seen["errors"] == [] and seen["foreign"] == []
