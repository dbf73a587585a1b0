"""Headings: `# title` once, the rest from H2 without gaps; bold lines that act as headings."""

from kb.normalize import normalize_note
from kb.rules.headings import leading_title, normalize_headings, promote_bold_lines


def test_the_title_is_the_only_h1(normalize):
    assert normalize("## 大模型\n\n有些能力是当你的模型足够大的时候才会出现。\n", title="大模型的能力与演化") == (
        "# 大模型的能力与演化\n\n## 大模型\n\n有些能力是当你的模型足够大的时候才会出现。\n"
    )


def test_a_leading_h1_is_removed_and_becomes_the_title(normalize):
    raw = "# 大语言视觉模型(Large Language and Vision Model)\n\n## 1. 大模型介绍\n\n文字\n"
    assert leading_title(raw) == "大语言视觉模型(Large Language and Vision Model)"
    assert normalize_headings(raw, "大语言视觉模型(Large Language and Vision Model)") == (
        "# 大语言视觉模型(Large Language and Vision Model)\n\n## 1. 大模型介绍\n\n文字\n"
    )


def test_the_note_h1_is_the_page_title_when_none_is_given(terms):
    from kb.normalize import Context
    ctx = Context(source="003.txt", title=None, fallback_title="003", resolve_image=lambda s: None,
                  note_exists=lambda t: False, terms=terms)
    page = normalize_note("# 大语言视觉模型\n\n## 1. 大模型介绍\n\n文字\n", ctx)
    assert page == "---\ntitle: 大语言视觉模型\ntags: []\nsource: 003.txt\n---\n\n# 大语言视觉模型\n\n## 1. 大模型介绍\n\n文字\n"


def test_levels_shift_so_the_first_is_h2():
    # seed 000 starts its sections at H3.
    assert normalize_headings("### 评价（万小军）\n\n文字\n\n### 大模型涌现现象\n\n文字\n", "讲座") == (
        "# 讲座\n\n## 评价（万小军）\n\n文字\n\n## 大模型涌现现象\n\n文字\n"
    )


def test_a_skipped_level_is_closed():
    assert normalize_headings("## 2.2. 关键技术\n\n#### (1) 质量过滤\n\n文字\n", "T") == (
        "# T\n\n## 2.2. 关键技术\n\n### (1) 质量过滤\n\n文字\n"
    )


def test_a_bold_line_becomes_a_heading_below_its_section():
    assert promote_bold_lines("## 大模型\n\n**scaling law**\n\n其它条件保持不变。") == (
        "## 大模型\n\n### scaling law\n\n其它条件保持不变。"
    )


def test_a_bold_line_with_its_number_outside_the_markers_becomes_a_heading():
    raw = "#### 2.1.2. Transformer\n\n（**3）编码器和解码器（Encoder and Decoder）**\n\nTransformer模型由多层的编码器和解码器很好完成。"
    assert promote_bold_lines(raw) == (
        "#### 2.1.2. Transformer\n\n##### （3）编码器和解码器（Encoder and Decoder）\n\n"
        "Transformer模型由多层的编码器和解码器很好完成。"
    )


def test_promoted_headings_end_up_in_normal_form(normalize):
    raw = "## 大模型\n\n**scaling law**\n\n其它条件保持不变且合适的时候，模型的效果会随着参数量的增大线性增长（Log-linear）。\n"
    assert normalize(raw, title="大模型的能力与演化") == (
        "# 大模型的能力与演化\n\n## 大模型\n\n### scaling law\n\n"
        "其它条件保持不变且合适的时候，模型的效果会随着参数量的增大线性增长（Log-linear）。\n"
    )


def test_a_bold_question_stays_bold_text():
    raw = "**那么，Transformer 具体是如何工作的？**\n\n首先，是对输入进行标识符化。"
    assert promote_bold_lines(raw) == raw


def test_a_bold_lead_in_ending_in_a_colon_stays_bold_text():
    raw = "**数据过滤和提纯方法：**\n\n首先对有害内容进行过滤。"
    assert promote_bold_lines(raw) == raw


def test_bold_inside_a_sentence_is_not_a_heading():
    raw = "**Emergent abilities** 涌现能力\n\n有些能力是当你的模型足够大的时候才会出现。"
    assert promote_bold_lines(raw) == raw


def test_headings_inside_fenced_code_are_untouched():
    raw = "```markdown\n# not a heading\n\n**bold**\n```"
    assert normalize_headings(promote_bold_lines(raw), "T") == "# T\n\n" + raw + "\n"
