"""Bold and italic markers that an export broke."""

import re
import unicodedata

from .math import RUN, _is_formula

ADJACENT_BOLD = re.compile(r"(?<=[^\s*])\*\*[ \t]+\*\*(?=[^\s*])")


def merge_adjacent_bold(text: str) -> str:
    """`**在 OOD** **数据上**` -> `**在 OOD 数据上**`: one bold run that an editor split."""
    return ADJACENT_BOLD.sub(" ", text)


def drop_unpaired_bold(text: str) -> str:
    """Remove a `**` that opens and never closes within its line (`尤**其在 TriviaQA 中`)."""
    out, in_fence = [], False
    for line in text.split("\n"):
        if line.lstrip().startswith(("```", "~~~")):
            in_fence = not in_fence
        # In a formula mangled by a PDF copy (`*− k**−*0*.*8`), `**` is two
        # italic markers, not bold: math.py turns it into LaTeX later.
        formulas = [m.span() for m in RUN.finditer(line) if _is_formula(m.group(0))]
        positions = [m.start() for m in re.finditer(r"\*\*", line)
                     if not any(a <= m.start() and m.end() <= b for a, b in formulas)]
        if not in_fence and len(positions) % 2 == 1:
            last = positions[-1]
            line = line[:last] + line[last + 2:]
        out.append(line)
    return "\n".join(out)


BOLD_PAIR = re.compile(r"\*\*(?=\S)(?P<inner>[^*\n]+?)(?<=\S)\*\*")


def _is_punct(char: str) -> bool:
    return unicodedata.category(char)[0] in "PS"


def _is_word(char: str) -> bool:
    return bool(char) and not char.isspace() and not _is_punct(char)


def move_punctuation_out_of_bold(text: str) -> str:
    """`**……家族。**这些` -> `**……家族**。这些`.

    CommonMark (and so every editor but Python-Markdown) closes `**` after
    punctuation only when a space or punctuation follows; Chinese has no
    spaces, so the bold would show as literal asterisks. Moving the edge
    punctuation outside the markers keeps the bold in every renderer.
    """
    def fix(m: re.Match) -> str:
        inner = m.group("inner")
        before = m.string[m.start() - 1] if m.start() else ""
        after = m.string[m.end()] if m.end() < len(m.string) else ""
        lead = trail = ""
        if _is_word(before):
            while inner and _is_punct(inner[0]):
                lead, inner = lead + inner[0], inner[1:]
        if _is_word(after):
            while inner and _is_punct(inner[-1]):
                inner, trail = inner[:-1], inner[-1] + trail
        if not inner.strip():
            return m.group(0)
        return f"{lead}**{inner}**{trail}"

    return BOLD_PAIR.sub(fix, text)


def repair_emphasis(text: str) -> str:
    return move_punctuation_out_of_bold(drop_unpaired_bold(merge_adjacent_bold(text)))
