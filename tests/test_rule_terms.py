"""Reviewed term fixes from data/terms.yaml: applied to prose, never to code, math or addresses."""

from pathlib import Path

import pytest
import yaml

from kb.rules.terms import Term, TermsTableError, apply_terms, load_terms

REPO = Path(__file__).resolve().parents[1]
TABLE = [Term("启动函数", "激活函数", "traditional"), Term("网路", "网络", "traditional")]


def test_a_table_entry_is_applied_in_prose():
    assert apply_terms("这个网络路由两层全连接层和一个ReLU启动函数组成。", TABLE) == "这个网络路由两层全连接层和一个ReLU激活函数组成。"


def test_inline_code_is_not_rewritten():
    assert apply_terms("写作 `启动函数`。", TABLE) == "写作 `启动函数`。"


def test_fenced_code_is_not_rewritten():
    raw = "```\n# 启动函数\n```\n"
    assert apply_terms(raw, TABLE) == raw


def test_math_is_not_rewritten():
    assert apply_terms(r"$\text{启动函数}$ 与 $$\text{网路}$$", TABLE) == r"$\text{启动函数}$ 与 $$\text{网路}$$"


def test_urls_and_link_targets_are_not_rewritten():
    raw = "见 https://example.com/网路 和 [网路](https://example.com/网路)"
    assert apply_terms(raw, TABLE) == "见 https://example.com/网路 和 [网络](https://example.com/网路)"


def test_a_longer_phrase_wins_over_a_word_inside_it(terms):
    assert apply_terms("在自注意力之后，Transformer模型会通过一个前反馈神经网络路来进一步处理序列。", terms) == (
        "在自注意力之后，Transformer模型会通过一个前馈神经网络来进一步处理序列。"
    )


def test_the_real_table_loads_without_duplicates(terms):
    wrongs = [t.wrong for t in terms]
    assert len(wrongs) == len(set(wrongs)) > 0
    assert all(t.wrong != t.right for t in terms)


def test_the_real_table_fixes_the_seed_typos(terms):
    assert apply_terms("能力越迁是如何发生的？通用能力下降的程度预模型大小相关", terms) == (
        "能力跃迁是如何发生的？通用能力下降的程度与模型大小相关"
    )


def test_an_entry_without_right_is_refused(tmp_path):
    table = tmp_path / "terms.yaml"
    table.write_text("typo:\n  - {wrong: 大预言模型}\n", encoding="utf-8")
    with pytest.raises(TermsTableError, match=r"typo\[0\] needs 'wrong' and 'right'"):
        load_terms(table)


def test_a_term_listed_twice_is_refused(tmp_path):
    table = tmp_path / "terms.yaml"
    table.write_text(yaml.safe_dump({"typo": [{"wrong": "bulid", "right": "build"}],
                                     "traditional": [{"wrong": "bulid", "right": "built"}]}), encoding="utf-8")
    with pytest.raises(TermsTableError, match="listed twice: bulid"):
        load_terms(table)
