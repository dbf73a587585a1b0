"""CHAR001-CHAR002: no invisible characters, no radicals standing in for ideographs.

Both come from copying text out of PDFs and web pages. They look right but
break search, links and sorting: `⾦` (KANGXI RADICAL GOLD) is not `金`.
"""

import unicodedata

from ..problems import Problem
from .base import Context, Page, Rule

INVISIBLE = {
    "\u00ad": "SOFT HYPHEN", "\u200b": "ZERO WIDTH SPACE", "\u200c": "ZERO WIDTH NON-JOINER",
    "\u200d": "ZERO WIDTH JOINER", "\u200e": "LEFT-TO-RIGHT MARK", "\u200f": "RIGHT-TO-LEFT MARK",
    "\u2060": "WORD JOINER", "\u2061": "FUNCTION APPLICATION", "\u2062": "INVISIBLE TIMES",
    "\u2063": "INVISIBLE SEPARATOR", "\u2064": "INVISIBLE PLUS", "\ufeff": "ZERO WIDTH NO-BREAK SPACE (BOM)",
    **{chr(c): unicodedata.name(chr(c)) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))},
}
RADICALS = range(0x2E80, 0x2FE0)  # CJK Radicals Supplement and Kangxi Radicals

RULES = (
    Rule("CHAR001", "正文中没有不可见字符（零宽空格 U+200B、U+FEFF、软连字符 U+00AD、方向控制符等）",
         "缩放\u200b定律", "缩放定律"),
    Rule("CHAR002", "不用部首字符（U+2E80–U+2FDF，常见于从 PDF 复制的文字）代替汉字，如“⾦”应为“金”",
         "⼤模型", "大模型"),
)


def check(page: Page, ctx: Context) -> list[Problem]:
    out = []
    for number, line in enumerate(page.lines, start=1):
        for column, char in enumerate(line, start=1):
            if char in INVISIBLE:
                where = " at the start of the file" if number == column == 1 and char == "\ufeff" else ""
                out.append(Problem(page.path, number, "CHAR001",
                                   f"invisible U+{ord(char):04X} {INVISIBLE[char]}{where} (column {column}): delete it"))
            elif ord(char) in RADICALS:
                ideograph = unicodedata.normalize("NFKC", char)
                fix = f": write '{ideograph}' (U+{ord(ideograph):04X})" if ideograph != char else \
                    ": write the ideograph it stands for"
                out.append(Problem(page.path, number, "CHAR002",
                                   f"'{char}' U+{ord(char):04X} {unicodedata.name(char, 'CJK RADICAL')} "
                                   f"(column {column}){fix}"))
    return out
