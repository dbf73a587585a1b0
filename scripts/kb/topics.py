"""The topic map (data/topics.yaml): navigation and home-page cards."""

import re
from html import escape
from pathlib import Path

from kb import schema

# Pages outside the topic map that the navigation still shows, after the home page.
SITE_PAGES = [
    {"原始笔记": "sources.md"},
    {"参考文献": "references.md"},
    {"术语表": "glossary.md"},  # generated from data/glossary.yaml (the kb plugin, scripts/kb/site/plugin.py)
    {"标签": "tags.md"},
    {"缺失图片清单": "missing-figures.md"},
    {"最近更新": "changes.md"},  # generated from git history (the kb plugin, scripts/kb/site/contributors.py)
]


# The shape of data/topics.yaml (kb.schema; kb check DATA001 reports every problem with its line).
TOPICS = [{"section": str, "en": str,
           "pages": [{"path": schema.PAGE_PATH, "title": str, "en": str, "summary": str, "icon?": schema.ICON}]}]


def load_topics(path: Path) -> list[dict]:
    """The topic map; KbError("data/topics.yaml:LINE", problem) when it is not of the agreed shape."""
    return schema.read(path, TOPICS, "data/topics.yaml")


def navigation(topics: list[dict]) -> list:
    """MkDocs' nav. Its titles are HTML to the theme (Material inserts them unescaped in the
    navigation, tabs, footer and search results), so the data file's text is escaped here."""
    nav: list = [{"首页": ["index.md", *SITE_PAGES]}]
    for section in topics:
        pages = [{escape(page["title"]): page["path"]} for page in section["pages"]]
        nav.append({escape(section["section"]): pages if len(pages) > 1 else next(iter(pages[0].values()))})
    return nav


# Markdown's punctuation (links, emphasis, code, emoji shortcodes, formulas, table cells); the
# site's pymdownx.escapeall makes a backslash before any of them the character itself.
_MARKDOWN_PUNCTUATION = re.compile(r"([\\`*_{}\[\]()#!|$:~^=+-])")


def markdown_text(text: str) -> str:
    """A data file's text as literal Markdown inline text: no HTML, link, emphasis, emoji or formula."""
    return _MARKDOWN_PUNCTUATION.sub(r"\\\1", escape(str(text), quote=False))


def cards(topics: list[dict]) -> str:
    """Material "grid cards" for the home page, one block per section."""
    out = []
    for section in topics:
        out.append(f"## {markdown_text(section['section'])}（{markdown_text(section['en'])}）\n")
        out.append('<div class="grid cards" markdown>\n')
        for page in section["pages"]:
            icon = page.get("icon", "material/file-document")
            if not re.fullmatch(r"[a-z0-9-]+/[a-z0-9-]+", icon):
                icon = "material/file-document"  # kb check (DATA002) names the entry
            out.append(
                f"- :{icon.replace('/', '-')}:{{ .lg .middle }} **[{markdown_text(page['title'])}]({page['path']})**"
                f"\n\n    ---\n\n    {markdown_text(page['en'])}：{markdown_text(page['summary'])}\n"
            )
        out.append("</div>\n")
    return "\n".join(out)
