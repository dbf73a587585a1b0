"""`kb fmt`: keep pages in docs/ in normal form (the context-free rules of `kb import`)."""

from pathlib import Path

from .frontmatter import FENCE
from .normalize import canonical_form


def split_raw_front_matter(text: str) -> tuple[str, str]:
    """Front matter kept byte for byte (only the body is formatted)."""
    match = FENCE.match(text)
    return (text[: match.end()], text[match.end():]) if match else ("", text)


def formatted(text: str, terms) -> str:
    front, body = split_raw_front_matter(text)
    body = canonical_form(body, terms)
    return front + ("\n" if front else "") + body.lstrip("\n")


def first_difference(a: str, b: str) -> int:
    for number, (x, y) in enumerate(zip(a.split("\n"), b.split("\n")), start=1):
        if x != y:
            return number
    return min(a.count("\n"), b.count("\n")) + 1


def pages(root: Path, paths: list[Path]) -> list[Path]:
    if not paths:
        paths = [root / "docs"]
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob("*.md") if not p.is_symlink()))
        else:
            found.append(path)
    return found
