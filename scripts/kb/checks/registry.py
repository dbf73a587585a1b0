"""Every check of `kb check`, in the order they are reported, with their rules.

This list is the only list of rules: `kb check --list-rules` prints it and the
rule section of CONTRIBUTING.md is written from it (`kb check --write-guide`).
"""

import time
from pathlib import Path

from ..problems import Problem
from . import (bibliography, characters, data_files, diagrams, external, frontmatter, html_safety, images, links,
               markdown_lint, navigation, normal_form, redirects, structure, typography)
from .base import Check, Context, Page, Rule, read_page

CHECKS: tuple[Check, ...] = (
    Check("normal form", "规范格式", normal_form.RULES, page=normal_form.check),
    Check("front matter", "前言", frontmatter.RULES, page=frontmatter.check),
    Check("navigation", "导航", navigation.RULES, page=navigation.check),
    Check("links", "链接", links.RULES, page=links.check),
    Check("images", "图片", images.RULES, page=images.check),
    Check("diagrams", "示意图", diagrams.RULES, page=diagrams.check),
    Check("page structure", "页面结构", structure.RULES, page=structure.check),
    Check("citations", "引用与文献库", bibliography.RULES, page=bibliography.check_page_citations, site=bibliography.check_bib),
    Check("typography", "中文排版", typography.RULES, page=typography.check),
    Check("markdown lint", "Markdown 写法", markdown_lint.RULES, site=markdown_lint.check_pages),
    Check("html safety", "HTML 安全", html_safety.RULES, page=html_safety.check),
    Check("third-party assets", "第三方资源", external.RULES, page=external.check),
    Check("characters", "字符", characters.RULES, page=characters.check),
    Check("redirects", "重定向", redirects.RULES, site=redirects.check),
    Check("data files", "数据文件", data_files.RULES, site=data_files.check),
)


def all_rules() -> list[Rule]:
    return [rule for check in CHECKS for rule in check.rules]


def rule_by_id(rule_id: str) -> Rule:
    return next(rule for rule in all_rules() if rule.id == rule_id)


def run(ctx: Context, pages: list[Page], *, timings: dict | None = None) -> list[Problem]:
    """Run every check on `pages` (page checks) and on the repository (site checks)."""
    problems: list[Problem] = []
    for check in CHECKS:
        start = time.perf_counter()
        if check.page:
            for page in pages:
                problems.extend(check.page(page, ctx))
        if check.site:
            problems.extend(check.site(ctx, pages))
        if timings is not None:
            timings[check.name] = time.perf_counter() - start
    return problems


def check_paths(root: Path, paths: list[Path]) -> tuple[list[Page], list[Problem]]:
    """`kb check [PATH...]`: pages under docs/ (folders are searched), bib/ files select nothing extra."""
    ctx = Context(root)
    pages = select_pages(root, paths)
    return pages, run(ctx, pages)


def select_pages(root: Path, paths: list[Path]) -> list[Page]:
    from ..errors import KbError
    from .base import page_files

    docs = (root / "docs").resolve()
    if not paths:
        return [read_page(root, p) for p in page_files(root / "docs")]
    found: dict[str, Page] = {}
    for path in paths:
        full = path if path.is_absolute() else Path.cwd() / path
        if not full.exists():
            raise KbError(str(path), "no such file or folder")
        resolved = full.resolve()
        if resolved.is_relative_to((root / "bib").resolve()) and (full.is_dir() or full.suffix == ".bib"):
            continue  # the bibliography is checked on every run
        if not resolved.is_relative_to(docs):
            raise KbError(str(path), "not under docs/ or bib/ (kb check checks the site's pages and bibliography)")
        files = page_files(full) if full.is_dir() else [full] if full.suffix == ".md" else []
        for file in files:
            page = read_page(root, file)
            found[page.path] = page
    return [found[key] for key in sorted(found)]
