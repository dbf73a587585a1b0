"""Prose that Markdown would show as a code block because it is indented.

Typora and Obsidian keep tabs and deep indents that the author used for
looks (`\\t\\t问题三：`, a paragraph indented by seven spaces). Notes write
code in fences, so every *indented* code block is prose: it is moved back
to the indentation of the line before it.
"""

import re

from markdown_it import MarkdownIt

_PARSER = MarkdownIt("commonmark")
ADMONITION = re.compile(r"^[ \t]*(?:!!!|\?\?\?\+?)[ \t]")


def expand_leading_tabs(text: str, tab: int = 4) -> str:
    """Leading tabs to spaces at 4-column stops, so indentation can be measured.

    Lines inside fenced code keep their tabs (a Makefile needs them).
    """
    def expand(match: re.Match) -> str:
        col = 0
        for ch in match.group(0):
            col = (col // tab + 1) * tab if ch == "\t" else col + 1
        return " " * col

    out, fence, indent = [], None, ""
    for line in text.split("\n"):
        marker = re.match(r"([ \t]*)(`{3,}|~{3,})", line)
        if fence is None:
            out.append(re.sub(r"^[ \t]+", expand, line))
            if marker:
                indent, fence = marker.groups()
        else:
            # Only the indentation the whole fence shares (its list item's) is expanded.
            body = line[len(indent):] if line.startswith(indent) else line.lstrip(" \t")
            out.append(re.sub(r"^[ \t]+", expand, indent) + body if indent and line.strip() else line)
            if marker and marker.group(2)[0] == fence[0] and len(marker.group(2)) >= len(fence) \
                    and not line.strip().strip(fence[0]):
                fence = None
    return "\n".join(out)


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def dedent_indented_prose(text: str) -> str:
    """Re-indent every indented code block to the indentation of the line before it."""
    text = expand_leading_tabs(text)
    for _ in range(50):  # each pass fixes the first block; nesting can expose another
        lines = text.split("\n")

        def previous_line(start: int) -> str:
            return next((lines[i] for i in range(start - 1, -1, -1) if lines[i].strip()), "")

        # The indented body of an admonition (`!!! todo`, a page imported again) is not code.
        block = next((t for t in _PARSER.parse(text) if t.type == "code_block" and t.map
                      and not ADMONITION.match(previous_line(t.map[0]))), None)
        if block is None:
            return text
        start, end = block.map
        previous = previous_line(start)
        target = _indent(previous)
        body = [line for line in lines[start:end] if line.strip()]
        shift = min(_indent(line) for line in body) - target
        if shift <= 0:
            # Parsed as code only through list context: drop one more level.
            shift = min(_indent(line) for line in body)
        lines[start:end] = [line[shift:] if line.strip() else "" for line in lines[start:end]]
        text = "\n".join(lines)
    return text
