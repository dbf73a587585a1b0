"""Chinese typography by autocorrect, configured by the repository's .autocorrectrc."""

from kb.rules.typography import fix_typography


def test_space_between_chinese_and_latin_words():
    assert fix_typography("instruction tuning能够让模型的效果提升。把scaling的曲线往上提\n") == (
        "instruction tuning 能够让模型的效果提升。把 scaling 的曲线往上提\n"
    )


def test_space_between_chinese_and_digits():
    assert fix_typography("现有公众，广泛用于解决上述两个挑战的2种方法如下：\n") == (
        "现有公众，广泛用于解决上述两个挑战的 2 种方法如下：\n"
    )


def test_half_width_punctuation_in_a_chinese_sentence_becomes_full_width():
    assert fix_typography("OOD(out of distribution,分布外泛化， OOD 方法\n") == (
        "OOD(out of distribution，分布外泛化，OOD 方法\n"
    )


def test_a_compound_term_keeps_its_hyphen_without_spaces():
    # `space-dash: 0` in .autocorrectrc: "编码器-解码器" is one term.
    assert fix_typography("传统 Transformer 模型是建立在编码器-解码器架构上。\n") == (
        "传统 Transformer 模型是建立在编码器-解码器架构上。\n"
    )


def test_inline_code_is_untouched():
    assert fix_typography("使用 `中文abc,def` 代码。\n") == "使用 `中文abc,def` 代码。\n"


def test_fenced_code_is_untouched():
    raw = "```\nprint('中文abc')\n```\n"
    assert fix_typography(raw) == raw
