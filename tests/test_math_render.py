"""Formulas rendered at build time (kb.math_render): arithmatex's HTML in, KaTeX's HTML (from the
real KaTeX on Node) out, in the same wrapper; the cache; a formula KaTeX cannot parse is an error
and is left as it is; without node every formula is left as it is."""

import json
import shutil
import subprocess

import markdown
import pytest

from kb.build_cache import BuildCache
from kb.math_render import HELPER, KatexRenderer, add_stylesheet, find_formulas, substitute
from sitekit import ROOT

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


def test_the_stylesheet_goes_at_the_end_of_the_head_once():
    page = '<html><head><title>t</title></head><body><span class="arithmatex">x</span></body></html>'
    once = add_stylesheet(page, "../../vendor/katex/katex.min.css")
    assert once == ('<html><head><title>t</title><link rel="stylesheet" href="../../vendor/katex/katex.min.css">'
                    '</head><body><span class="arithmatex">x</span></body></html>')
    assert add_stylesheet(once, "../../vendor/katex/katex.min.css") == once
    assert add_stylesheet("<p>no head</p>", "x.css") == "<p>no head</p>"


def test_the_helper_is_the_file_the_renderer_runs():
    assert HELPER.is_file() and HELPER.suffix == ".cjs"
