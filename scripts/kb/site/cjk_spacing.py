"""Line breaks inside Chinese text: removed, as CSS Text 3 says a browser should.

Authors wrap long paragraphs; Markdown keeps each break as a newline, and Chromium shows a newline
between two Chinese characters as a space ("很少。 怎样"), which Chinese typesetting never has.
CSS Text 3 (segment break transformation) removes such a break when the characters on both sides
are East Asian wide; Firefox does, Chromium does not. This does it in the built HTML, outside
<pre> (code keeps its lines). Pure: HTML in, HTML out.
"""

import re

# Han, CJK punctuation and full-width forms: the characters whose line breaks vanish.
_WIDE = "\u2e80-\u2fff\u3000-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef"
# A break between two wide characters, with tags (a link, emphasis, a tooltip) allowed on either side.
_BREAK = re.compile(rf"([{_WIDE}](?:<[^<>]+>)*)[ \t]*\n[ \t]*(?=(?:<[^<>]+>)*[{_WIDE}])")
_PRE = re.compile(r"(<pre\b.*?</pre>)", re.S | re.I)


def join_wide_line_breaks(html: str) -> str:
    """`html` with every line break between two East Asian wide characters of its text removed."""
    if "\n" not in html:
        return html
    parts = _PRE.split(html)
    for i in range(0, len(parts), 2):  # even parts are outside <pre>
        parts[i] = _BREAK.sub(r"\1", parts[i])
    return "".join(parts)
