"""Citations on pages and the references page (see kb.citations for why not mkdocs-bibtex).

Config (mkdocs.yml, extra.citation): locale and terms of the derived GB/T 7714 style.
An unknown key is a warning, so `mkdocs build --strict` fails on it.
"""

import logging
from collections import defaultdict
from pathlib import Path

import yaml
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files

from kb.bibcheck import cited_keys, read_store
from kb.citations import CitationError, cite, footnotes, format_store
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
    try:
        state["references"] = format_store(bib_files, csl, cache_dir=root / ".cache" / "citations")
    except CitationError as exc:
        raise PluginError(str(exc)) from None
    state["root"] = root
    return config


def on_files(files: Files, config) -> Files:
    """Add the references page: the whole store by topic, each entry with the pages citing it."""
    root, references = state["root"], state["references"]
    groups = yaml.safe_load((root / "data" / "bibliography.yaml").read_text(encoding="utf-8"))
    entries, _ = read_store(root / "bib", root)
    citing: dict[str, list[File]] = defaultdict(list)
    for file in files.documentation_pages():
        for key, _ in cited_keys(file.content_string):
            if file not in citing[key]:
                citing[key].append(file)
    by_group: dict[str, list[str]] = defaultdict(list)
    for entry in entries:
        stem = Path(entry.path).stem
        if stem not in groups:
            raise PluginError(f"{entry.path}: no heading for this file in data/bibliography.yaml")
        pages = citing.get(entry.key, [])
        back = "、".join(f"[{_title(f)}]({f.src_uri})" for f in pages) if pages else "尚无页面引用"
        text = references.get(entry.key, f"（{entry.key}：格式化失败）")
        by_group[stem].append(f'1. <span class="reference" id="ref-{entry.key}">{text}</span> '
                              f'<small>引用页面：{back}</small>')
    cited = sum(1 for e in entries if citing.get(e.key))
    out = [
        "---\ntitle: 参考文献\ndescription: 全站引用的论文、书籍、博客与代码库，按主题分组（GB/T 7714-2015 顺序编码制）\n---\n",
        "# 参考文献\n",
        f"文献库 `bib/` 共 {len(entries)} 条，其中 {cited} 条被页面引用。著录格式遵循 GB/T 7714-2015（顺序编码制），"
        "每条后列出引用它的页面。发现错误请在文献库中修正，并在 `bib/CORRECTIONS.md` 中写明依据。\n",
    ]
    for stem, heading in groups.items():
        if by_group.get(stem):
            out += [f"## {heading}\n", "\n".join(by_group[stem]), ""]
    files.append(File.generated(config, PAGE, content="\n".join(out) + "\n"))
    return files


def _title(file: File) -> str:
    return next((line[2:].strip() for line in file.content_string.split("\n") if line.startswith("# ")), file.src_uri)


def on_page_markdown(markdown: str, page, config, files) -> str:
    if page.file.src_uri == PAGE:
        return markdown
    references = state["references"]
    markdown, keys, unknown = cite(markdown, set(references))
    for key in unknown:
        log.warning(f"Doc file '{page.file.src_uri}' cites unknown key '{key}' (not in bib/)")
    if keys:
        markdown = markdown.rstrip("\n") + "\n\n" + footnotes(keys, references) + "\n"
    return markdown
