"""HTML001-HTML003: no active content in a page's HTML.

Python-Markdown passes raw HTML through, so a `<script>` in a note runs in
every reader's browser. Code (fenced or inline) is text, not HTML: not checked.
"""

import re

from ..problems import Problem
from .base import Context, Page, Rule
from .text import line_of, mask_code, targets

ACTIVE_ELEMENT = re.compile(r"<(?P<tag>script|iframe|frame|frameset|style|object|embed|applet|base|meta)\b", re.I)
HANDLER = re.compile(r"<[a-zA-Z][\w-]*\b[^<>]*?\s(?P<attr>on[a-z]+)\s*=", re.I | re.S)
ACTIVE_URL = re.compile(r"^\s*(?:javascript|vbscript|data\s*:\s*text/html)", re.I)

RULES = (
    Rule("HTML001", "页面中不写会执行或改变页面的 HTML 元素：<script>、<iframe>、<style>、<object>、<embed> 等",
         "<script>alert('hi')</script>", "需要交互演示时，请在议题中说明，由维护者评估后以站点功能实现。"),
    Rule("HTML002", "HTML 元素不带 on* 事件属性（onclick、onerror 等）",
         '<span onclick="alert(1)">点我</span>', "<span>点我</span>"),
    Rule("HTML003", "链接不用 javascript:、vbscript: 或 data:text/html 网址",
         "[点我](javascript:alert(1))", "[点我](https://arxiv.org/abs/2001.08361)"),
)


def check(page: Page, ctx: Context) -> list[Problem]:
    masked = mask_code(page.text)
    out = []
    for m in ACTIVE_ELEMENT.finditer(masked):
        out.append(Problem(page.path, line_of(masked, m.start()), "HTML001",
                           f"<{m.group('tag').lower()}> is not allowed in a page"))
    for m in HANDLER.finditer(masked):
        out.append(Problem(page.path, line_of(masked, m.start("attr")), "HTML002",
                           f"event handler attribute '{m.group('attr').lower()}=' is not allowed"))
    for target in targets(page.text):
        if ACTIVE_URL.match(target.url):
            out.append(Problem(page.path, target.line, "HTML003",
                               f"'{target.url[:40]}' runs code: link to a web page instead"))
    return out
