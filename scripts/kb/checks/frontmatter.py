"""FM001-FM006: the front matter follows the site's schema (title, tags, source, date)."""

import datetime as dt
import re

from ..frontmatter import MalformedFrontMatter, split_front_matter
from ..problems import Problem
from .base import Context, Page, Rule

# Keys a page may set: the site's schema (kb import writes the first four), then
# MkDocs / Material page settings.
SCHEMA_KEYS = ("title", "tags", "source", "date")
PAGE_SETTINGS = ("description", "hide", "icon", "status", "subtitle", "template", "search", "comments")
SOURCE_LINE = re.compile(r"^(?:来源[：:]|\{ *\.source-note *\}\s*$)", re.M)

RULES = (
    Rule("FM001", "页面以 --- 包围的前言（front matter）开头，内容是合法的 YAML 键值",
         "---\ntitle: 缩放定律\ntags: [缩放定律\n---\n\n# 缩放定律\n",
         "---\ntitle: 缩放定律\ntags:\n  - 缩放定律\nsource: 笔记 001\n---\n\n# 缩放定律\n", example="file"),
    Rule("FM002", "前言中有非空的 title（页面标题）",
         "---\ntags:\n  - 缩放定律\nsource: 笔记 001\n---\n\n# 缩放定律\n",
         "---\ntitle: 缩放定律\ntags:\n  - 缩放定律\nsource: 笔记 001\n---\n\n# 缩放定律\n", example="file"),
    Rule("FM003", "tags 是列表，每个标签都在 data/tags.yaml 中；主题页面至少有一个标签",
         "---\ntitle: 缩放定律\ntags:\n  - scaling\nsource: 笔记 001\n---\n\n# 缩放定律\n",
         "---\ntitle: 缩放定律\ntags:\n  - 缩放定律\nsource: 笔记 001\n---\n\n# 缩放定律\n", example="file"),
    Rule("FM004", "主题页面写明出处：前言中的 source，或正文中的“来源：”行",
         "---\ntitle: 缩放定律\ntags:\n  - 缩放定律\n---\n\n# 缩放定律\n\n正文。\n",
         "---\ntitle: 缩放定律\ntags:\n  - 缩放定律\nsource: 笔记 001\n---\n\n# 缩放定律\n\n正文。\n", example="file"),
    Rule("FM005", "前言只用已知的键：" + "、".join(SCHEMA_KEYS + PAGE_SETTINGS),
         "---\ntitle: 缩放定律\ntag:\n  - 缩放定律\nsource: 笔记 001\n---\n\n# 缩放定律\n",
         "---\ntitle: 缩放定律\ntags:\n  - 缩放定律\nsource: 笔记 001\n---\n\n# 缩放定律\n", example="file"),
    Rule("FM006", "date 是存在的日期，写作 YYYY-MM-DD",
         "---\ntitle: 缩放定律\ntags:\n  - 缩放定律\nsource: 笔记 001\ndate: 2024/5/8\n---\n\n# 缩放定律\n",
         "---\ntitle: 缩放定律\ntags:\n  - 缩放定律\nsource: 笔记 001\ndate: 2024-05-08\n---\n\n# 缩放定律\n",
         example="file"),
)


def _key_line(text: str, key: str) -> int:
    match = re.search(rf"^{re.escape(key)}\s*:", text, re.M)
    return text.count("\n", 0, match.start()) + 1 if match else 1


def check(page: Page, ctx: Context) -> list[Problem]:
    def problem(rule: str, key: str | None, message: str) -> Problem:
        return Problem(page.path, _key_line(page.text, key) if key else 1, rule, message)

    if not page.text.startswith("---"):
        return [problem("FM001", None, "no front matter: start the page with '---', title: ..., '---'")]
    try:
        meta, body = split_front_matter(page.text)
    except MalformedFrontMatter as exc:
        return [problem("FM001", None, str(exc))]
    out: list[Problem] = []
    title = meta.get("title")
    if not isinstance(title, str) or not title.strip():
        out.append(problem("FM002", "title" if "title" in meta else None, "front matter has no title"))
    is_note = page.uri in ctx.topic_pages
    tags = meta.get("tags")
    if tags is not None and not (isinstance(tags, list) and all(isinstance(t, str) for t in tags)):
        out.append(problem("FM003", "tags", "tags must be a list (one '- tag' per line)"))
    else:
        for tag in tags or []:
            if tag not in ctx.allowed_tags:
                out.append(problem("FM003", "tags", f"tag '{tag}' is not in data/tags.yaml "
                                                    f"(allowed: {', '.join(ctx.allowed_tags)})"))
        if is_note and not tags:
            out.append(problem("FM003", None, "a topic page needs at least one tag from data/tags.yaml"))
    if is_note and not str(meta.get("source") or "").strip() and not SOURCE_LINE.search(body):
        out.append(problem("FM004", None, "the page names no source: add 'source:' to the front matter "
                                          "or a '来源：' line under each section"))
    for key in meta:
        if key not in SCHEMA_KEYS + PAGE_SETTINGS:
            out.append(problem("FM005", str(key), f"unknown front matter key '{key}'"))
    if "date" in meta and not _is_iso_date(meta["date"]):
        out.append(problem("FM006", "date", f"date '{meta['date']}' is not a YYYY-MM-DD date"))
    return out


def _is_iso_date(value) -> bool:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return True  # YAML read 2024-05-08 as a date
    try:
        return isinstance(value, str) and dt.date.fromisoformat(value).isoformat() == value
    except ValueError:
        return False
