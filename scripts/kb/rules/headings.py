"""Headings: one H1 (the title), no skipped levels, bold lines that act as headings."""

import re

ATX = re.compile(r"^(#{1,6})[ \t]+(.+?)(?:[ \t]+#+)?[ \t]*$")
# A paragraph that is nothing but bold text, allowing a bracketed number outside
# the markers (`（**3）编码器和解码器**`).
BOLD_LINE = re.compile(r"^(?P<pre>[（(]?)\*\*(?P<text>[^*\n]+?)\*\*(?P<post>[）)]?)\s*$")
SENTENCE_END = ("：", ":", "？", "?", "。", "，", ",", "；")


def _fence_mask(lines: list[str]) -> list[bool]:
    mask, inside = [], False
    for line in lines:
        toggles = line.lstrip().startswith(("```", "~~~"))
        mask.append(inside or toggles)
        if toggles:
            inside = not inside
    return mask


def promote_bold_lines(text: str) -> str:
    """A stand-alone bold line at the left margin becomes a heading one level below the section."""
    lines = text.split("\n")
    mask = _fence_mask(lines)
    level = 1
    for i, line in enumerate(lines):
        if mask[i]:
            continue
        heading = ATX.match(line)
        if heading:
            level = len(heading.group(1))
            continue
        bold = BOLD_LINE.match(line)
        if not bold:
            continue
        standalone = (i == 0 or not lines[i - 1].strip()) and (i + 1 == len(lines) or not lines[i + 1].strip() or ATX.match(lines[i + 1]))
        words = bold.group("pre") + bold.group("text").strip() + bold.group("post")
        if standalone and not words.endswith(SENTENCE_END):
            lines[i] = "#" * min(level + 1, 6) + " " + words
    return "\n".join(lines)


def leading_title(text: str) -> str | None:
    """The text of an H1 that opens the note, if any."""
    for line in text.split("\n"):
        if line.strip():
            heading = ATX.match(line)
            return heading.group(2).strip() if heading and len(heading.group(1)) == 1 else None
    return None


def normalize_headings(text: str, title: str) -> str:
    """Open with `# title`; the other headings start at H2 and never skip a level."""
    lines = text.split("\n")
    mask = _fence_mask(lines)
    opening = leading_title(text)
    if opening is not None:
        first = next(i for i, line in enumerate(lines) if line.strip())
        lines[first] = ""
    levels = [len(m.group(1)) for i, line in enumerate(lines) if not mask[i] and (m := ATX.match(line))]
    shift = 2 - min(levels) if levels else 0
    previous = 1
    for i, line in enumerate(lines):
        heading = None if mask[i] else ATX.match(line)
        if heading:
            level = min(len(heading.group(1)) + shift, previous + 1, 6)
            lines[i] = "#" * level + " " + heading.group(2).strip()
            previous = level
    body = "\n".join(lines).strip("\n")
    return f"# {title}\n\n{body}\n"
