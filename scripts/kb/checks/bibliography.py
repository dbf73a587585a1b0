"""Checks of the BibTeX store and of the citations in pages (our own, independent of mkdocs-bibtex).

Rules: BIB001-BIB004 on bib/*.bib, CITE001 (a page cites an unknown key),
CITE002 (an entry no page cites: a note, does not fail). Their descriptions
and examples are in RULES below.
"""

import re
from dataclasses import dataclass, field
from pathlib import Path

import pybtex.database
import pybtex.scanner
from pybtex.exceptions import PybtexError

# The build reads citations too: kb.citations owns the syntax and the .bib reading both use.
from ..citations import cited_keys, entry_heads, read_bib
from ..errors import KbError
from ..problems import Problem
from .base import Context, Page, Rule

# Fields every entry needs, and per type the field that says where the work appeared.
REQUIRED = ("title",)
# Web pages and repositories often name no person; papers and books always do.
AUTHORLESS_TYPES = ("misc", "online")
VENUE = {
    "article": ("journal",),
    "inproceedings": ("booktitle",),
    "incollection": ("booktitle",),
    "book": ("publisher",),
    "techreport": ("institution",),
    "phdthesis": ("school",),
    "mastersthesis": ("school",),
    "misc": ("url", "howpublished"),
    "online": ("url",),
}
# Same-work identifiers: two entries sharing one of these are one work listed twice.
IDENTIFIERS = ("eprint", "doi", "url")


@dataclass
class Entry:
    key: str
    type: str
    path: str
    line: int
    fields: dict[str, str] = field(default_factory=dict)


def _normalise_identifier(name: str, value: str) -> str:
    value = value.strip().lower()
    if name == "url":
        value = re.sub(r"^https?://(www\.)?", "", value).rstrip("/")
        value = re.sub(r"\.pdf$", "", value).replace("arxiv.org/pdf/", "arxiv.org/abs/")
    if name == "doi":
        value = re.sub(r"^https?://(dx\.)?doi\.org/", "", value)
    return value


def read_store(bib_dir: Path, root: Path) -> tuple[list[Entry], list[Problem]]:
    entries: list[Entry] = []
    problems: list[Problem] = []
    for bib in sorted(bib_dir.rglob("*.bib")):
        rel = bib.relative_to(root).as_posix()
        try:
            text = read_bib(bib, rel)
        except KbError as exc:
            problems.append(Problem(rel, int(exc.path.rsplit(":", 1)[1]), "BIB001", exc.reason))
            continue
        heads = entry_heads(text)
        try:
            # Parse entry by entry, so one bad entry names its own line and the rest still load.
            data = pybtex.database.parse_string(text, "bibtex", allow_duplicate_fields=False)
            parsed = {key.lower(): entry for key, entry in data.entries.items()}
        except PybtexError as exc:
            line = getattr(exc, "lineno", None) or _duplicate_line(str(exc), heads) or 1
            problems.append(Problem(rel, line, "BIB001" if "repeated" not in str(exc) else "BIB002",
                                    f"cannot parse the file: {exc}"))
            parsed = _parse_each(text, heads)
        for key, kind, line in heads:
            entry = parsed.get(key.lower())
            fields = {k.lower(): str(v) for k, v in entry.fields.items()} if entry is not None else {}
            if entry is not None and entry.persons.get("author"):
                fields["author"] = " and ".join(str(p) for p in entry.persons["author"])
            entries.append(Entry(key, kind, rel, line, fields))
    return entries, problems


def _duplicate_line(message: str, heads) -> int | None:
    found = re.search(r"repeated bibliography entry: (\S+)", message)
    if found:
        lines = [line for key, _, line in heads if key.lower() == found.group(1).lower()]
        return lines[-1] if lines else None
    return None


def _parse_each(text: str, heads) -> dict:
    """Fallback after a file-level error: parse every entry on its own."""
    lines = text.split("\n")
    bounds = [line for _, _, line in heads] + [len(lines) + 1]
    parsed = {}
    for (key, _, line), end in zip(heads, bounds[1:]):
        chunk = "\n".join(lines[line - 1:end - 1])
        try:
            data = pybtex.database.parse_string(chunk, "bibtex")
            parsed.update({k.lower(): v for k, v in data.entries.items()})
        except (PybtexError, pybtex.scanner.PybtexSyntaxError):
            pass
    return parsed


def check_store(entries: list[Entry]) -> list[Problem]:
    problems: list[Problem] = []
    first_by_key: dict[str, Entry] = {}
    first_by_id: dict[tuple[str, str], Entry] = {}
    for entry in entries:
        previous = first_by_key.get(entry.key.lower())
        if previous:
            problems.append(Problem(entry.path, entry.line, "BIB002",
                                    f"duplicate key '{entry.key}' (first at {previous.path}:{previous.line})"))
            continue
        first_by_key[entry.key.lower()] = entry
        if not entry.fields:
            problems.append(Problem(entry.path, entry.line, "BIB001", f"entry '{entry.key}' cannot be parsed"))
            continue
        for name in IDENTIFIERS:
            if entry.fields.get(name):
                ident = (name, _normalise_identifier(name, entry.fields[name]))
                other = first_by_id.setdefault(ident, entry)
                if other is not entry:
                    problems.append(Problem(entry.path, entry.line, "BIB003",
                                            f"'{entry.key}' has the same {name} as '{other.key}' "
                                            f"({other.path}:{other.line}): one work, two entries"))
        missing = [f for f in REQUIRED if not entry.fields.get(f)]
        if entry.type not in AUTHORLESS_TYPES and not (entry.fields.get("author") or entry.fields.get("editor")):
            missing.insert(0, "author")
        if not (entry.fields.get("year") or entry.fields.get("date")) and entry.type != "misc":
            missing.append("year")
        venues = VENUE.get(entry.type)
        if venues and not any(entry.fields.get(v) for v in venues):
            missing.append(" or ".join(venues))
        if missing:
            problems.append(Problem(entry.path, entry.line, "BIB004",
                                    f"'{entry.key}' ({entry.type}) lacks {', '.join(missing)}"))
    return problems


def unknown_keys(path: str, markdown: str, known: set[str]) -> list[Problem]:
    return [Problem(path, line, "CITE001", f"cites unknown key '{key}' (not in bib/)")
            for key, line in cited_keys(markdown) if key not in known]


def uncited(entries: list[Entry], cited: set[str]) -> list[Problem]:
    problems: list[Problem] = []
    seen: set[str] = set()
    for entry in entries:
        if entry.key not in cited and entry.key not in seen:
            seen.add(entry.key)
            problems.append(Problem(entry.path, entry.line, "CITE002",
                                    f"'{entry.key}' is cited by no page", blocking=False))
    return problems


def check_citations(pages: list[Path], entries: list[Entry], root: Path) -> list[Problem]:
    known = {e.key for e in entries}
    cited: set[str] = set()
    problems: list[Problem] = []
    for page in pages:
        text = page.read_text(encoding="utf-8")
        cited.update(key for key, _ in cited_keys(text))
        problems += unknown_keys(page.relative_to(root).as_posix(), text, known)
    return problems + uncited(entries, cited)


RULES = (
    Rule("BIB001", "bib/ 中的 BibTeX 条目能被解析（括号配对、字段用逗号分隔）",
         "@article{vaswani2017attention,\n  title = {Attention Is All You Need\n  year = {2017}\n}",
         "@article{vaswani2017attention,\n  author = {Vaswani, Ashish and others},\n  title = {Attention Is All You Need},\n"
         "  journal = {Advances in Neural Information Processing Systems},\n  year = {2017}\n}", example="bib"),
    Rule("BIB002", "同一个引用键（key）在 bib/ 中只出现一次",
         "@misc{kbexample2024,\n  title = {A},\n  url = {https://example.org/a}\n}\n"
         "@misc{kbexample2024,\n  title = {B},\n  url = {https://example.org/b}\n}",
         "@misc{kbexample2024a,\n  title = {A},\n  url = {https://example.org/a}\n}\n"
         "@misc{kbexample2024b,\n  title = {B},\n  url = {https://example.org/b}\n}", example="bib"),
    Rule("BIB003", "同一篇文献（同一 DOI、arXiv 号或网址）只登记一条",
         "@misc{kbexamplea,\n  title = {A},\n  url = {https://example.org/a}\n}\n"
         "@misc{kbexampleb,\n  title = {A again},\n  url = {https://example.org/a/}\n}",
         "@misc{kbexamplea,\n  title = {A},\n  url = {https://example.org/a}\n}", example="bib"),
    Rule("BIB004", "条目有必需的字段：作者、标题、年份，以及出处（期刊、会议、出版社或网址）",
         "@article{kbexample2020,\n  title = {A Paper},\n  year = {2020}\n}",
         "@article{kbexample2020,\n  author = {Zhang, San},\n  title = {A Paper},\n  journal = {A Journal},\n  year = {2020}\n}",
         example="bib"),
    Rule("CITE001", "页面中引用的 [@key] 在 bib/ 中存在",
         "缩放定律见 [@kaplan2020scalin]。", "缩放定律见 [@kaplan2020scaling]。"),
    Rule("CITE002", "bib/ 中的条目至少被一个页面引用",
         "bib/ 中登记了 kingma2018glow，但没有页面写 [@kingma2018glow]",
         "在介绍 Flow 模型的页面中写 [@kingma2018glow]", blocking=False, example="custom"),
)


def _store(ctx: Context) -> tuple[list[Entry], list[Problem]]:
    return ctx.cache("bib-store", lambda: read_store(ctx.root / "bib", ctx.root))


def check_bib(ctx: Context, pages: list[Page]) -> list[Problem]:
    """The store (BIB001-BIB004) and the entries no page cites (CITE002)."""
    entries, problems = _store(ctx)
    cited = {key for page in ctx.all_pages for key, _ in cited_keys(page.text)}
    return problems + check_store(entries) + uncited(entries, cited)


def check_page_citations(page: Page, ctx: Context) -> list[Problem]:
    known = ctx.cache("bib-keys", lambda: {e.key for e in _store(ctx)[0]})
    return unknown_keys(page.path, page.text, known)
