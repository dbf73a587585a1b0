"""DIAG001: every ```mermaid diagram has its pre-rendered SVG (a note, never a failure).

`kb diagrams` draws each fence into assets/diagrams/<digest>.svg and the build puts that SVG in
the page (kb.diagrams, kb.site.diagrams). A fence without one is still drawn, by Mermaid
in the reader's browser, so the page works: it is only heavier. The note names the fence's line.

The passing example is the diagram of docs/pretraining/data.md as it is (its SVG is committed),
the failing one the same diagram with a step added and not redrawn; tests/test_diagrams_prerender.py
checks that the passing example is still a diagram of the site.
"""

from ..diagrams import digest, fences, mermaid_version, svg_file
from ..problems import Problem
from .base import Context, Page, Rule

MESSAGE = "diagram has no current pre-rendered SVG (run kb diagrams)"

_PIPELINE = """```mermaid
flowchart LR
  raw[("原始网页语料")] --> s1["① 过滤有害内容"]
  s1 --> s2["② 去除 HTML 符号<br>（保留换行等）"]
  s2 --> s3["③ 去除低质量数据"]
  s3 --> s4["④ 去除重复数据"]
  s4 --> s5["⑤ 提取出测试集<br>避免模型学到"]
  s5 --> clean[("预训练语料")]{extra}
```"""

RULES = (
    Rule("DIAG001", "每个 Mermaid 示意图（mermaid 代码块）都有 kb diagrams 预先画好的 SVG（assets/diagrams/，与页面一起提交）；"
                    "新增或修改示意图后运行 kb diagrams。没有 SVG 的图仍由读者的浏览器现场绘制，只是页面更重",
         _PIPELINE.format(extra='\n  clean --> s6["⑥ 新加的一步，还没运行 kb diagrams"]'),
         _PIPELINE.format(extra=""), blocking=False),
)


def check(page: Page, ctx: Context) -> list[Problem]:
    found = fences(page.text)
    if not found:
        return []
    version = ctx.cache("mermaid-version", lambda: mermaid_version(ctx.root))
    return [Problem(page.path, line, "DIAG001", MESSAGE, blocking=False)
            for line, text in found if not svg_file(ctx.root, digest(text, version)).is_file()]
