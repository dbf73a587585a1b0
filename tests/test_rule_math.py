"""Formulas a PDF copy mangled into emphasis (seed 003) become LaTeX; real emphasis stays."""

import pytest

from kb.rules.math import demangle_formulas


@pytest.mark.parametrize("mangled, latex", [
    ("5 *×* 10−5", r"$5 \times 10^{-5}$"),
    ("1 *×* 10*−*4", r"$1 \times 10^{-4}$"),
    ("6 *×* 10*−*5", r"$6 \times 10^{-5}$"),
    ("*β*1 = 0*.*9", r"$\beta_1 = 0.9$"),
    ("*β*2 = 0*.*95", r"$\beta_2 = 0.95$"),
    ("*ϵ* = 10*−*8", r"$\epsilon = 10^{-8}$"),
    ("*β*2 = 1*.*0 *− k**−*0*.*8", r"$\beta_2 = 1.0 - k^{-0.8}$"),
    ("*Y* = *XA*", r"$Y = XA$"),
    ("*Y* = [*XA*1*, XA*2]", r"$Y = [XA_1, XA_2]$"),
    ("*A*1", r"$A_1$"),
    ("*k*", r"$k$"),
])
def test_mangled_formula_becomes_latex(mangled, latex):
    assert demangle_formulas(mangled) == latex


def test_a_decimal_that_lost_its_roman_font_is_plain_text_again():
    assert demangle_formulas("现有的研究通常将梯度裁剪的阈值设置为 1*.*0，将权重衰减率设置为 0*.*1。") == (
        "现有的研究通常将梯度裁剪的阈值设置为 1.0，将权重衰减率设置为 0.1。"
    )


def test_the_learning_rate_sentence_of_seed_003():
    raw = "这个最大值通常在 5 *×* 10−5 到 1 *×* 10*−*4 之间（例如 GPT-3 的学习率为 6 *×* 10*−*5）。"
    assert demangle_formulas(raw) == (
        r"这个最大值通常在 $5 \times 10^{-5}$ 到 $1 \times 10^{-4}$ 之间（例如 GPT-3 的学习率为 $6 \times 10^{-5}$）。"
    )


def test_the_adafactor_sentence_of_seed_003_through_the_pipeline(normalize):
    raw = ("**Adam 优化器 和 AdamW 优化器** 被广泛应用于 LLM（例如 GPT-3）的训练中。"
           "Adafactor 优化器的超参数设置如下：*β*1 = 0*.*9， *β*2 = 1*.*0 *− k**−*0*.*8，其中 *k* 表示训练步骤的数量。\n")
    assert normalize(raw, title="T") == (
        "# T\n\n**Adam 优化器 和 AdamW 优化器** 被广泛应用于 LLM（例如 GPT-3）的训练中。"
        r"Adafactor 优化器的超参数设置如下：$\beta_1 = 0.9$， $\beta_2 = 1.0 - k^{-0.8}$，其中 $k$ 表示训练步骤的数量。" "\n"
    )


@pytest.mark.parametrize("prose", [
    "需要从预训练语料库中删除可识别个人信息（*PII*）。",
    "一种替代方案称为 *Brain Floating Point (BF16)*，已被用于训练",
    "同时利用字节级的 *Byte Pair Encoding (BPE)* 算法",
    "**Adam 优化器 和 AdamW 优化器** 被广泛应用于 LLM",
    "GPT-3 的批量大小从 **3.2万逐渐增加到 320 万个 token**。",
])
def test_real_emphasis_is_untouched(prose):
    assert demangle_formulas(prose) == prose


def test_fenced_code_is_untouched():
    raw = "```python\nz = a *×* b\nw = *k* − 1\n```"
    assert demangle_formulas(raw) == raw


def test_inline_code_is_untouched():
    assert demangle_formulas("写作 `5 *×* 10−5`，即 5 *×* 10−5") == r"写作 `5 *×* 10−5`，即 $5 \times 10^{-5}$"
