"""Prose indented for looks must not become a code block."""

from kb.rules.indentation import dedent_indented_prose, expand_leading_tabs


def test_tab_indented_line_inside_a_list_item_joins_the_item():
    # seed 000: `\t\t问题三：` after an item's figure.
    raw = "4. 问题\n\n   问题二：模型偏见\n\n   ![image-20230311150802999](assets/image-20230311150802999.png)\n\n\t\t问题三：\n"
    assert dedent_indented_prose(raw) == (
        "4. 问题\n\n   问题二：模型偏见\n\n   ![image-20230311150802999](assets/image-20230311150802999.png)\n\n   问题三：\n"
    )


def test_paragraph_indented_by_seven_spaces_after_a_list_becomes_a_paragraph_after_it():
    # seed 003: "总之" sums up the whole list, so it follows the list rather than its last item.
    raw = ("+ 命名实体识别：很有可能会被大模型取代。\n\n"
           "       总之，对于大多数传统自然语言理解的任务，微调模型的效果更好。\n")
    assert dedent_indented_prose(raw) == (
        "+ 命名实体识别：很有可能会被大模型取代。\n\n"
        "总之，对于大多数传统自然语言理解的任务，微调模型的效果更好。\n"
    )


def test_tab_indented_reference_of_seed_002_is_a_paragraph(normalize):
    raw = ("What——大模型学到了什么？\n\n"
           "\t大模型的涌现现象 Wei et al. Emergent Abilities of Large Language Models. TMLR 2022.\n\n"
           "How——如何训练好大模型？\n")
    assert normalize(raw, title="LLM") == (
        "# LLM\n\nWhat——大模型学到了什么？\n\n"
        "大模型的涌现现象 Wei et al. Emergent Abilities of Large Language Models. TMLR 2022.\n\n"
        "How——如何训练好大模型？\n"
    )


def test_fenced_code_keeps_its_indentation():
    raw = "示例：\n\n```python\ndef f(x):\n        return x\n```\n"
    assert dedent_indented_prose(raw) == raw


def test_tabs_inside_fenced_code_are_kept():
    raw = "示例：\n\n```make\nall:\n\tcc -o note note.c\n```\n"
    assert dedent_indented_prose(raw) == raw


def test_the_body_of_an_admonition_is_not_taken_for_code():
    # An imported page imported again: its markers must survive.
    raw = '1. 问题\n\n    !!! missing-figure "图片缺失"\n\n        原图文件 `assets/a.png` 已丢失。\n'
    assert dedent_indented_prose(raw) == raw


def test_leading_tabs_expand_to_four_column_stops():
    assert expand_leading_tabs("\t\t问题三：\n  \tx") == "        问题三：\n    x"
