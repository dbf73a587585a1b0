"""Single line breaks the author saw as breaks.

Typora and Obsidian show a single newline as a new line; Markdown joins the
two lines into one paragraph (`...逻辑。图中紫色...`, `[1] ... [2] ...`).
The rule turns each such break into a paragraph break in the same container.
"""

import re

# Lines that start a block of their own; a break before them is already kept.
BLOCK_START = re.compile(r"^[ \t]*(?:[-*+][ \t]|\d+[.)][ \t]|#{1,6}[ \t]|>|\||!!!|\?\?\?|```|~~~|\$\$|<|===)")


def split_soft_breaks(text: str) -> str:
    lines = text.split("\n")
    out: list[str] = []
    in_fence = in_math = False
    for i, line in enumerate(lines):
        stripped = line.strip()
        if stripped.startswith(("```", "~~~")):
            in_fence = not in_fence
        elif stripped == "$$" or (stripped.startswith("$$") and not stripped.endswith("$$", 2)):
            in_math = not in_math
        previous = lines[i - 1] if i else ""
        joinable = (
            not in_fence and not in_math and stripped and previous.strip()
            and not BLOCK_START.match(line)
            and not previous.lstrip().startswith(("|", "```", "~~~", "$$", "!!!", "???"))
            and not previous.rstrip().endswith(("  ", "\\"))
        )
        if joinable:
            out.append("")
        out.append(line)
    return "\n".join(out)
