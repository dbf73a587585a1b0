"""MD001-MD056: Markdown lint by markdownlint (npm), the reference implementation of these rules.

Why markdownlint and not pymarkdownlnt: both are well kept and both can be
configured for our dialect, but on this repository markdownlint takes about
0.8 s for the whole site and pymarkdownlnt 3-5 s, which would use up half of
the 10-second budget of `kb check` by itself.

Our dialect is Python-Markdown with Material's extensions, not CommonMark:
- admonitions (`!!! note`), collapsible blocks (`???`) and tabs (`===`) indent
  their content by 4 spaces, which CommonMark reads as an indented code block;
  `commonmark_view` removes that indentation (keeping every line where it is)
  so the content is linted as the prose it is;
- lists nest by 4 spaces, and layout (list markers, blank lines, indentation,
  emphasis markers) is owned by the normal form (FMT001, mdformat), so the
  layout rules of markdownlint are not enabled here: only the rules about
  structure and meaning that `kb fmt` cannot fix by itself;
- `{ .source-note }` attribute lines, footnotes `[^1]` and citations `[@key]`
  are plain text or GFM footnotes to markdownlint: nothing to configure.
The rules and their options are below, in RULES and OPTIONS (one list).
"""

import json
import re
import shutil
import subprocess
from pathlib import Path

from ..errors import KbError
from ..problems import Problem
from .base import Context, Page, Rule

SCRIPT = Path(__file__).with_name("markdownlint.mjs")
BLOCK_OPENER = re.compile(r"^(?P<indent>[ \t]*)(?:!!!|\?\?\?\+?|===)[ \t]+\S")

RULES = (
    Rule("MD001", "标题逐级递进：## 之下是 ###，不跳级", "## 训练\n\n#### 学习率\n", "## 训练\n\n### 学习率\n"),
    Rule("MD011", "链接写作 [文字](网址)，不要写反成 (文字)[网址]",
         "(论文)[https://arxiv.org/abs/2001.08361]", "[论文](https://arxiv.org/abs/2001.08361)"),
    Rule("MD018", "标题的 # 之后有一个空格", "#缩放定律\n", "# 缩放定律\n", example="file"),
    Rule("MD024", "同一页面中没有重复的标题（重复标题的锚点会冲突）",
         "## 小结\n\n一。\n\n## 小结\n\n二。\n", "## 数据小结\n\n一。\n\n## 训练小结\n\n二。\n"),
    Rule("MD025", "每个页面只有一个一级标题（# 标题）", "## 一节\n\n# 又一个一级标题\n", "## 一节\n\n## 又一节\n"),
    Rule("MD036", "不用一整行粗体代替标题", "**训练技巧**\n\n正文。\n", "## 训练技巧\n\n正文。\n"),
    Rule("MD037", "强调符号内侧不留空格：**粗体** 而不是 ** 粗体 **", "这是 ** 重点 ** 内容。", "这是 **重点** 内容。"),
    Rule("MD039", "链接文字两端不留空格", "见[ 论文 ](https://arxiv.org/abs/2001.08361)。",
         "见[论文](https://arxiv.org/abs/2001.08361)。"),
    Rule("MD040", "代码块的第一行注明语言，如 python、text", "```\nprint(1)\n```\n", "```python\nprint(1)\n```\n"),
    Rule("MD041", "前言之后的第一行是页面的一级标题", "---\ntitle: 缩放定律\n---\n\n正文。\n\n# 缩放定律\n",
         "---\ntitle: 缩放定律\n---\n\n# 缩放定律\n\n正文。\n", example="file"),
    Rule("MD042", "链接不为空：[文字]() 或 [文字](#) 要写上目标", "见[论文]()。",
         "见[论文](https://arxiv.org/abs/2001.08361)。"),
    Rule("MD045", "图片有说明文字（![说明](路径) 的方括号中）", "![](../assets/loss-curve.png)",
         "![损失随参数量下降](../assets/loss-curve.png)"),
    Rule("MD046", "代码写在围栏代码块（三个反引号）中，不用缩进四格（缩进四格只用于提示框和列表的内容）",
         "正文。\n\n    print(1)\n", "正文。\n\n```python\nprint(1)\n```\n"),
    Rule("MD052", "引用式链接 [文字][标签] 的标签有定义", "见[论文][kaplan]。",
         "见[论文][kaplan]。\n\n[kaplan]: https://arxiv.org/abs/2001.08361\n"),
    Rule("MD056", "表格每一行的列数与表头相同", "| 模型 | 参数量 |\n| --- | --- |\n| GPT-3 | 175B | 2020 |\n",
         "| 模型 | 参数量 | 年份 |\n| --- | --- | --- |\n| GPT-3 | 175B | 2020 |\n"),
)
# markdownlint options of the rules above (the rest use markdownlint's defaults).
OPTIONS = {
    "MD024": {"siblings_only": False},
    # The front matter's title is not the page's H1: every page writes its `# H1` too.
    "MD025": {"front_matter_title": ""},
    "MD041": {"front_matter_title": ""},
    "MD046": {"style": "fenced"},
}


def config() -> dict:
    return {"default": False, **{rule.id: OPTIONS.get(rule.id, True) for rule in RULES}}


def commonmark_view(text: str) -> str:
    """The page as CommonMark sees our dialect: block-extension content dedented by 4 spaces per level.

    `!!! note` / `??? note` / `=== "Tab"` own the lines indented more than them;
    each such line loses 4 spaces per enclosing block. No line is added or removed.
    """
    out: list[str] = []
    openers: list[int] = []  # indentation of the enclosing block openers
    for line in text.split("\n"):
        indent = len(line) - len(line.lstrip(" "))
        if line.strip():
            while openers and indent <= openers[-1]:
                openers.pop()
        depth = len(openers)
        shifted = line[min(indent, 4 * depth):] if line.strip() else line
        out.append(shifted)
        opener = BLOCK_OPENER.match(line)
        if opener:
            openers.append(len(opener.group("indent")))
    return "\n".join(out)


def run_markdownlint(pages: dict[str, str], config: dict, root: Path) -> list[dict]:
    node = shutil.which("node")
    if node is None:
        raise KbError("node", "Node.js is needed for the Markdown lint (install Node.js 20, then ./scripts/dev setup)")
    result = subprocess.run([node, str(SCRIPT)], input=json.dumps({"pages": pages, "config": config}),
                            capture_output=True, text=True, cwd=root, timeout=120)
    if result.returncode != 0:
        if "markdownlint" in result.stderr and ("Cannot find" in result.stderr or "ERR_MODULE_NOT_FOUND" in result.stderr):
            raise KbError("node_modules/markdownlint", "missing: run ./scripts/dev setup (npm ci)")
        raise KbError(str(SCRIPT.name), f"markdownlint failed: {result.stderr.strip()[-500:]}")
    return json.loads(result.stdout)


def check_pages(ctx: Context, pages: list[Page]) -> list[Problem]:
    if not pages:
        return []
    found = run_markdownlint({p.path: commonmark_view(p.text) for p in pages}, config(), ctx.root)
    return [Problem(item["name"], item["line"], item["rule"],
                    item["description"] + (f" [{item['detail']}]" if item["detail"] else ""))
            for item in found]
