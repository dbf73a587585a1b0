"""`kb diagrams` and the build hook: every diagram of the repository has its SVG, drawing is
reproducible, fences are read as the build reads them, the build inlines every SVG (labelled by
its caption) and nothing of Mermaid is left in the site, unused SVGs are removed. What a reader
sees in the browser is tests/test_diagrams.py."""

import re
import subprocess
import sys
from html import unescape

import markdown
import pytest
from pymdownx.superfences import fence_code_format

from checkkit import run_checks
from kb import diagrams
from kb.checks.registry import rule_by_id
from kb.errors import KbError
from kb.site.diagrams import DEFAULT_LABEL, prerender
from sitekit import ROOT, page_url

KB = [sys.executable, "-m", "kb.cli"]
VERSION = diagrams.mermaid_version(ROOT)


def test_kb_diagrams_check_passes_on_the_repository():
    result = subprocess.run([*KB, "diagrams", "--check"], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == ""
    assert diagrams.unused(ROOT, diagrams.scan(ROOT)) == [], "assets/diagrams/ has SVGs no fence uses (run kb diagrams)"


def test_digest_is_fence_text_mermaid_version_and_render_version():
    name = diagrams.digest("flowchart LR\n  a --> b", "11.17.2")
    assert re.fullmatch(r"[0-9a-f]{16}", name)
    assert name != diagrams.digest("flowchart LR\n  a --> c", "11.17.2")
    assert name != diagrams.digest("flowchart LR\n  a --> b", "11.17.3")
    assert diagrams.svg_file(ROOT, name) == ROOT / "assets" / "diagrams" / f"{name}.svg"


@pytest.mark.browser
def test_drawing_twice_gives_the_same_bytes(browser):
    # The data pipeline has cylinders and the task guide stadiums: shapes rough.js draws with random numbers.
    texts = [f.text for f in diagrams.scan(ROOT) if f.path in ("docs/pretraining/data.md", "docs/guide/task-guide.md")]
    first, second = diagrams.render(ROOT, texts, browser), diagrams.render(ROOT, texts, browser)
    assert len(first) == 2 and first == second
    for name, svg in first.items():
        text = svg.decode("utf-8")
        assert text.startswith(f'<svg id="{diagrams.diagram_id(name)}"') and "var(--md-mermaid-" in text
    with pytest.raises(KbError, match="Mermaid cannot draw it"):
        diagrams.render(ROOT, ["flowchart LR\n  a[ --> "], browser)


# --- fences are read as pymdownx.superfences reads them ------------------------------------------

SAMPLES = {
    "plain": "# T\n\n```mermaid\nflowchart LR\n  a --> b\n```\n",
    "in an admonition": '!!! note "图"\n\n    ```mermaid\n    flowchart LR\n\n      a["甲"] --> b\n    ```\n',
    "tabs and blank lines with spaces": "- 一\n\n\t```mermaid\n\tflowchart TB\n\t  a --> b\n    \n\t  b --> c\n\t```\n",
    "longer fence, CRLF": "````mermaid\r\nflowchart LR\r\n  a --> b\r\n````\r\n",
    "inside another fence": "~~~~markdown\n```mermaid\nflowchart LR\n  x --> y\n```\n~~~~\n\n```mermaid\nflowchart LR\n  a --> b\n```\n",
    "other languages": "```python\nprint(1)\n```\n\n```text\n```mermaid\n```\n",
    "unclosed": "```mermaid\nflowchart LR\n  a --> b\n",
}


def superfences_sources(text: str) -> list[str]:
    html = markdown.markdown(text, extensions=["admonition", "sane_lists", "pymdownx.superfences"], extension_configs={
        "pymdownx.superfences": {"custom_fences": [{"name": "mermaid", "class": "mermaid", "format": fence_code_format}]}})
    return [unescape(m) for m in re.findall(r'<pre class="mermaid"><code>(.*?)</code></pre>', html, re.S)]


@pytest.mark.parametrize("name", SAMPLES)
def test_fences_are_read_as_the_build_reads_them(name):
    assert [source for _, source in diagrams.fences(SAMPLES[name])] == superfences_sources(SAMPLES[name])


def test_fence_lines_point_at_the_opening_fence():
    text = SAMPLES["inside another fence"]
    assert [line for line, _ in diagrams.fences(text)] == [8]
    assert text.split("\n")[7] == "```mermaid"


# --- the build ----------------------------------------------------------------------------------

def test_the_build_inlines_every_diagram_and_nothing_of_mermaid_is_left(built_site):
    site, _ = built_site
    by_page: dict[str, list[str]] = {}
    for fence in diagrams.scan(ROOT):
        by_page.setdefault(fence.path.removeprefix("docs/"), []).append(diagrams.digest(fence.text, VERSION))
    for path, names in by_page.items():
        html = (site / page_url(path) / "index.html").read_text(encoding="utf-8")
        inlined = re.findall(r'<div class="mermaid kb-diagram" role="img" aria-label="[^"]+" data-processed="true" '
                             r'style="--kb-width: [\d.]+px; --kb-ratio: [\d.]+"><svg id="kb-diagram-([0-9a-f]{16})"', html)
        assert inlined == names, path  # the build and `kb diagrams` read the same fences
    for page in site.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert '<pre class="mermaid">' not in html, page
        assert "mermaid-loader" not in html and "kbBootstrap" not in html, page
    assert not (site / "assets" / "diagrams").exists(), "the SVGs are inlined, not published as files"
    assert (site / "javascripts" / "mermaid-loader.js").is_file()  # the fallback stays in the site


def test_the_label_is_the_figure_caption(built_site):
    site, _ = built_site
    html = (site / page_url("pretraining/data.md") / "index.html").read_text(encoding="utf-8")
    label = unescape(re.search(r'class="mermaid kb-diagram" role="img" aria-label="([^"]+)"', html).group(1))
    assert label == "大模型的数据预处理流水线，按上方列出的五个步骤绘制；下文的质量过滤、去重、隐私去除和分词是其中几步的具体做法。"
    assert re.search(r'</svg></div>\s*<figcaption>\s*<p><span class="caption-prefix">图 1：</span>', html)  # numbering kept
    html = (site / page_url("architecture/transformer.md") / "index.html").read_text(encoding="utf-8")
    labels = [unescape(m) for m in re.findall(r'class="mermaid kb-diagram" role="img" aria-label="([^"]+)"', html)]
    assert len(labels) == 4 and all(label.endswith("。") and not label.endswith(" 。") for label in labels), labels
    assert labels[1].startswith("因果解码器的注意力掩码（causal mask）：行是当前 token（查询）")


def test_labels_and_fences_left_for_the_browser(tmp_path):
    (tmp_path / "assets" / "diagrams").mkdir(parents=True)
    drawn = "flowchart LR\n  a --> b"
    diagrams.svg_file(tmp_path, diagrams.digest(drawn, VERSION)).write_text('<svg id="x"></svg>\n', encoding="utf-8")
    fence = f'<pre class="mermaid"><code>{drawn.replace(">", "&gt;")}</code></pre>'
    caption = ('<figcaption>\n<p><span class="caption-prefix">图 3：</span> 甲 &amp; <abbr title="t">乙</abbr> '
               '<sup id="fnref:k"><a class="footnote-ref" href="#fn:k">1</a></sup>（替代原图 <code>a.png</code>）</p>\n'
               '</figcaption>')
    new = '<pre class="mermaid"><code>flowchart LR\n  c --&gt; d</code></pre>'
    page = f'<figure id="f">\n{fence}\n{caption}\n</figure>\n<p>正文</p>\n{fence}\n' \
           f'<figure id="g">\n{caption}\n{fence}\n</figure>\n{new}'
    html, left = prerender(page, tmp_path, VERSION)
    labels = re.findall(r'<div class="mermaid kb-diagram" role="img" aria-label="([^"]*)" data-processed="true">'
                        r'<svg id="x"></svg></div>', html)
    assert labels == ["甲 &amp; 乙", DEFAULT_LABEL, "甲 &amp; 乙"]
    assert left == 1 and html.endswith(new)


def test_the_wrapper_carries_the_svg_s_natural_width_and_aspect_ratio():
    from kb.site.diagrams import size_style

    svg = '<svg id="a" width="100%" style="max-width: 1434.078125px;" viewBox="0 0 1434.078125 94" role="x"><g/></svg>'
    assert size_style(svg) == ' style="--kb-width: 1434.078px; --kb-ratio: 0.065547"'
    assert size_style('<svg viewBox="-8 -8 200 100"></svg>') == ' style="--kb-width: 200px; --kb-ratio: 0.500000"'
    assert size_style('<svg id="x"></svg>') == ""


def test_kb_diagrams_removes_svgs_no_fence_uses(tmp_path):
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "page.md").write_text("# 页\n\n```mermaid\nflowchart LR\n  a --> b\n```\n", encoding="utf-8")
    folder = tmp_path / "assets" / "diagrams"
    folder.mkdir(parents=True)
    current = diagrams.svg_file(tmp_path, diagrams.digest("flowchart LR\n  a --> b", VERSION))
    current.write_text("<svg/>\n", encoding="utf-8")
    (folder / "0123456789abcdef.svg").write_text("<svg/>\n", encoding="utf-8")
    result = diagrams.update(tmp_path)  # nothing to draw: no browser needed
    assert result.written == [] and result.removed == [folder / "0123456789abcdef.svg"]
    assert sorted(folder.iterdir()) == [current]


# --- the kb check rule ----------------------------------------------------------------------------

def test_diag001_names_the_line_of_each_fence_without_an_svg(tmp_path):
    from checkkit import check_page, make_repo

    root = make_repo(tmp_path)
    body = "正文。\n\n" + rule_by_id("DIAG001").good + "\n\n" + rule_by_id("DIAG001").bad + "\n"
    problems = check_page(root, body, "DIAG001")
    assert [(p.rule, p.blocking) for p in problems] == [("DIAG001", False)]
    lines = (root / "docs" / "foundations" / "scaling-laws.md").read_text(encoding="utf-8").split("\n")
    assert problems[0].line == max(i for i, line in enumerate(lines, start=1) if line == "```mermaid")
    assert problems[0].message == "diagram has no current pre-rendered SVG (run kb diagrams)"
    assert [p for p in run_checks(ROOT, rule_ids={"DIAG001"}) if p.rule == "DIAG001"] == []


def test_the_passing_example_of_diag001_is_a_diagram_of_the_site():
    """CONTRIBUTING.md shows DIAG001's passing example; it passes because its SVG is committed.
    When that diagram of docs/pretraining/data.md changes, change the example with it."""
    example = diagrams.fences(rule_by_id("DIAG001").good)[0][1]
    assert example in [f.text for f in diagrams.scan(ROOT)]
