"""Helpers for the `kb check` tests: a scratch copy of the repository to break on purpose."""

import shutil
from pathlib import Path

from kb.checks import registry
from kb.checks.base import Context, read_page

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE_PAGE = "foundations/scaling-laws.md"  # a page of the topic map: the rules for notes apply
FRONT = "---\ntitle: 缩放定律\ntags:\n  - 缩放定律\nsource: 笔记 001\n---\n\n# 缩放定律\n\n"
# A 1x1 PNG, for the figures of the examples.
PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                    "1f15c4890000000d49444154789c6360000002000100e221bc330000000049454e44ae426082")


def make_repo(tmp_path: Path) -> Path:
    """docs/, bib/, data/, assets/, mkdocs.yml and .autocorrectrc copied, plus the examples' figure."""
    root = tmp_path / "repo"
    root.mkdir()
    for name in ("docs", "bib", "data"):
        shutil.copytree(ROOT / name, root / name, symlinks=True)
    for name in ("mkdocs.yml", ".autocorrectrc"):
        shutil.copy(ROOT / name, root / name)
    shutil.copytree(ROOT / "assets", root / "assets")
    (root / "assets" / "loss-curve.png").write_bytes(PNG)
    return root


def run_checks(root: Path, uris: list[str] | None = None, rule_ids: set[str] | None = None):
    """Problems of the given pages (default: all), from the checks owning `rule_ids` (default: all)."""
    ctx = Context(root)
    pages = [read_page(root, root / "docs" / uri) for uri in uris] if uris is not None else ctx.all_pages
    checks = [c for c in registry.CHECKS if rule_ids is None or rule_ids & {r.id for r in c.rules}]
    problems = []
    for check in checks:
        if check.page:
            for page in pages:
                problems.extend(check.page(page, ctx))
        if check.site:
            problems.extend(check.site(ctx, pages))
    return problems


def check_page(root: Path, body: str, rule_id: str | None = None, *, uri: str = EXAMPLE_PAGE, whole: bool = False):
    """Write a page (body under the standard front matter and H1, or `whole` file) and check it."""
    path = root / "docs" / uri
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(body if whole else FRONT + body.rstrip("\n") + "\n", encoding="utf-8")
    return run_checks(root, [uri], {rule_id} if rule_id else None)


def ids(problems) -> list[str]:
    return [p.rule for p in problems]
