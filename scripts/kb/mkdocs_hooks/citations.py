"""Citations on pages and the references page (see kb.citations for why not mkdocs-bibtex).

Config (mkdocs.yml, extra.citation): locale and terms of the derived GB/T 7714 style.
An unknown key is a warning, so `mkdocs build --strict` fails on it.
"""

import logging
from collections import defaultdict
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File, Files

from kb import yamlio
from kb.checks.bibliography import cited_keys, entry_heads, read_bib
from kb.errors import KbError
from kb.citations import CitationError, cite, footnotes, insert_references, placeholder, start_format_store
from kb.csl import write_derived_style

log = logging.getLogger("mkdocs.hooks.citations")
PAGE = "references.md"
state: dict = {}


def on_config(config):
    root = Path(config["config_file_path"]).parent
    settings = config.get("extra", {}).get("citation", {})
    csl = write_derived_style(root / ".cache" / "csl" / "gb-t-7714-2015-numeric.csl",
                              locale=settings.get("locale", "zh-CN"), terms=settings.get("terms"))
    bib_files = sorted((root / "bib").glob("*.bib"))
    state["formatted"] = start_format_store(bib_files, csl, cache_dir=root / ".cache" / "citations")
    state["root"] = root
    return config


def _references() -> dict[str, str]:
    """The formatted store; the first call waits for pandoc, started by on_config."""
    try:
        return state["formatted"]()
    except CitationError as exc:
        raise PluginError(str(exc)) from None


FRONT_MATTER = ("---\ntitle: 参考文献\n"
                "description: 全站引用的论文、书籍、博客与代码库，按主题分组（GB/T 7714-2015 顺序编码制）\n---\n")


def on_files(files: Files, config) -> Files:
    """Add the references page: the whole store by topic, each entry with the pages citing it.

    Its body is written when MkDocs reaches the page (on_page_markdown), so that pandoc, started
    by on_config, runs while the pages before it render."""
    root = state["root"]
    groups = yamlio.load((root / "data" / "bibliography.yaml").read_text(encoding="utf-8"))
    entries = _store_entries(root)
    # key -> {src_uri: title} of the citing pages, in page order: each page is read once,
    # and a dict (not a list scan) keeps this linear in the number of pages.
    citing: dict[str, dict[str, str]] = defaultdict(dict)
    for file in files.documentation_pages():
        text = file.content_string
        keys = cited_keys(text) if "@" in text else []  # whole text: code blocks are told by their context
        if not keys:
            continue
        title = _title(text, file.src_uri)
        for key, _ in keys:
            citing[key].setdefault(file.src_uri, title)
    for key, path in entries:
        if Path(path).stem not in groups:
            raise PluginError(f"{path}: no heading for this file in data/bibliography.yaml")
    state.update(keys={key for key, _ in entries}, page=(groups, entries, citing),
                 placeholders={placeholder(key): key for key, _ in entries})
    files.append(File.generated(config, PAGE, content=FRONT_MATTER + "\n# 参考文献\n"))
    return files


def references_page(groups: dict, entries: list[tuple[str, str]], citing: dict) -> str:
    """Markdown body of the references page (each reference a placeholder, see on_page_content)."""
    by_group: dict[str, list[str]] = defaultdict(list)
    for key, path in entries:
        pages = citing.get(key, {})
        back = "、".join(f"[{title}]({uri})" for uri, title in pages.items()) if pages else "尚无页面引用"
        by_group[Path(path).stem].append(f"1. {placeholder(key)} <small>引用页面：{back}</small>")
    cited = sum(1 for key, _ in entries if citing.get(key))
    out = [
        "# 参考文献\n",
        f"文献库 `bib/` 共 {len(entries)} 条，其中 {cited} 条被页面引用。著录格式遵循 GB/T 7714-2015（顺序编码制），"
        "每条后列出引用它的页面。发现错误请在文献库中修正，并在 `bib/CORRECTIONS.md` 中写明依据。\n",
    ]
    for stem, heading in groups.items():
        if by_group.get(stem):
            out += [f"## {heading}\n", "\n".join(by_group[stem]), ""]
    return "\n".join(out) + "\n"


def _title(markdown: str, fallback: str) -> str:
    return next((line[2:].strip() for line in markdown.split("\n") if line.startswith("# ")), fallback)


def _store_entries(root: Path) -> list[tuple[str, str]]:
    """(key, bib path) of every entry of bib/, in store order (keys only: kb check and pandoc read
    the fields)."""
    try:
        return [(key, bib.relative_to(root).as_posix())
                for bib in sorted((root / "bib").rglob("*.bib"))
                for key, _, _ in entry_heads(read_bib(bib, bib.relative_to(root).as_posix()))]
    except KbError as exc:
        raise PluginError(f"error: {exc}") from exc


def on_page_markdown(markdown: str, page, config, files) -> str:
    if page.file.src_uri == PAGE:
        return references_page(*state["page"])
    markdown, keys, unknown = cite(markdown, state["keys"])
    for key in unknown:
        log.warning(f"Doc file '{page.file.src_uri}' cites unknown key '{key}' (not in bib/)")
    if keys:
        markdown = markdown.rstrip("\n") + "\n\n" + footnotes(keys) + "\n"
    return markdown


# Before the other plugins' on_page_content: the print-site plugin (offline build) keeps each page's
# HTML from that event. (The glossary leaves references alone by their class.)
@event_priority(10)
def on_page_content(html: str, page, config, files) -> str:
    """Each reference in place of its placeholder (kb.citations.footnotes, references_page)."""
    if page.file.src_uri == PAGE:
        return insert_references(html, state["placeholders"], _references(), lambda key: f' id="ref-{key}"')
    return insert_references(html, state["placeholders"], _references())
