"""Checks of the BibTeX store and of the citations in pages (our own, independent of mkdocs-bibtex).

Rules:
  BIB001 malformed BibTeX            BIB002 the same key twice
  BIB003 two entries, one identifier BIB004 a required field is missing
  CITE001 a page cites an unknown key
  CITE002 an entry no page cites (listed, does not fail)
"""

import re
from dataclasses import dataclass, field
from pathlib import Path

import pybtex.database
import pybtex.scanner
from pybtex.exceptions import PybtexError

from .problems import Problem

ENTRY_HEAD = re.compile(r"^[ \t]*@(?P<type>\w+)[ \t]*[{(][ \t]*(?P<key>[^,\s]+)[ \t]*,", re.M)
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
# [@key], [@key1; @key2], [see @key, p. 3]: the syntax mkdocs-bibtex reads.
CITATION = re.compile(r"\[[^\[\]]*?@(?P<keys>[\w:-]+(?:[^\[\]]*?@[\w:-]+)*)[^\[\]]*\]")
CITED_KEY = re.compile(r"@([\w:-]+)")


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
        text = bib.read_text(encoding="utf-8")
        heads = [(m.group("key"), m.group("type").lower(), text.count("\n", 0, m.start()) + 1)
                 for m in ENTRY_HEAD.finditer(text) if m.group("type").lower() not in ("comment", "string", "preamble")]
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


def cited_keys(markdown: str) -> list[tuple[str, int]]:
    """Every cited key of a page with its line, skipping fenced code."""
    found, in_fence = [], False
    for number, line in enumerate(markdown.split("\n"), start=1):
        if line.lstrip().startswith(("```", "~~~")):
            in_fence = not in_fence
            continue
        if in_fence:
            continue
        for block in CITATION.finditer(re.sub(r"`[^`]*`", "", line)):
            found.extend((key, number) for key in CITED_KEY.findall(block.group(0)))
    return found


def check_citations(pages: list[Path], entries: list[Entry], root: Path) -> list[Problem]:
    known = {e.key for e in entries}
    cited: set[str] = set()
    problems: list[Problem] = []
    for page in pages:
        rel = page.relative_to(root).as_posix()
        for key, line in cited_keys(page.read_text(encoding="utf-8")):
            cited.add(key)
            if key not in known:
                problems.append(Problem(rel, line, "CITE001", f"cites unknown key '{key}' (not in bib/)"))
    seen: set[str] = set()
    for entry in entries:
        if entry.key not in cited and entry.key not in seen:
            seen.add(entry.key)
            problems.append(Problem(entry.path, entry.line, "CITE002",
                                    f"'{entry.key}' is cited by no page", blocking=False))
    return problems
