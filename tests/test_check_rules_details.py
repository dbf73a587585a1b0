"""The rules beyond their guide examples: the cases a contributor's page really has."""

import pytest

from checkkit import check_page, ids, make_repo
from kb.checks.markdown_lint import commonmark_view
from kb.checks.text import mask_code, targets


@pytest.fixture(scope="module")
def repo(tmp_path_factory):
    return make_repo(tmp_path_factory.mktemp("details"))


def test_anchors_are_the_ones_mkdocs_writes(repo):
    good = "见[对数线性](#规模与效果的对数线性关系log-linear-scaling)和[涌现](emergence.md#涌现能力emergent-abilities)。\n\n" \
           "## 规模与效果的对数线性关系（Log-linear Scaling）\n\n正文。"
    (repo / "docs" / "foundations" / "emergence.md").write_text(
        "---\ntitle: 涌现能力\n---\n\n# 涌现能力（Emergent Abilities）\n\n正文。\n", encoding="utf-8")
    assert ids(check_page(repo, good, "LINK002")) == []
    assert ids(check_page(repo, "见[这里](#没有这个标题)。", "LINK002")) == ["LINK002"]


def test_links_to_generated_pages_and_directories(repo):
    assert ids(check_page(repo, "见[参考文献](../references.md)与[缺失图片](../missing-figures.md)。", "LINK001")) == []
    problems = check_page(repo, "见[涌现](emergence/)。", "LINK001")
    assert ids(problems) == ["LINK001"] and "link the page's .md file" in problems[0].message
    assert ids(check_page(repo, "见[外部](https://arxiv.org/abs/2001.08361)与[邮件](mailto:a@b.c)。", "LINK001")) == []


def test_code_is_not_checked_for_links_html_or_assets(repo):
    body = "`[坏](nowhere.md)` 与 `<script>`\n\n```html\n<iframe src=\"https://x.org/\"></iframe>\n```"
    assert ids(check_page(repo, body, "LINK001")) == []
    assert ids(check_page(repo, body, "HTML001")) == []
    assert ids(check_page(repo, body, "EXT001")) == []


def test_missing_figure_markers_are_fine_remote_html_images_are_not(repo):
    marker = '!!! missing-figure "图片缺失"\n\n    原图 `https://cyan.example/a.png` 是外部链接，本站不加载第三方图片。'
    assert ids(check_page(repo, marker, "EXT001")) == []
    for bad in ('<img src="https://x.org/a.png" alt="a">', '<img srcset="../assets/a.png 1x, //cdn.x.org/a.png 2x">',
                '<span style="background: url(https://x.org/b.png)">x</span>', '<script src="https://cdn.x.org/a.js"></script>'):
        assert "EXT001" in ids(check_page(repo, bad, "EXT001")), bad
    assert ids(check_page(repo, "[论文](https://arxiv.org/abs/2001.08361)", "EXT001")) == []


def test_unsafe_html_variants(repo):
    assert ids(check_page(repo, '<IFRAME SRC="x.html"></IFRAME>', "HTML001")) == ["HTML001"]
    assert ids(check_page(repo, "<style>body{display:none}</style>", "HTML001")) == ["HTML001"]
    assert ids(check_page(repo, '<img src="../assets/loss-curve.png" alt="x" onerror="alert(1)">', "HTML002")) == ["HTML002"]
    assert ids(check_page(repo, '<a href=" JavaScript:alert(1)">x</a>', "HTML003")) == ["HTML003"]
    assert ids(check_page(repo, '<div class="grid cards" markdown>\n\n- 卡片\n\n</div>', "HTML001")) == []
    assert ids(check_page(repo, "onload 与 onclick 是事件名。", "HTML002")) == []


def test_characters_name_the_column_and_the_fix(repo):
    problems = check_page(repo, "缩放\u200b定律", "CHAR001") + check_page(repo, "⾦融", "CHAR002")
    assert "U+200B ZERO WIDTH SPACE" in problems[0].message and "column 3" in problems[0].message
    assert ids(problems) == ["CHAR001", "CHAR002"]
    assert "write '金' (U+91D1)" in problems[1].message
    supplement = check_page(repo, "\u2e8b", "CHAR002")  # CJK RADICAL SEAL: no NFKC ideograph
    assert ids(supplement) == ["CHAR002"] and "the ideograph it stands for" in supplement[0].message


def test_images_inside_and_outside_assets(repo):
    assert ids(check_page(repo, "![曲线](../assets/loss-curve.png)", "IMG001")) == []
    assert ids(check_page(repo, "![曲线](../../assets/loss-curve.png)", "IMG002")) == ["IMG002"]
    assert ids(check_page(repo, "![曲线](data:image/png;base64,iVBORw0KGgo=)", "IMG002")) == ["IMG002"]
    assert ids(check_page(repo, '<img src="../assets/nope.png" alt="x">', "IMG001")) == ["IMG001"]


def test_front_matter_for_site_pages_and_notes(repo):
    site_page = "---\ntitle: 首页\nhide:\n  - toc\n---\n\n# 首页\n"
    assert [p.rule for p in check_page(repo, site_page, uri="index.md", whole=True) if p.rule.startswith("FM")] == []
    no_tags = "---\ntitle: 缩放定律\nsource: 笔记 001\n---\n\n# 缩放定律\n"
    assert ids(check_page(repo, no_tags, "FM003", whole=True)) == ["FM003"]
    source_lines = "---\ntitle: 缩放定律\ntags:\n  - 缩放定律\n---\n\n# 缩放定律\n\n来源：笔记 001\n{ .source-note }\n"
    assert ids(check_page(repo, source_lines, "FM004", whole=True)) == []
    unclosed = "---\ntitle: 缩放定律\n\n# 缩放定律\n"
    assert ids(check_page(repo, unclosed, "FM001", whole=True)) == ["FM001"]


def test_typography_reports_the_line_and_the_fix(repo):
    problems = check_page(repo, "第一段。\n\n模型参数达1.6T。", "TYPO001")
    assert [(p.rule, p.line) for p in problems] == [("TYPO001", 12)]
    assert "'模型参数达1.6T。' -> '模型参数达 1.6T。'" in problems[0].message


def test_admonitions_and_nested_lists_are_our_dialect_not_code(repo):
    body = ('!!! note "提示"\n\n    正文，不是代码。\n\n    ```python\n    print(1)\n    ```\n\n'
            "1. 一\n\n    - 子项\n\n    !!! todo \"待撰写\"\n\n        嵌套的提示框。\n")
    assert [p for p in check_page(repo, body) if p.rule.startswith("MD")] == []
    assert commonmark_view('!!! note "x"\n\n    a\n        b\nc') == '!!! note "x"\n\na\n    b\nc'


def test_mask_code_keeps_lines_and_columns():
    text = "---\ntitle: x\n---\n\na `b` c $x<y$\n```\n<script>\n```\n"
    masked = mask_code(text)
    assert masked.count("\n") == text.count("\n") and len(masked) == len(text)
    assert "<script>" not in masked and "a     c" in masked
    assert [t.url for t in targets("[a](b.md) ![c](<d e.png>)\n\n[r]: https://x.org\n")] == ["b.md", "d e.png", "https://x.org"]
