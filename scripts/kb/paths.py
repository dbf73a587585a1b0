"""Where the repository's folders are."""

from pathlib import Path


def repo_root(start: Path | None = None) -> Path:
    """The nearest folder at or above `start` (default: cwd) that holds mkdocs.yml."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "mkdocs.yml").is_file():
            return folder
    raise FileNotFoundError("not inside the knowledge base (no mkdocs.yml above the current folder)")


def terms_file(root: Path) -> Path:
    return root / "data" / "terms.yaml"
