"""Links to notes not written yet and open tasks become visible "to be written" markers."""

from kb.rules.links import mark_task_items, mark_unwritten_links


def exists(target: str) -> bool:
    return target == "Other.md"


def test_a_dead_note_link_alone_on_a_line_becomes_a_todo_admonition():
    assert mark_unwritten_links("## CoT\n\n[CoT](CoT/CoT.md)\n", exists) == (
        '## CoT\n\n!!! todo "待撰写"\n\n    「CoT」：原笔记链接的笔记 `CoT/CoT.md` 尚未写出。\n'
    )


def test_a_dead_note_link_inside_a_sentence_becomes_plain_text_with_a_note():
    assert mark_unwritten_links("详见 [CoT](CoT/CoT.md) 一节。", exists) == "详见 CoT（待撰写：`CoT/CoT.md`） 一节。"


def test_a_link_to_an_existing_note_is_kept():
    assert mark_unwritten_links("详见 [另一篇](Other.md)。", exists) == "详见 [另一篇](Other.md)。"


def test_web_links_are_untouched_even_to_md_files():
    raw = ("[Why did all of the public reproduction of GPT-3 fail?](https://jingfengyang.github.io/gpt)\n"
           "[2023-seminar](https://gitee.com/pi-lab/seminar-2023-1/blob/master/20230519/README.md)")
    assert mark_unwritten_links(raw, exists) == raw


def test_an_open_task_becomes_a_todo_admonition():
    assert mark_task_items("## Prompt\n- [ ] todo\n") == (
        '## Prompt\n!!! todo "待撰写"\n\n    本节尚未写完（原笔记的待办：todo）。\n'
    )


def test_an_empty_open_task_becomes_a_todo_admonition():
    assert mark_task_items("- [ ]") == '!!! todo "待撰写"\n\n    本节尚未写完。'


def test_a_done_task_is_untouched():
    assert mark_task_items("- [x] done\n") == "- [x] done\n"


def test_the_end_of_seed_001_through_the_pipeline(normalize):
    raw = ("## Prompt\n- [ ] todo\n\n\n## Instruction tuning\n\n- [ ] todo\n\n\n\n## CoT\n\n[CoT](CoT/CoT.md)\n\n\n\n"
           "[Why did all of the public reproduction of GPT-3 fail? In which tasks should we use GPT-3.5/ChatGPT?]"
           "(https://jingfengyang.github.io/gpt)\n\n\n\n")
    assert normalize(raw, title="大模型的能力与演化") == (
        "# 大模型的能力与演化\n\n"
        '## Prompt\n\n!!! todo "待撰写"\n\n    本节尚未写完（原笔记的待办：todo）。\n\n'
        '## Instruction tuning\n\n!!! todo "待撰写"\n\n    本节尚未写完（原笔记的待办：todo）。\n\n'
        '## CoT\n\n!!! todo "待撰写"\n\n    「CoT」：原笔记链接的笔记 `CoT/CoT.md` 尚未写出。\n\n'
        "[Why did all of the public reproduction of GPT-3 fail? In which tasks should we use GPT-3.5/ChatGPT?]"
        "(https://jingfengyang.github.io/gpt)\n"
    )
