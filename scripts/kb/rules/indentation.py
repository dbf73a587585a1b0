"""Prose that Markdown would show as a code block because it is indented.

Typora and Obsidian keep tabs and deep indents that the author used for
looks (`\\t\\t问题三：`, a paragraph indented by seven spaces). Notes write
code in fences, so every *indented* code block is prose: it is moved back
to the indentation of the line before it.
"""

import re

from markdown_it import MarkdownIt

_PARSER = MarkdownIt("commonmark")


def expand_leading_tabs(text: str, tab: int = 4) -> str:
    """Leading tabs to spaces at 4-column stops, so indentation can be measured."""
    def expand(match: re.Match) -> str:
        col = 0
        for ch in match.group(0):
            col = (col // tab + 1) * tab if ch == "\t" else col + 1
        return " " * col

    return re.sub(r"^[ \t]+", expand, text, flags=re.M)


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def dedent_indented_prose(text: str) -> str:
    """Re-indent every indented code block to the indentation of the line before it."""
    text = expand_leading_tabs(text)
    for _ in range(50):  # each pass fixes the first block; nesting can expose another
        lines = text.split("\n")
        block = next((t for t in _PARSER.parse(text) if t.type == "code_block" and t.map), None)
        if block is None:
            return text
        start, end = block.map
        previous = next((lines[i] for i in range(start - 1, -1, -1) if lines[i].strip()), "")
        target = _indent(previous)
        body = [line for line in lines[start:end] if line.strip()]
        shift = min(_indent(line) for line in body) - target
        if shift <= 0:
            # Parsed as code only through list context: drop one more level.
            shift = min(_indent(line) for line in body)
        lines[start:end] = [line[shift:] if line.strip() else "" for line in lines[start:end]]
        text = "\n".join(lines)
    return text
