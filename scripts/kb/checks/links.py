"""LINK001-LINK003: links between pages resolve, anchors included.

Anchors are the ids the site will have: the page is rendered with the
Markdown extensions of mkdocs.yml (toc with its slugify, attr_list ...), so
`#规模与效果的对数线性关系log-linear-scaling` is checked against what MkDocs writes.
"""

import posixpath
import re
from urllib.parse import unquote, urlsplit

from ..frontmatter import FENCE
from ..problems import Problem
from .base import Context, Page, Rule
from .text import SCHEME, targets

RULES = (
    Rule("LINK001", "站内链接指向存在的页面或文件（用相对路径链接到 .md 文件）",
         "另见[涌现能力](emergance.md)。", "另见[涌现能力](emergence.md)。"),
    Rule("LINK002", "链接中的锚点（# 之后）是目标页面中存在的标题或 id",
         "见[笔记 001](../sources.md#note-1)。", "见[笔记 001](../sources.md#note-001)。"),
    Rule("LINK003", "站内链接用相对的 .md 路径，不用以 / 开头的路径或本站的完整网址",
         "另见[涌现能力](/foundations/emergence/)。", "另见[涌现能力](emergence.md)。"),
)


def anchors(ctx: Context, uri: str) -> set[str]:
    """The ids of the rendered page at `uri` (relative to docs/)."""
    def render() -> set[str]:
        text = ctx.page_text(uri) or ""
        match = FENCE.match(text)
        html = _markdown(ctx).reset().convert(text[match.end():] if match else text)
        return set(re.findall(r"\bid=\"([^\"]+)\"", html))
    return ctx.cache(("anchors", uri), render)


def _markdown(ctx: Context):
    def make():
        import markdown

        names, configs = [], {}
        for ext in ctx.mkdocs_config.get("markdown_extensions") or []:
            if isinstance(ext, dict):
                (name, config), = ext.items()
                names.append(name)
                configs[name] = config or {}
            else:
                names.append(ext)
        return markdown.Markdown(extensions=names, extension_configs=configs)
    return ctx.cache("markdown", make)


def _published(ctx: Context, uri: str) -> bool:
    return (ctx.docs / uri).is_file() or uri in ctx.site_pages


def check(page: Page, ctx: Context) -> list[Problem]:
    out = []
    site_url = str(ctx.mkdocs_config.get("site_url") or "").rstrip("/")
    for target in targets(page.text):
        if target.image or target.tag not in ("", "a"):
            continue  # images: kb.checks.images; other elements: kb.checks.external
        url = target.url
        if site_url and url.startswith(site_url + "/") or url.startswith("/") and not url.startswith("//"):
            out.append(Problem(page.path, target.line, "LINK003",
                               f"'{url}' is an absolute link to this site: link the page's .md file "
                               "by a relative path (e.g. ../foundations/emergence.md)"))
            continue
        if SCHEME.match(url) or url.startswith("//") or not url:
            continue  # external (checked nightly) or another scheme (kb.checks.html_safety)
        parts = urlsplit(url)
        path, fragment = unquote(parts.path), unquote(parts.fragment)
        if not path:
            if fragment and fragment not in anchors(ctx, page.uri):
                out.append(Problem(page.path, target.line, "LINK002", f"no heading or id '#{fragment}' on this page"))
            continue
        resolved = posixpath.normpath(posixpath.join(posixpath.dirname(page.uri), path))
        if resolved.startswith("../") or resolved == "..":
            out.append(Problem(page.path, target.line, "LINK001", f"'{url}' points outside docs/"))
            continue
        if resolved.endswith(".md"):
            if not _published(ctx, resolved):
                out.append(Problem(page.path, target.line, "LINK001", f"'{url}': no page docs/{resolved}"))
            elif fragment and (ctx.docs / resolved).is_file() and fragment not in anchors(ctx, resolved):
                out.append(Problem(page.path, target.line, "LINK002",
                                   f"'{url}': no heading or id '#{fragment}' in docs/{resolved}"))
        elif not (ctx.docs / resolved).exists():
            hint = " (link the page's .md file, not its URL)" if (ctx.docs / (resolved + ".md")).is_file() \
                or path.endswith("/") else ""
            out.append(Problem(page.path, target.line, "LINK001", f"'{url}': no file docs/{resolved}{hint}"))
    return out
