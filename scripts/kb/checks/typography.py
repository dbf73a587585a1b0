"""TYPO001: Chinese typography, by autocorrect's lint with the repository's .autocorrectrc.

Spaces between CJK and Latin letters or digits, full-width punctuation in
Chinese sentences. `kb fmt` applies the same fixes (autocorrect's format), so
the remedy for every TYPO001 is `kb fmt PAGE`.
"""

import autocorrect_py

from ..problems import Problem
from ..rules.typography import markdown_chunks
from .base import Context, Page, Rule

RULES = (
    Rule("TYPO001", "中文排版：中英文、中文与数字之间加空格，中文句子用全角标点（autocorrect，配置见 .autocorrectrc）",
         "模型参数达1.6T,核心是MoE.", "模型参数达 1.6T，核心是 MoE。"),
)


def _configure(ctx: Context) -> None:
    def load():
        config = ctx.root / ".autocorrectrc"
        if config.is_file():
            autocorrect_py.load_config(config.read_text(encoding="utf-8"))
        return True
    ctx.cache("autocorrect-config", load)


def _excerpt(old: str, new: str, width: int = 16) -> str:
    """`…old part… -> …new part…` around the first difference, short enough to read."""
    start = next((i for i, (a, b) in enumerate(zip(old, new)) if a != b), min(len(old), len(new)))
    lo = max(0, start - width // 2)
    def cut(s: str) -> str:
        return ("…" if lo else "") + s[lo:lo + width] + ("…" if lo + width < len(s) else "")
    return f"'{cut(old)}' -> '{cut(new)}'"


def check(page: Page, ctx: Context) -> list[Problem]:
    _configure(ctx)
    out = []
    first_line = 0  # lines before the piece (a long page is linted in pieces: markdown_chunks)
    for chunk in markdown_chunks(page.text):
        for line in autocorrect_py.lint_for(chunk, "markdown").lines:
            blocking = line.severity == autocorrect_py.Severity.Error
            for offset, (old, new) in enumerate(zip(line.old.split("\n"), line.new.split("\n"))):
                if old != new:
                    out.append(Problem(page.path, first_line + line.line + offset, "TYPO001",
                                       f"Chinese typography: {_excerpt(old, new)} (run: kb fmt {page.path})",
                                       blocking))
        first_line += chunk.count("\n")
    return out
