"""Bold markers an export broke: unpaired, split in two, or closing after Chinese punctuation."""

from kb.rules.emphasis import repair_emphasis


def test_an_unpaired_bold_marker_is_dropped():
    raw = "在许多数据集如 TriviaQA 上 LLMs 都表现了更好的性能，尤**其在 TriviaQA 中，零样本的 LLMs 都展现了优于微调模型的性能表现；"
    assert repair_emphasis(raw) == raw.replace("**", "")


def test_two_adjacent_bold_runs_are_merged():
    assert repair_emphasis("显著的，**微调的模型在 OOD** **数据上一般表现都非常差**。而相应的") == (
        "显著的，**微调的模型在 OOD 数据上一般表现都非常差**。而相应的"
    )


def test_punctuation_at_the_end_of_a_bold_run_moves_out():
    raw = "两条路，**一条路是舍弃 Decoder 部分，其最出名的代表就是 Bert 家族。**这些模型开始尝试"
    assert repair_emphasis(raw) == "两条路，**一条路是舍弃 Decoder 部分，其最出名的代表就是 Bert 家族**。这些模型开始尝试"


def test_punctuation_at_the_start_of_a_bold_run_moves_out():
    raw = "而**“无监督”的方式就是 Masked Language Model，预测被 Mask 掉的单词的能力。**在 Bert 问世之处"
    assert repair_emphasis(raw) == "而“**无监督”的方式就是 Masked Language Model，预测被 Mask 掉的单词的能力**。在 Bert 问世之处"


def test_bold_followed_by_a_space_keeps_its_punctuation():
    raw = "这些优化器 **它比 FP16 分配更多的指数位和更少的有效位。** 对于预训练而言"
    assert repair_emphasis(raw) == raw


def test_a_double_star_inside_a_mangled_formula_is_not_bold():
    # seed 003: `*− k**−*` is two italics; math.py turns it into $... - k^{-0.8}$ later.
    raw = "**Adam 优化器 和 AdamW 优化器** 被广泛应用：*β*2 = 1*.*0 *− k**−*0*.*8，其中 *k* 表示训练步骤的数量。"
    assert repair_emphasis(raw) == raw


def test_real_bold_around_one_letter_is_not_taken_for_a_formula():
    assert repair_emphasis("**k** 表示训练步骤，尤**其在") == "**k** 表示训练步骤，尤其在"


def test_fenced_code_is_untouched():
    raw = "```python\nx = a**2\n```"
    assert repair_emphasis(raw) == raw
