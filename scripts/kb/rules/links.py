"""Links to notes that do not exist yet and open task items: visible "to be written" markers.
Obsidian's wikilinks and note embeds become Markdown links first (they were left as literal text)."""

import re
from collections.abc import Callable

from ..markers import to_be_written

NOTE_LINK = re.compile(r"\[(?P<text>[^\]\n]+)\]\((?P<target>(?![a-z][a-z0-9+.-]*:|/|#)[^)\s]+?\.md)(?:#[^)\s]*)?\)", re.I)
TASK = re.compile(r"^(?P<indent>[ \t]*)[-*+][ \t]+\[ \][ \t]*(?P<what>.*)$", re.M)


# [[note]], [[note|alias]], [[note#heading|alias]], and ![[note]] (an embed of a whole note; image
# embeds were converted before, rules/images.py).
WIKILINK = re.compile(r"(?P<embed>!?)\[\[(?P<target>[^\[\]|#\n]+)(?:#(?P<heading>[^\[\]|\n]+))?(?:\|(?P<alias>[^\[\]\n]+))?\]\]")


def _wikilink(m: re.Match) -> str:
    target = m.group("target").strip()
    text = (m.group("alias") or target).strip()
    path = target if target.lower().endswith(".md") else target + ".md"
    path = path.replace(" ", "%20").replace("(", "%28").replace(")", "%29")  # a Markdown link target
    heading = m.group("heading")
    fragment = "#" + re.sub(r"\s+", "-", heading.strip().lower()) if heading else ""
    link = f"[{text}]({path}{fragment})"
    return f"（嵌入的笔记：{link}）" if m.group("embed") else link


def wikilinks_to_markdown(text: str) -> str:
    """Obsidian `[[note|alias]]` -> `[alias](note.md)`, `![[note]]` -> a link to it; code untouched."""
    if "[[" not in text:
        return text
    from ..citations import code_lines, prose_pieces

    code = code_lines(text)
    lines = text.split("\n")
    for index, line in enumerate(lines):
        if index not in code and "[[" in line:
            lines[index] = "".join(WIKILINK.sub(_wikilink, piece) if prose else piece
                                   for prose, piece in prose_pieces(line))
    return "\n".join(lines)


def mark_unwritten_links(text: str, note_exists: Callable[[str], bool]) -> str:
    """`[CoT](CoT/CoT.md)` to a missing note -> a "to be written" marker, never a broken link
    (Obsidian wikilinks are converted to such links first)."""
    text = wikilinks_to_markdown(text)
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
