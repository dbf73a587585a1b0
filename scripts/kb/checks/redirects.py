"""REDIR001-REDIR002: a page that was published does not vanish; it moves with a redirect.

data/published-pages.txt lists the URLs of the last deployed build (the deploy
workflow refreshes it with `kb published --site site --write`). Every URL
there must still be served: by a page in docs/, a page the build generates,
or a redirect in mkdocs.yml (plugin mkdocs-redirects, `redirect_maps`).
"""

import posixpath
from pathlib import Path

from ..problems import Problem
from .base import Context, Page, Rule

LIST = "data/published-pages.txt"
HEADER = ("# URLs of the pages of the last deployed build (relative to site_url), one per line.\n"
          "# Written by the deploy workflow (kb published --site site --write); kb check (REDIR001)\n"
          "# fails when one of them is no longer served and mkdocs.yml has no redirect for it.\n")

RULES = (
    Rule("REDIR001", "已发布的页面不能无声消失：改名或删除页面时，在 mkdocs.yml 的 redirects 中把旧路径重定向到新页面",
         "删除 docs/foundations/emergence.md（或改名为 emergent-abilities.md），mkdocs.yml 中没有重定向",
         "mkdocs.yml：\n\nplugins:\n  redirects:\n    redirect_maps:\n"
         "      foundations/emergence.md: foundations/emergent-abilities.md", example="custom"),
    Rule("REDIR002", "重定向的目标页面存在",
         "redirect_maps:\n  foundations/emergence.md: foundations/emergent.md  # 没有这个页面",
         "redirect_maps:\n  foundations/emergence.md: foundations/emergent-abilities.md", example="custom"),
)


def page_url(uri: str) -> str:
    """docs path -> URL path of the page (use_directory_urls): a/b.md -> /a/b/, a/index.md -> /a/."""
    stem = uri.removesuffix(".md")
    if stem == "index" or stem.endswith("/index"):
        stem = stem.removesuffix("index")
    else:
        stem += "/"
    return "/" + stem.lstrip("/") if stem != "/" else "/"


def served_urls(ctx: Context) -> set[str]:
    from .base import page_files

    uris = {p.relative_to(ctx.docs).as_posix() for p in page_files(ctx.docs)}
    uris |= ctx.site_pages | set(ctx.redirect_maps)
    return {page_url(uri) for uri in uris}


def published_urls(site: Path) -> list[str]:
    """The page URLs of a built site: every folder with an index.html (redirect pages included)."""
    return sorted("/" + (p.parent.relative_to(site).as_posix() + "/").removeprefix("./")
                  for p in site.rglob("index.html"))


def read_list(path: Path) -> list[tuple[int, str]]:
    if not path.is_file():
        return []
    return [(n, line.strip()) for n, line in enumerate(path.read_text(encoding="utf-8").split("\n"), start=1)
            if line.strip() and not line.lstrip().startswith("#")]


def check(ctx: Context, pages: list[Page]) -> list[Problem]:
    out = []
    served = served_urls(ctx)
    for number, url in read_list(ctx.root / LIST):
        if url not in served:
            out.append(Problem(LIST, number, "REDIR001",
                               f"{url} was published and is gone: restore the page or add a redirect "
                               "from its old .md path in mkdocs.yml (plugins: redirects: redirect_maps)"))
    for old, new in ctx.redirect_maps.items():
        if "://" in str(new):
            continue
        target = posixpath.normpath(str(new).split("#")[0])
        if not ((ctx.docs / target).is_file() or target in ctx.site_pages):
            out.append(Problem("mkdocs.yml", _line_of(ctx.root / "mkdocs.yml", old), "REDIR002",
                               f"redirect {old} -> {new}: no page docs/{target}"))
    return out


def _line_of(path: Path, text: str) -> int:
    for number, line in enumerate(path.read_text(encoding="utf-8").split("\n"), start=1):
        if line.strip().startswith(f"{text}:"):
            return number
    return 1
