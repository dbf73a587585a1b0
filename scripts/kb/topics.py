"""The topic map (data/topics.yaml): navigation and home-page cards."""

from pathlib import Path

from kb import yamlio

# Pages outside the topic map that the navigation still shows, after the home page.
SITE_PAGES = [
    {"原始笔记": "sources.md"},
    {"参考文献": "references.md"},
    {"术语表": "glossary.md"},  # generated from data/glossary.yaml (scripts/kb/mkdocs_hooks/glossary.py)
    {"标签": "tags.md"},
    {"缺失图片清单": "missing-figures.md"},
    {"最近更新": "changes.md"},  # generated from git history (the kb plugin, scripts/kb/site/contributors.py)
]


def load_topics(path: Path) -> list[dict]:
    return yamlio.load(path.read_text(encoding="utf-8")) or []


def navigation(topics: list[dict]) -> list:
    nav: list = [{"首页": ["index.md", *SITE_PAGES]}]
    for section in topics:
        pages = [{page["title"]: page["path"]} for page in section["pages"]]
        nav.append({section["section"]: pages if len(pages) > 1 else pages[0][section["pages"][0]["title"]]})
    return nav


def cards(topics: list[dict]) -> str:
    """Material "grid cards" for the home page, one block per section."""
    out = []
    for section in topics:
        out.append(f"## {section['section']}（{section['en']}）\n")
        out.append('<div class="grid cards" markdown>\n')
        for page in section["pages"]:
            icon = page.get("icon", "material/file-document")
            out.append(
                f"- :{icon.replace('/', '-')}:{{ .lg .middle }} **[{page['title']}]({page['path']})**"
                f"\n\n    ---\n\n    {page['en']}：{page['summary']}\n"
            )
        out.append("</div>\n")
    return "\n".join(out)
