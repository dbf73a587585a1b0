"""Chinese typography, by autocorrect (https://github.com/huacnlee/autocorrect).

Spaces between CJK and Latin letters or digits, full-width punctuation in
Chinese sentences; code, links and math are left alone by its Markdown mode.
"""

import autocorrect_py


def fix_typography(markdown: str) -> str:
    return autocorrect_py.format_for(markdown, "markdown")
