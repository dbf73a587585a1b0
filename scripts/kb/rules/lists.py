"""Numbered lists that an interruption split in two.

Typora lets a figure or a bullet list sit between `1.` and `2.` at the left
margin; Markdown then ends the list, and `2.` starts a new one. Exports also
number section-like items `1.`, `1.`, `1.` with bullets between them. The
rule indents the interruption into the previous item, so the list goes on
with the numbers the author meant.
"""

import re

ORDERED_ITEM = re.compile(r"^(\d+)([.)])([ \t]+)(.*)$")
BULLET_ITEM = re.compile(r"^[-*+][ \t]")
HEADING = re.compile(r"^#{1,6}[ \t]")


def continue_interrupted_lists(text: str) -> str:
    lines = text.split("\n")
    out: list[str] = []
    last_number = None  # number of the last top-level ordered item in this section
    content_col = 0
    pending: list[str] = []  # lines after that item that left the list
    in_fence = False
    bullets_moved = False  # this list already took a bullet list into an item

    def flush(section_end: bool = False):
        # `1. Cost / - a / 1. Latency / - b` at the end of a section: `- b`
        # belongs to the last item just as `- a` was moved into the first.
        lines = [p for p in pending if p.strip()]
        if section_end and bullets_moved and lines and all(
                BULLET_ITEM.match(p) or p.startswith(" ") for p in lines):
            out.extend(" " * content_col + p if p.strip() else "" for p in pending)
        else:
            out.extend(pending)
        pending.clear()

    for line in lines:
        stripped = line.lstrip()
        if stripped.startswith(("```", "~~~")):
            in_fence = not in_fence
        if in_fence or stripped.startswith(("```", "~~~")):
            (pending if pending else out).append(line)
            continue
        item = ORDERED_ITEM.match(line)
        if HEADING.match(line):
            flush(section_end=True)
            last_number = None
            bullets_moved = False
            out.append(line)
            continue
        if item:
            number = int(item.group(1))
            continues = last_number is not None and pending and (
                number == last_number + 1 or (number == 1 and last_number >= 1)
            )
            if continues:
                bullets_moved = bool(BULLET_ITEM.match(next(p for p in pending if p.strip())))
                pad = " " * content_col
                out.extend(pad + p if p.strip() else "" for p in pending)
                pending.clear()
                number = last_number + 1
                line = f"{number}{item.group(2)}{item.group(3)}{item.group(4)}"
            else:
                flush()
                bullets_moved = False
            last_number = number
            content_col = len(item.group(1)) + len(item.group(2)) + len(item.group(3))
            out.append(line)
            continue
        if last_number is not None and line.strip() and not line.startswith(" " * content_col):
            # Leaves the current item only after a blank line (else: lazy continuation).
            if pending or (out and not out[-1].strip()):
                pending.append(line)
                continue
        (pending if pending else out).append(line)
    flush(section_end=True)
    return "\n".join(out)
