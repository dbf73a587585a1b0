"""Numbered lists that a figure or a bullet list split in two go on with the author's numbers."""

from kb.rules.lists import continue_interrupted_lists


def test_a_figure_between_items_joins_the_first_item():
    raw = "3. NLG评价主要方法\n\n![image-20230311150318971](assets/a.png)\n\n4. 问题\n"
    assert continue_interrupted_lists(raw) == (
        "3. NLG评价主要方法\n\n   ![image-20230311150318971](assets/a.png)\n\n4. 问题\n"
    )


def test_an_interrupted_list_renders_as_one_list(normalize):
    raw = "1. 首先对有害内容进行过滤\n\n![image](assets/a.png)\n\n2. 去除低质量的数据\n"
    assert normalize(raw, images={"assets/a.png": "../assets/note/a.png"}) == (
        "# 笔记\n\n1. 首先对有害内容进行过滤\n\n    ![image](../assets/note/a.png)\n\n2. 去除低质量的数据\n"
    )


def test_items_all_numbered_one_with_bullets_between_are_renumbered():
    # seed 003, "(7) Efficiency": `1. Cost`, bullets, `1. Latency`, bullets.
    raw = ("1. Cost\n\n- **Pricing**, OpenAI. [Blog Post](https://openai.com/pricing)\n\n"
           "1. Latency\n\n- HELM: **Holistic evaluation of language models**, Arxiv 2022.\n")
    assert continue_interrupted_lists(raw) == (
        "1. Cost\n\n   - **Pricing**, OpenAI. [Blog Post](https://openai.com/pricing)\n\n"
        "2. Latency\n\n   - HELM: **Holistic evaluation of language models**, Arxiv 2022.\n"
    )


def test_the_last_items_bullets_stay_with_it_before_the_next_heading():
    raw = "1. Cost\n\n- a\n\n1. Latency\n\n- b\n\n##### (7) Trustworthiness\n\n- c\n"
    assert continue_interrupted_lists(raw) == (
        "1. Cost\n\n   - a\n\n2. Latency\n\n   - b\n\n##### (7) Trustworthiness\n\n- c\n"
    )


def test_a_paragraph_after_the_last_item_stays_after_the_list():
    raw = "1. 首先\n\n- a\n\n2. 其次\n\n总之，这一段总结整个列表。\n"
    assert continue_interrupted_lists(raw) == "1. 首先\n\n   - a\n\n2. 其次\n\n总之，这一段总结整个列表。\n"


def test_a_new_list_after_a_heading_starts_again_at_one():
    raw = "1. 作用\n\n![a](a.png)\n\n### 探索大语言模型的垂直化适用预训练\n\n1. 参数规模和数据规模的探索\n"
    assert continue_interrupted_lists(raw) == raw


def test_a_list_that_was_not_interrupted_is_unchanged():
    raw = "1. 可以识别图片\n2. 模型表现优于3.5\n3. 会更多语言\n"
    assert continue_interrupted_lists(raw) == raw
