"""Visible markers for what a note lacks: a missing figure, a page still to be written.

Both are Material admonitions, so they render as boxes a reader sees and a
contributor can search for. `parse_missing_figures` reads them back for the
missing-figures page, so the marker format lives only here.
"""

import re

MISSING_FIGURE_TYPE = "missing-figure"
TODO_TYPE = "todo"

# `!!!` (one figure, a box) or `???` (several figures of a section, one collapsed line): the body's
# sentence names every original in backticks, `a.png`、`b.png`, before "已丢失" or "是外部链接".
_MISSING_RE = re.compile(
    rf"^(?P<indent>[ \t]*)(?:!!!|\?\?\?\+?) {MISSING_FIGURE_TYPE} \"(?P<title>[^\"]*)\"\n"
    r"(?:[ \t]*\n)?[ \t]+原图(?:文件)? (?P<originals>[^\n]*?)(?:已丢失|是外部链接)",
    re.M,
)
_ORIGINAL = re.compile(r"`([^`]+)`")


def missing_figure(original: str, *, remote: bool, indent: str = "") -> str:
    """Admonition that stands where a figure is missing; keeps its original name or address."""
    if remote:
        body = f"原图 `{original}` 是外部链接，本站不加载第三方图片；请取得原图放入 `assets/` 并替换此处。"
    else:
        body = f"原图文件 `{original}` 已丢失；找回后请放入 `assets/` 并替换此处。"
    return f'{indent}!!! {MISSING_FIGURE_TYPE} "图片缺失"\n\n{indent}    {body}'


def missing_figures(originals: list[str], *, remote: bool, indent: str = "") -> str:
    """One collapsed marker for several figures lost from the same place: a quiet line, not a wall of
    boxes; it still names every original, so the missing-figures page lists each of them."""
    if len(originals) == 1:
        return missing_figure(originals[0], remote=remote, indent=indent)
    names = "、".join(f"`{name}`" for name in originals)
    if remote:
        body = f"原图 {names} 是外部链接，本站不加载第三方图片；请取得原图放入 `assets/` 并替换此处。"
    else:
        body = f"原图文件 {names} 已丢失；找回后请放入 `assets/` 并替换此处。"
    return f'{indent}??? {MISSING_FIGURE_TYPE} "此处缺失 {len(originals)} 张原图"\n\n{indent}    {body}'


def to_be_written(what: str, *, indent: str = "") -> str:
    """Admonition for a section or linked note that the author has not written yet."""
    return f'{indent}!!! {TODO_TYPE} "待撰写"\n\n{indent}    {what}'


def parse_missing_figures(markdown: str) -> list[str]:
    """Original names or addresses of every missing-figure marker in a page."""
    return [name for m in _MISSING_RE.finditer(markdown) for name in _ORIGINAL.findall(m.group("originals"))]
