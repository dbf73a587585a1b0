"""What's new: the "最近更新" page and its Atom feed, from the commits that added or edited pages
(kb.contributors.parse_changes reads them from the one `git log` of the build).

Pure: both take the changes, the pages' titles and the site's address, and return text.
mkdocs-rss-plugin was not used: it reads git again page by page (GitPython) and makes a feed of
pages, not the page of commits grouped by month that readers asked for; one reading of the
history serves the contributors, the dates, this page and the feed alike.
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape
from itertools import groupby
from xml.sax.saxutils import escape as xml_escape

from .contributors import Change

PAGE = "changes.md"
FEED = "feed.xml"
MAX_ENTRIES = 100  # commits shown on the page and in the feed
FEED_ENTRIES = 30


def _page_uri(path: str, docs_prefix: str) -> str:
    """docs/foundations/x.md -> foundations/x.md (the page's path in docs/)."""
    return path.removeprefix(docs_prefix)


def changes_page(changes: list[Change], title_of: Callable[[str], str], docs_prefix: str = "docs/") -> str:
    """Markdown of the 最近更新 page: commits grouped by month, newest first, each with its date,
    subject and the pages it added and edited (linked)."""
    out = ["---", "title: 最近更新", "description: 本站最近新增和修改的页面，按月分组，附每次提交的说明", "---", "",
           "# 最近更新", "",
           "按月列出新增和修改过页面的提交（来自仓库的 git 历史），最新的在前。"
           f"也可以用阅读器订阅 [Atom 源]({FEED})（需要联网）。", ""]
    if not changes:
        out += ["这份副本没有 git 历史，无法列出更新。", ""]
    for month, commits in groupby(changes[:MAX_ENTRIES], key=lambda c: c.date[:7]):
        year, number = month.split("-")
        out += [f"## {year} 年 {int(number)} 月", ""]
        for change in commits:
            pages = [f"新增 [{title_of(p)}]({_page_uri(p, docs_prefix)})" for p in change.added]
            pages += [f"修改 [{title_of(p)}]({_page_uri(p, docs_prefix)})" for p in change.changed]
            out.append(f"- **{change.date}** {_markdown_text(change.subject)}：{'，'.join(pages)}")
        out.append("")
    return "\n".join(out)


def _markdown_text(text: str) -> str:
    """A commit subject as plain text in Markdown: no markup, no HTML, no link syntax."""
    text = escape(text, quote=False)
    for char in "\\`*_[]{}#|!":
        text = text.replace(char, "\\" + char)
    return text.replace("@", "&#64;")  # not a citation, a mention or an e-mail link


def atom_feed(changes: list[Change], title_of: Callable[[str], str], *, site_url: str, site_name: str,
              docs_prefix: str = "docs/") -> str:
    """An Atom 1.0 feed of the same commits: one entry each, linking to its first page."""
    base = site_url.rstrip("/") + "/"
    entries = []
    for n, change in enumerate(changes[:FEED_ENTRIES]):
        pages = [*change.added, *change.changed]
        link = base + _page_uri(pages[0], docs_prefix).removesuffix(".md").removesuffix("index") + (
            "" if pages[0].endswith("index.md") else "/")
        listed = "".join(f"<li>{'新增' if p in change.added else '修改'} "
                         f"<a href=\"{escape(base + _page_uri(p, docs_prefix).removesuffix('.md') + '/')}\">"
                         f"{escape(title_of(p))}</a></li>" for p in pages)
        entries.append(
            "  <entry>\n"
            f"    <title>{xml_escape(change.subject)}</title>\n"
            f"    <id>{xml_escape(base)}{PAGE.removesuffix('.md')}/#{change.date}-{len(changes) - n}</id>\n"
            f"    <link href=\"{xml_escape(link)}\"/>\n"
            f"    <updated>{change.date}T00:00:00Z</updated>\n"
            f"    <content type=\"html\">{xml_escape('<ul>' + listed + '</ul>')}</content>\n"
            "  </entry>")
    updated = changes[0].date if changes else "1970-01-01"
    return ('<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="zh-CN">\n'
            f"  <title>{xml_escape(site_name)}：最近更新</title>\n"
            f"  <id>{xml_escape(base)}</id>\n"
            f"  <link rel=\"self\" href=\"{xml_escape(base + FEED)}\"/>\n"
            f"  <link href=\"{xml_escape(base + PAGE.removesuffix('.md'))}/\"/>\n"
            f"  <updated>{updated}T00:00:00Z</updated>\n"
            f"  <author><name>{xml_escape(site_name)}</name></author>\n"
            + "\n".join(entries) + "\n</feed>\n")
