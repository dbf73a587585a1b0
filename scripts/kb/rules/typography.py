"""Chinese typography, by autocorrect (https://github.com/huacnlee/autocorrect).

Spaces between CJK and Latin letters or digits, full-width punctuation in
Chinese sentences; code, links and math are left alone by its Markdown mode.
Its rules are configured in the repository's `.autocorrectrc`.
"""

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


def fix_typography(markdown: str) -> str:
    _configure()
    return autocorrect_py.format_for(markdown, "markdown")
