"""Chinese typography, by autocorrect (https://github.com/huacnlee/autocorrect).

Spaces between CJK and Latin letters or digits, full-width punctuation in
Chinese sentences; code, links and math are left alone by its Markdown mode.
Its rules are configured in the repository's `.autocorrectrc`.
"""

import re
from functools import cache
from pathlib import Path

import autocorrect_py

from ..paths import repo_root


@cache
def _configure() -> None:
    try:
        config = repo_root() / ".autocorrectrc"
    except FileNotFoundError:
        config = Path(__file__).resolve().parents[3] / ".autocorrectrc"
    if config.is_file():
        autocorrect_py.load_config(config.read_text(encoding="utf-8"))


# autocorrect's Markdown parser stops with "call limit reached" on a page of about half a megabyte;
# larger texts are handed to it in pieces of at most this many characters, cut at blank lines.
CHUNK = 64_000
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,}|\$\$)")


def markdown_chunks(markdown: str, limit: int = CHUNK) -> list[str]:
    """`markdown` cut at blank lines outside front matter, code fences and $$ blocks into pieces of
    about `limit` characters (one piece when it is shorter); "".join() of them is `markdown`."""
    if len(markdown) <= limit:
        return [markdown]
    chunks, current, size, fence = [], [], 0, None
    lines = markdown.splitlines(keepends=True)
    in_front = bool(lines) and lines[0].strip() == "---"
    for n, line in enumerate(lines):
        if in_front and n > 0 and line.strip() == "---":
            in_front = False
        opener = _FENCE.match(line)
        if opener and fence is None:
            fence = opener.group(1)[0] * 3 if opener.group(1) != "$$" else "$$"
            if fence == "$$" and line.strip().endswith("$$") and line.strip() != "$$":
                fence = None  # $$...$$ on one line
        elif fence is not None and line.strip().startswith(fence):
            fence = None
        current.append(line)
        size += len(line)
        if size >= limit and fence is None and not in_front and not line.strip():
            chunks.append("".join(current))
            current, size = [], 0
    if current:
        chunks.append("".join(current))
    return chunks


def fix_typography(markdown: str) -> str:
    _configure()
    return "".join(autocorrect_py.format_for(chunk, "markdown") for chunk in markdown_chunks(markdown))
