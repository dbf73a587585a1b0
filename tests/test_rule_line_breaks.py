"""A single line break the author saw as a break stays a break."""

from kb.rules.line_breaks import split_soft_breaks


def test_a_single_break_between_sentences_becomes_a_paragraph_break():
    raw = "模型能正确回答出问题要求有两方面的知识。\n图中紫色为语言知识学习曲线。"
    assert split_soft_breaks(raw) == "模型能正确回答出问题要求有两方面的知识。\n\n图中紫色为语言知识学习曲线。"


def test_a_break_before_a_list_item_is_left_as_is():
    raw = "大模型的数据预处理：\n1. 首先对有害内容进行过滤\n2. 去除网页相关的html符号"
    assert split_soft_breaks(raw) == raw


def test_table_rows_and_fenced_code_keep_single_breaks():
    raw = "| a | b |\n| - | - |\n| 1 | 2 |\n\n```\nline one\nline two\n```"
    assert split_soft_breaks(raw) == raw
