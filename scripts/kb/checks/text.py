"""Looking at a page's Markdown without its code: the pieces every regex check needs.

`mask_code` blanks front matter, fenced code, inline code and math with
spaces, keeping every line and column where it was, so a check can search
the prose and report the right line.
"""

import re

from ..frontmatter import FENCE

FENCE_OPEN = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})")
# Not from an escaped backtick: Markdown shows \` as a backtick, and what follows is not code.
INLINE_CODE = re.compile(r"(?<![\\`])(?P<ticks>`+)(?!`).+?(?<!`)(?P=ticks)(?!`)")
# Math as pymdownx.arithmatex reads it (it escapes math, so math hides no HTML): display math is a
# paragraph (in a list, quote or admonition too) that begins with $$ and ends with $$. A $$ within a
# paragraph is no display math: `a $$x$$ b` is a $ and the inline formula $x$, and in `a $$ <b> $$ b`
# <b> is HTML (a space after the opening $ makes no formula). Python-Markdown takes an HTML tag that
# starts a line as raw HTML before arithmatex sees the paragraph: such a paragraph is not math here.
PARAGRAPH = re.compile(r"(?:^[^\n]*\S[^\n]*(?:\n|\Z))+", re.M)
DISPLAY_MATH = re.compile(r"[ \t>]*\$\$(?:\\.|[^\\\n]|\n(?![ \t>]*<[A-Za-z/!?]))+?\$\$[ \t]*\n?")
INLINE_MATH = re.compile(r"(?<!\\)\$(?!\s)[^$\n]+?(?<![\s\\])\$(?!\d)")


def _blank(match: re.Match) -> str:
    return re.sub(r"[^\n]", " ", match.group(0))


def mask_front_matter(text: str) -> str:
    match = FENCE.match(text)
    return _blank(match) + text[match.end():] if match else text


def mask_fences(text: str) -> str:
    """Blank the contents of fenced code blocks (the fence lines stay)."""
    out, fence = [], None
    for line in text.split("\n"):
        opened = FENCE_OPEN.match(line)
        if fence is None:
            if opened:
                fence = opened.group("fence")
            out.append(line)
        elif opened and opened.group("fence")[0] == fence[0] and len(opened.group("fence")) >= len(fence) \
                and not line.strip().strip(fence[0]):
            fence = None
            out.append(line)
        else:
            out.append(" " * len(line))
    return "\n".join(out)


def mask_code(text: str, *, math: bool = True) -> str:
    """Front matter, fenced and inline code (and math) replaced by spaces; lines and columns kept."""
    text = mask_fences(mask_front_matter(text))
    text = INLINE_CODE.sub(_blank, text)
    if math:
        text = PARAGRAPH.sub(lambda m: _blank(m) if DISPLAY_MATH.fullmatch(m.group(0)) else m.group(0), text)
        text = INLINE_MATH.sub(_blank, text)
    return text


def line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def body_start_line(text: str) -> int:
    """The first line after the front matter."""
    match = FENCE.match(text)
    return line_of(text, match.end()) if match else 1


# --- links and images of a page -----------------------------------------------------

_LINK_TEXT = r"\[(?:[^\[\]\n]|\[[^\[\]\n]*\])*\]"
_DEST = r"\(\s*(?:<(?P<angle>[^>\n]*)>|(?P<bare>(?:[^()\s]|\([^()\s]*\))*))(?:\s+(?:\"[^\"\n]*\"|'[^'\n]*'))?\s*\)"
MD_LINK = re.compile(rf"(?P<bang>!?){_LINK_TEXT}{_DEST}")
REF_DEFINITION = re.compile(r"^[ ]{0,3}\[(?!\^)[^\]\n]+\]:[ \t]*<?(?P<target>[^\s>]+)>?", re.M)
HTML_URL_ATTR = re.compile(
    r"<(?P<tag>[a-zA-Z][\w-]*)\b[^>]*?\s(?P<attr>href|src|srcset|poster|data|action|formaction)\s*=\s*"
    r"(?:\"(?P<dq>[^\"]*)\"|'(?P<sq>[^']*)'|(?P<nq>[^\s>]+))", re.S)


class Target:
    """A link or image in a page: where it points, on which line, and how it was written."""

    __slots__ = ("line", "url", "image", "tag", "attr")

    def __init__(self, line: int, url: str, image: bool, tag: str = "", attr: str = ""):
        self.line, self.url, self.image, self.tag, self.attr = line, url, image, tag, attr

    def __repr__(self) -> str:
        return f"Target({self.line}, {self.url!r}, image={self.image}, tag={self.tag!r})"


def targets(text: str) -> list[Target]:
    """Every link and image target of a page's prose (Markdown and HTML), code excluded."""
    masked = mask_code(text)
    found = []
    for m in MD_LINK.finditer(masked):
        url = m.group("angle") if m.group("angle") is not None else m.group("bare")
        found.append(Target(line_of(masked, m.start()), url, bool(m.group("bang"))))
    for m in REF_DEFINITION.finditer(masked):
        found.append(Target(line_of(masked, m.start()), m.group("target"), False))
    for m in HTML_URL_ATTR.finditer(masked):
        url = next(v for v in (m.group("dq"), m.group("sq"), m.group("nq")) if v is not None)
        tag, attr = m.group("tag").lower(), m.group("attr").lower()
        found.append(Target(line_of(masked, m.start("attr")), url.strip(), tag == "img", tag, attr))
    return sorted(found, key=lambda t: t.line)


SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")


def is_remote(url: str) -> bool:
    return url.startswith("//") or bool(re.match(r"^https?:", url, re.I))
