"""Links to notes that do not exist yet and open task items: visible "to be written" markers."""

import re
from collections.abc import Callable

from ..markers import to_be_written

NOTE_LINK = re.compile(r"\[(?P<text>[^\]\n]+)\]\((?P<target>(?![a-z][a-z0-9+.-]*:|/|#)[^)\s]+?\.md)(?:#[^)\s]*)?\)", re.I)
TASK = re.compile(r"^(?P<indent>[ \t]*)[-*+][ \t]+\[ \][ \t]*(?P<what>.*)$", re.M)


def mark_unwritten_links(text: str, note_exists: Callable[[str], bool]) -> str:
    """`[CoT](CoT/CoT.md)` to a missing note -> a "to be written" marker, never a broken link."""
    out = []
    for line in text.split("\n"):
        alone = NOTE_LINK.fullmatch(line.strip())
        if alone and not note_exists(alone.group("target")):
            indent = line[: len(line) - len(line.lstrip())]
            what = f"「{alone.group('text')}」：原笔记链接的笔记 `{alone.group('target')}` 尚未写出。"
            out.append(to_be_written(what, indent=indent))
            continue
        out.append(NOTE_LINK.sub(
            lambda m: m.group(0) if note_exists(m.group("target")) else f"{m.group('text')}（待撰写：`{m.group('target')}`）",
            line,
        ))
    return "\n".join(out)


def mark_task_items(text: str) -> str:
    """`- [ ] todo` -> a "to be written" marker that keeps the task's words."""
    def replace(m: re.Match) -> str:
        what = m.group("what").strip()
        said = "本节尚未写完" + (f"（原笔记的待办：{what}）" if what else "") + "。"
        return to_be_written(said, indent=m.group("indent"))

    return TASK.sub(replace, text)
