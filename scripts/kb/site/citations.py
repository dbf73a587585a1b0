"""The references page and which pages cite each entry (kb.citations formats the references).

Pure: text in, text out. The plugin adds the page and calls kb.citations on each page.
"""

from collections import defaultdict
from pathlib import Path

from kb.citations import cited_keys, entry_heads, placeholder, read_bib
from kb.frontmatter import FENCE, page_title

PAGE = "references.md"
# Search boost 0.3 (the glossary's is 0.2): a listing that names every paper ranks below the pages
# that explain them (it came third for "Megatorn", above topic pages).
FRONT_MATTER = ("---\ntitle: 参考文献\n"
                "description: 全站引用的论文、书籍、博客与代码库，按主题分组（GB/T 7714-2015 顺序编码制）\n"
                "search:\n  boost: 0.3\n---\n")
STUB = FRONT_MATTER + "\n# 参考文献\n"  # the body is written when the build reaches the page


def store_entries(root: Path) -> list[tuple[str, str]]:
    """(key, bib path) of every entry of bib/, in store order (keys only: kb check and pandoc read
    the fields). A file that is not UTF-8 is a KbError naming it and the line."""
    return [(key, bib.relative_to(root).as_posix())
            for bib in sorted((root / "bib").rglob("*.bib"))
            for key, _, _ in entry_heads(read_bib(bib, bib.relative_to(root).as_posix()))]


def citing_pages(pages) -> dict[str, dict[str, str]]:
    """key -> {src_uri: title} of the pages citing it, in page order, from (src_uri, Markdown) pairs.
    A dict (not a list scan) keeps this linear in the number of pages."""
    citing: dict[str, dict[str, str]] = defaultdict(dict)
    for src_uri, text in pages:
        # The body as MkDocs hands it to on_page_markdown (front matter and the blank lines after it
        # cut): kb.citations.cite then finds its code lines already computed (code_lines' memo).
        fence = FENCE.match(text)
        body = text[fence.end():].lstrip("\n") if fence else text
        keys = cited_keys(body) if "@" in body else []  # whole body: code blocks are told by their context
        if not keys:
            continue
        title = page_title(text, src_uri)
        for key, _ in keys:
            citing[key].setdefault(src_uri, title)
    return citing


def references_page(groups: dict, entries: list[tuple[str, str]], citing: dict) -> str:
    """Markdown body of the references page (each reference a placeholder, filled in the page's HTML)."""
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


