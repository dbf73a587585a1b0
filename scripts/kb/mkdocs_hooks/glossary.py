"""The glossary in the build: the generated glossary page and hover definitions on every page.

Data: data/glossary.yaml (scripts/kb/glossary.py parses and checks it).
"""

from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files

from kb.errors import KbError
from kb.glossary import annotate, glossary_page, load_glossary
from kb.topics import load_topics

PAGE = "glossary.md"

_terms: list = []


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
    return config


def on_files(files: Files, config) -> Files:
    missing = sorted({t.page for t in _terms if files.get_file_from_path(t.page) is None})
    if missing:
        raise PluginError(f"error: data/glossary.yaml: page(s) not in docs/: {', '.join(missing)}")
    root = Path(config["config_file_path"]).parent
    titles = {page["path"]: page["title"]
              for section in load_topics(root / "data" / "topics.yaml") for page in section["pages"]}
    files.append(File.generated(config, PAGE, content=glossary_page(_terms, titles, PAGE)))
    return files


def on_page_content(html: str, page, config, files) -> str:
    if page.file.src_uri == PAGE:
        return html
    return annotate(html, _terms)
