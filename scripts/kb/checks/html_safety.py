"""HTML001-HTML004: no active content in a page's HTML.

Python-Markdown passes raw HTML through, so a `<script>` in a note runs in
every reader's browser. Code (fenced or inline) and math are text, not HTML: not
checked (math as the build reads it: kb.checks.text.mask_code).
HTML004 puts each block of the page's raw HTML and attr_list attributes through
the build's own allowlist sanitiser (kb.sanitize), so kb check refuses what the
strict build will refuse, whatever the spelling.
"""

import re

from ..problems import Problem
from ..sanitize import ALLOWED_ATTRIBUTES, GENERIC_PREFIXES, sanitize_html
from .base import Context, Page, Rule
from .text import line_of, mask_code, targets

ACTIVE_ELEMENT = re.compile(r"<(?P<tag>script|iframe|frame|frameset|style|object|embed|applet|base|meta)\b", re.I)
HANDLER = re.compile(r"<[a-zA-Z][\w-]*\b[^<>]*?\s(?P<attr>on[a-z]+)\s*=", re.I | re.S)
ACTIVE_URL = re.compile(r"^\s*(?:javascript|vbscript|data\s*:\s*text/html)", re.I)
# attr_list: `{: onclick="..." }` after a block, `{ href="javascript:..." }` after a link or image.
ATTR_LIST = re.compile(r"\{:?[ \t]*(?P<body>[^{}\n]*?=[^{}\n]*)\}")
ATTR = re.compile(r"""(?P<name>[^\s=#.]+)\s*=\s*(?:"(?P<dq>[^"]*)"|'(?P<sq>[^']*)'|(?P<nq>[^\s}]+))""")
ATTRIBUTE_NAMES = {name.lower() for names in ALLOWED_ATTRIBUTES.values() for name in names}
GENERIC = tuple(GENERIC_PREFIXES)
MD_IN_HTML = re.compile(r"""(?<=\s)markdown(?:\s*=\s*(?:"[^"]*"|'[^']*'|[\w-]+))?(?=[\s/>])""")
BLOCK = re.compile(r"(?:^[^\n]*\S[^\n]*(?:\n|$))+", re.M)

RULES = (
    Rule("HTML001", "页面中不写会执行或改变页面的 HTML 元素：<script>、<iframe>、<style>、<object>、<embed> 等",
         "<script>alert('hi')</script>", "需要交互演示时，请在议题中说明，由维护者评估后以站点功能实现。"),
    Rule("HTML002", "HTML 元素不带 on* 事件属性（onclick、onerror 等）",
         '<span onclick="alert(1)">点我</span>', "<span>点我</span>"),
    Rule("HTML003", "链接不用 javascript:、vbscript: 或 data:text/html 网址",
         "[点我](javascript:alert(1))", "[点我](https://arxiv.org/abs/2001.08361)"),
    Rule("HTML004", "HTML 和 attr_list 属性只用站点允许的元素、属性和网址（与构建时的白名单相同，构建会删掉其余的并报错）",
         '<img alt=">" src="x.png" onerror="alert(1)">\n\n[论文](https://arxiv.org/abs/2001.08361){ href="javascript:alert(1)" }'
         '\n\n段落中的 $$ <img src="x.png" onerror="alert(1)"> $$ 不是公式，其中的 HTML 照样输出',
         '<img alt="图" src="x.png">\n\n[论文](https://arxiv.org/abs/2001.08361)\n\n$$\na < b\n$$'),
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
    named = {p.line for p in out}  # HTML004 adds what HTML001/HTML002 did not already name
    for target in targets(page.text):
        if ACTIVE_URL.match(target.url):
            named.add(target.line)
    for block in BLOCK.finditer(masked):
        first = line_of(masked, block.start())
        if "<" in block.group(0) and not any(first <= n < first + block.group(0).count("\n") + 1 for n in named):
            # md_in_html's `markdown` attribute is Python-Markdown's, gone from the HTML.
            _, removed = sanitize_html(MD_IN_HTML.sub("", block.group(0)))
            if removed:
                out.append(Problem(page.path, line_of(masked, block.start()), "HTML004",
                                   f"not allowed on the site: {', '.join(removed[:6])}"))
    for m in ATTR_LIST.finditer(masked):
        for attr in ATTR.finditer(m.group("body")):
            name = attr.group("name").lower()
            value = attr.group("dq") or attr.group("sq") or attr.group("nq") or ""
            if name in ("href", "src"):
                tag = "a" if name == "href" else "img"
                _, removed = sanitize_html(f"<{tag} {name}=\"{value.replace(chr(34), '&quot;')}\">x</{tag}>")
            else:
                removed = name.startswith("on") or not (name in ATTRIBUTE_NAMES or name.startswith(GENERIC))
            if removed:
                out.append(Problem(page.path, line_of(masked, m.start()), "HTML004",
                                   f"attr_list attribute {name}=\"{value[:40]}\" is not allowed on the site"))
    for target in targets(page.text):
        if ACTIVE_URL.match(target.url):
            out.append(Problem(page.path, target.line, "HTML003",
                               f"'{target.url[:40]}' runs code: link to a web page instead"))
    return out
