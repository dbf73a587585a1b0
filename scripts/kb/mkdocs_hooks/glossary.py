"""The glossary in the build: the generated glossary page and hover definitions on every page.

Data: data/glossary.yaml (scripts/kb/glossary.py parses and checks it).
"""

from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files

from kb import glossary
from kb.build_cache import BuildCache, digest, enabled
from kb.errors import KbError
from kb.glossary import annotate, glossary_page, load_glossary
from kb.topics import load_topics

PAGE = "glossary.md"

_terms: list = []
# Annotated HTML by (glossary, annotating code, page HTML) in .cache/glossary/: the matching
# costs about a tenth of a cold build, and an unchanged page needs none of it.
_cache: dict = {}


def glossary_terms(config) -> list:
    """The glossary, loaded once per build (the search hook uses it too)."""
    root = Path(config["config_file_path"]).parent
    try:
        return load_glossary(root / "data" / "glossary.yaml")
    except KbError as exc:
        raise PluginError(f"error: {exc}") from exc


def on_config(config):
    global _terms
    _terms = glossary_terms(config)
    _cache.clear()
    if enabled():
        root = Path(config["config_file_path"]).parent
        _cache.update(store=BuildCache(root / ".cache" / "glossary"), pages=0,
                      inputs=digest((root / "data" / "glossary.yaml").read_bytes(),
                                    Path(glossary.__file__).read_bytes()))
    return config


def on_files(files: Files, config) -> Files:
    missing = sorted({t.page for t in _terms if files.get_file_from_path(t.page) is None})
    if missing:
        raise PluginError(f"error: data/glossary.yaml: page(s) not in docs/: {', '.join(missing)}")
    root = Path(config["config_file_path"]).parent
    titles = {page["path"]: page["title"]
              for section in load_topics(root / "data" / "topics.yaml") for page in section["pages"]}
    files.append(File.generated(config, PAGE, content=glossary_page(_terms, titles, PAGE)))
    if _cache:
        _cache["pages"] = len(files.documentation_pages()) - 1  # all but the glossary page
    return files


def on_page_content(html: str, page, config, files) -> str:
    if page.file.src_uri == PAGE:
        return html
    if not _cache:
        return annotate(html, _terms)
    key = digest(_cache["inputs"], html)
    annotated = _cache["store"].get(key)
    if annotated is None:
        annotated = annotate(html, _terms)
        _cache["store"].put(key, annotated)
    return annotated


def on_post_build(config):
    if _cache:
        _cache["store"].prune(_cache["pages"])
