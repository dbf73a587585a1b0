"""What every check shares: a rule, a page, and the context a check may consult.

A check is a function. A *page* check gets one page and the context and
returns problems; a *site* check gets the context and the selected pages.
The context loads the repository's data (tags, topic map, bibliography,
mkdocs.yml) lazily and once, so checking one page stays fast.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import yaml

from kb import yamlio

from ..problems import Problem


@dataclass(frozen=True)
class Rule:
    id: str
    summary: str  # one line in Chinese: what the rule asks of a page (the guide and --list-rules show it)
    bad: str  # a failing example, shown in CONTRIBUTING.md and tested
    good: str  # the same example fixed
    blocking: bool = True  # False: reported as a note, never fails `kb check`
    # Where the examples go when tested: a page body ("page"), a whole page with its
    # front matter ("file"), a BibTeX file ("bib"), or "custom" (a dedicated test builds it).
    example: str = "page"


@dataclass(frozen=True)
class Page:
    path: str  # relative to the repository, as printed: docs/foundations/x.md
    uri: str  # relative to docs/: foundations/x.md
    text: str

    @cached_property
    def lines(self) -> list[str]:
        return self.text.split("\n")


PageCheck = Callable[[Page, "Context"], Iterable[Problem]]
SiteCheck = Callable[["Context", list[Page]], Iterable[Problem]]


@dataclass(frozen=True)
class Check:
    name: str  # the group, e.g. "links"
    title: str  # the group's name in the guide (Chinese)
    rules: tuple[Rule, ...]
    page: PageCheck | None = None
    site: SiteCheck | None = None


@dataclass
class Context:
    """The repository as the checks see it. Everything is read on first use."""

    root: Path
    _cache: dict = field(default_factory=dict, repr=False)

    @property
    def docs(self) -> Path:
        return self.root / "docs"

    def _yaml(self, rel: str, default):
        """A data file's content, or `default` when it is missing or not YAML of the type of
        `default` (DATA001 says what is wrong with it): one broken file is one problem, not a traceback."""
        path = self.root / rel
        try:
            data = yamlio.load(path.read_text(encoding="utf-8")) if path.is_file() else default
        except (yaml.YAMLError, UnicodeDecodeError):
            return default
        return data if isinstance(data, type(default)) else default

    @cached_property
    def allowed_tags(self) -> list[str]:
        return [str(t) for t in self._yaml("data/tags.yaml", []) if isinstance(t, (str, int, float))]

    @cached_property
    def topics(self) -> list[dict]:
        """The well-formed sections of the topic map, with their well-formed pages."""
        return [{**section, "pages": [p for p in section["pages"] if isinstance(p, dict) and isinstance(p.get("path"), str)]}
                for section in self._yaml("data/topics.yaml", [])
                if isinstance(section, dict) and isinstance(section.get("pages"), list)]

    @cached_property
    def topic_pages(self) -> set[str]:
        return {page["path"] for section in self.topics for page in section.get("pages", [])}

    @cached_property
    def site_pages(self) -> set[str]:
        """Pages the navigation shows outside the topic map (some generated at build time)."""
        from ..topics import SITE_PAGES

        return {"index.md", *(path for entry in SITE_PAGES for path in entry.values())}

    @cached_property
    def mkdocs_config(self) -> dict:
        from mkdocs.utils.yaml import yaml_load

        with open(self.root / "mkdocs.yml", encoding="utf-8") as handle:
            return yaml_load(handle) or {}

    @cached_property
    def redirect_maps(self) -> dict[str, str]:
        plugins = self.mkdocs_config.get("plugins") or []
        for plugin in [plugins] if isinstance(plugins, dict) else plugins:  # a mapping or a list
            if isinstance(plugin, dict) and "redirects" in plugin:
                return dict((plugin["redirects"] or {}).get("redirect_maps") or {})
        return {}

    @cached_property
    def all_pages(self) -> list[Page]:
        return [read_page(self.root, path) for path in page_files(self.docs)]

    def page_text(self, uri: str) -> str | None:
        """The text of the page at `uri` (relative to docs/), or None if there is no such file."""
        path = self.docs / uri
        return path.read_text(encoding="utf-8") if path.is_file() else None

    def cache(self, key, make):
        if key not in self._cache:
            self._cache[key] = make()
        return self._cache[key]


def page_files(folder: Path) -> list[Path]:
    """Every page under a folder; `docs/assets` (a link to ../assets) is not a page folder."""
    return sorted(p for p in folder.rglob("*.md") if not any(part.is_symlink() for part in _parents(p, folder)))


def _parents(path: Path, top: Path):
    while path != top and path != path.parent:
        yield path
        path = path.parent


def read_page(root: Path, path: Path) -> Page:
    from ..errors import KbError

    rel = path.resolve().relative_to(root.resolve()).as_posix()
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise KbError(rel, "not UTF-8 text (kb import converts GB18030 / Big5 notes)") from None
    except OSError as exc:
        raise KbError(rel, exc.strerror or "cannot read") from None
    return Page(rel, rel.removeprefix("docs/"), text)
