"""DATA001-DATA003: the data files the site is built from have the agreed shape and hold plain text.

data/topics.yaml, data/glossary.yaml, data/tags.yaml and data/bibliography.yaml become the
navigation, the home page, the glossary, hover definitions and the references page of every
page: a wrong shape used to be a traceback in kb check and the build, and markup in them reached
the page unescaped. The build now escapes them; this check says where a file is wrong.
Each rule's example starts with a comment naming the file it stands for (tests/test_check_data_files.py).
"""

import re

from kb import schema
from kb.errors import KbError
from kb.topics import TOPICS

from ..problems import Problem
from .base import Context, Page, Rule

GLOSSARY = [{"zh": str, "en": str, "definition": str, "page": schema.PAGE_PATH,
             "variants?": [str], "traditional?": [str]}]
TAGS = [str]
BIBLIOGRAPHY = {"*": str}

SCHEMAS = {
    "data/topics.yaml": TOPICS,
    "data/glossary.yaml": GLOSSARY,
    "data/tags.yaml": TAGS,
    "data/bibliography.yaml": BIBLIOGRAPHY,
}
# Text that is markup, not words: a tag, an entity, an event handler or a script URL.
MARKUP = re.compile(r"<\s*/?\s*[A-Za-z!?]|&#?\w+;|\bon[a-z]+\s*=|javascript\s*:", re.I)

RULES = (
    Rule("DATA001", "数据文件（data/topics.yaml、glossary.yaml、tags.yaml、bibliography.yaml）是合法的 YAML，字段齐全、类型正确",
         "# data/tags.yaml\n- 缩放定律\n- name: 涌现能力", "# data/tags.yaml\n- 缩放定律\n- 涌现能力", example="custom"),
    Rule("DATA002", "数据文件里的文字是纯文字：不写 HTML 标签、字符实体、事件属性或 javascript: 网址（站点会原样显示它们）",
         "# data/tags.yaml\n- 缩放定律<img src=x onerror=alert(1)>", "# data/tags.yaml\n- 缩放定律", example="custom"),
    Rule("DATA003", "bib/ 下的每个 .bib 文件在 data/bibliography.yaml 中有一个标题（参考文献页按文件分组）",
         "# data/bibliography.yaml\nfoundations: 基础模型与方法（Foundations）\n# bib/zz-example.bib 没有标题",
         "# data/bibliography.yaml\nfoundations: 基础模型与方法（Foundations）\nzz-example: 示例（Example）",
         example="custom"),
)


def _text_problems(rel: str, text: str) -> list[Problem]:
    out = []
    for number, line in enumerate(text.split("\n"), start=1):
        content = line.split(" #", 1)[0] if not line.lstrip().startswith("#") else ""
        match = MARKUP.search(content)
        if match:
            out.append(Problem(rel, number, "DATA002", f"markup '{match.group(0)}' in a text field: write plain text"))
    return out


def check(ctx: Context, pages: list[Page]) -> list[Problem]:
    out: list[Problem] = []
    for rel, shape in SCHEMAS.items():
        path = ctx.root / rel
        if not path.is_file():
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            out.append(Problem(rel, 1, "DATA001", "not UTF-8 text"))
            continue
        found = schema.problems(text, shape)
        out += [Problem(rel, line, "DATA001", message) for line, message in found]
        if not found:
            out += _text_problems(rel, text)
    out += _bibliography_headings(ctx)
    return out


def _bibliography_headings(ctx: Context) -> list[Problem]:
    rel = "data/bibliography.yaml"
    path = ctx.root / rel
    try:
        headings = schema.read(path, BIBLIOGRAPHY, rel) if path.is_file() else {}
    except KbError:  # DATA001 reports it
        return []
    out = []
    for bib in sorted((ctx.root / "bib").rglob("*.bib")):
        if bib.stem not in headings:
            out.append(Problem(bib.relative_to(ctx.root).as_posix(), 1, "DATA003",
                               f"no heading for '{bib.stem}' in {rel}: add a line `{bib.stem}: 标题（English）`"))
    return out
