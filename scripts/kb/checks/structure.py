"""PAGE001-PAGE005: what an import leaves broken in a page's structure, caught mechanically.

A wall of placeholder boxes, a heading with nothing under it, numbered items that
skip a number, and a list item that is only a citation (rendered as a bare
footnote number, "[1]") are all things a reader sees at once and a
reviewer misses in a diff.
"""

import re

from ..markers import MISSING_FIGURE_TYPE, TODO_TYPE
from ..problems import Problem
from .base import Context, Page, Rule
from .text import body_start_line, mask_code

MAX_PLACEHOLDERS = 3

_BOX = "!!! missing-figure \"图片缺失\"\n\n    原图文件 `{}` 已丢失；找回后请放入 `assets/` 并替换此处。\n"
_COLLAPSED = ("??? missing-figure \"此处缺失 2 张原图\"\n\n"
              "    原图文件 `a.png`、`b.png` 已丢失；找回后请放入 `assets/` 并替换此处。\n")

RULES = (
    Rule("PAGE001", "连续的“图片缺失”或“待撰写”提示框合并成一个（折叠的 ??? missing-figure 列出全部原图）",
         _BOX.format("a.png") + "\n" + _BOX.format("b.png"), _COLLAPSED),
    Rule("PAGE002", f"一页最多 {MAX_PLACEHOLDERS} 个占位提示框：能重画的图重画，其余按节合并",
         "\n".join(f"## 第 {i} 节\n\n正文。\n\n" + _BOX.format(f"{i}.png") for i in range(1, 5)),
         "\n".join(f"## 第 {i} 节\n\n正文。\n" for i in range(1, 4)) + "\n" + _COLLAPSED),
    Rule("PAGE003", "标题下要有内容：空标题删去，或写上这一节",
         "## 模型\n\n## 数据\n\n数据的来源。\n", "## 模型\n\n模型的结构。\n\n## 数据\n\n数据的来源。\n"),
    Rule("PAGE004", "编号连续：有序列表和“(1) (2)”式小标题不跳号、不重号",
         "1. 收集\n2. 清洗\n4. 去重\n", "1. 收集\n2. 清洗\n3. 去重\n"),
    Rule("PAGE005", "只有引用的列表项会显示成一个孤零零的“[1]”：放进 ::: bibliography 块，显示完整著录",
         "- [@devlin2019bert]\n- [@liu2019roberta]\n",
         "::: bibliography\n\n- BERT [@devlin2019bert]\n- [@liu2019roberta]\n\n:::\n"),
)

PLACEHOLDER = re.compile(rf"^[ \t]*(?:!!!|\?\?\?\+?) (?:{MISSING_FIGURE_TYPE}|{TODO_TYPE})\b")
HEADING = re.compile(r"^(#{1,6})[ \t]+(.*?)[ \t]*#*[ \t]*$")
ORDERED = re.compile(r"^(?P<indent>[ \t]*)(?P<number>\d+)[.)][ \t]+\S")
HEADING_NUMBER = re.compile(r"^[(（](?P<number>\d+)[)）]")
CITATION_ONLY_ITEM = re.compile(r"^[ \t]*(?:[-*+]|\d+[.)])[ \t]+\[@[^\]]+\][ \t]*$")
BIBLIOGRAPHY_OPEN, BLOCK_CLOSE = re.compile(r"^[ \t]*::: *bibliography *$"), re.compile(r"^[ \t]*::: *$")


def check(page: Page, ctx: Context) -> list[Problem]:
    lines = mask_code(page.text, math=False).split("\n")
    start = body_start_line(page.text) - 1
    return [*_placeholders(page, lines, start), *_empty_headings(page, lines, start),
            *_numbering(page, lines, start), *_citation_only_items(page, lines, start)]


def _placeholders(page: Page, lines: list[str], start: int) -> list[Problem]:
    out, boxes, previous_box_end = [], [], None
    for number in range(start, len(lines)):
        if not PLACEHOLDER.match(lines[number]):
            continue
        boxes.append(number)
        if previous_box_end is not None and not _has_content(lines[previous_box_end:number]):
            out.append(Problem(page.path, number + 1, "PAGE001",
                               "a placeholder box right after another: merge them into one collapsed marker "
                               "(??? missing-figure naming every original)"))
        previous_box_end = _block_end(lines, number)
    if len(boxes) > MAX_PLACEHOLDERS:
        out.append(Problem(page.path, boxes[MAX_PLACEHOLDERS] + 1, "PAGE002",
                           f"{len(boxes)} placeholder boxes on one page (at most {MAX_PLACEHOLDERS}): redraw what "
                           "can be redrawn, merge the rest one per section"))
    return out


def _block_end(lines: list[str], opener: int) -> int:
    """The line after an admonition's indented body."""
    indent = len(lines[opener]) - len(lines[opener].lstrip())
    end = opener + 1
    while end < len(lines) and (not lines[end].strip() or len(lines[end]) - len(lines[end].lstrip()) > indent):
        end += 1
    while end > opener + 1 and not lines[end - 1].strip():
        end -= 1
    return end


def _has_content(lines: list[str]) -> bool:
    return any(line.strip() for line in lines)


def _empty_headings(page: Page, lines: list[str], start: int) -> list[Problem]:
    headings = [(n, len(m.group(1))) for n in range(start, len(lines)) if (m := HEADING.match(lines[n]))]
    out = []
    for i, (number, level) in enumerate(headings):
        following = headings[i + 1] if i + 1 < len(headings) else (len(lines), 0)
        if following[1] <= level and not _has_content(lines[number + 1:following[0]]):
            out.append(Problem(page.path, number + 1, "PAGE003",
                               f"heading '{lines[number].strip()}' has nothing under it"))
    return out


def _numbering(page: Page, lines: list[str], start: int) -> list[Problem]:
    out = []
    # Ordered lists: items at one indentation, until a line less indented than them that is not blank.
    lists: dict[int, tuple[int, int]] = {}  # indent -> (first number, last number) of the open list
    for number in range(start, len(lines)):
        line = lines[number]
        if not line.strip():
            continue
        indent = len(line) - len(line.lstrip())
        for open_indent in [i for i in lists if i > indent or (i == indent and not ORDERED.match(line))]:
            del lists[open_indent]
        item = ORDERED.match(line)
        if not item:
            continue
        value = int(item.group("number"))
        if indent in lists:
            first, last = lists[indent]
            # "1. 1. 1." (Markdown numbers them itself) is fine; otherwise each number is the last plus one.
            if value != last + 1 and not value == first == last:
                out.append(Problem(page.path, number + 1, "PAGE004",
                                   f"item {value} follows item {last}: number the items one by one"))
        lists[indent] = (lists.get(indent, (value, value))[0], value)
    # "(1) (2) (4)" headings of one level within one parent section.
    last_by_level: dict[int, int] = {}
    for number in range(start, len(lines)):
        heading = HEADING.match(lines[number])
        if not heading:
            continue
        level = len(heading.group(1))
        for deeper in [lv for lv in last_by_level if lv > level]:
            del last_by_level[deeper]
        numbered = HEADING_NUMBER.match(heading.group(2))
        if not numbered:
            continue
        value = int(numbered.group("number"))
        if level in last_by_level and value != last_by_level[level] + 1:
            out.append(Problem(page.path, number + 1, "PAGE004",
                               f"heading ({value}) follows ({last_by_level[level]}): number the headings one by one"))
        last_by_level[level] = value
    return out


def _citation_only_items(page: Page, lines: list[str], start: int) -> list[Problem]:
    out, in_bibliography = [], False
    for number in range(start, len(lines)):
        line = lines[number]
        if BIBLIOGRAPHY_OPEN.match(line):
            in_bibliography = True
        elif BLOCK_CLOSE.match(line):
            in_bibliography = False
        elif not in_bibliography and CITATION_ONLY_ITEM.match(line):
            out.append(Problem(page.path, number + 1, "PAGE005",
                               "a list item that is only a citation renders as a bare '[1]': "
                               "put the list in a ::: bibliography block"))
    return out
