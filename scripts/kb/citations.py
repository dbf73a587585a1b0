"""Citations: `[@key]` in a page -> a numbered footnote with the GB/T 7714 reference.

Pandoc formats the whole store once (`nocite: @*`) from the .bib files
themselves, straight to HTML, and the result is cached by content hash.
This replaces mkdocs-bibtex, whose pybtex round trip and Markdown parsing
broke references: `90\\%*` lost everything after the `%`, author lists ending
in "and others" leaked `{.nocase}`, URLs showed `\\_`. The pages' syntax is
the same, so the switch touched no page.
"""

import hashlib
import json
import logging
import os
import re
import subprocess
import tempfile
from functools import lru_cache
from html import unescape
from pathlib import Path

from . import atomic
from .errors import KbError

# The head of a .bib entry: @type{key,
ENTRY_HEAD = re.compile(r"^[ \t]*@(?P<type>\w+)[ \t]*[{(][ \t]*(?P<key>[^,\s]+)[ \t]*,", re.M)
# [@key], [@key1; @key2], [see @key, p. 3]: the syntax mkdocs-bibtex reads.
# A key as pandoc reads one: a letter, digit or _, then also internal punctuation (so `smith.2020`
# and `doe:2021/a` are keys). An @ right after a word or dot is an e-mail address, not a citation.
_KEY = r"\w(?:[\w:.#%&+?~/-]*\w)?"
CITED_KEY = re.compile(rf"(?<![\w.@])@({_KEY})")
# A bracketed block with at least one key, not a link's text (`[text](url)`).
CITATION = re.compile(rf"\[[^\[\]]*?(?<![\w.@])@{_KEY}[^\[\]]*\](?![(\[:])")
_CODE_SPAN = re.compile(r"(`+)(?!`).*?(?<!`)\1(?!`)|<code\b[^>]*>.*?</code>", re.I)


def entry_heads(text: str) -> list[tuple[str, str, int]]:
    """(key, type, line) of every entry of a .bib file's text, in order, without parsing fields."""
    return [(m.group("key"), m.group("type").lower(), text.count("\n", 0, m.start()) + 1)
            for m in ENTRY_HEAD.finditer(text) if m.group("type").lower() not in ("comment", "string", "preamble")]


def read_bib(path: Path, rel: str) -> str:
    """A .bib file's text; KbError("rel:line", ...) naming the first byte that is not UTF-8."""
    data = path.read_bytes()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise KbError(f"{rel}:{line}", f"not UTF-8 text (byte 0x{data[exc.start]:02x}): "
                                       "save the file as UTF-8") from exc


# An admonition (`!!! note`), a collapsible block (`???`) or a tab (`===`) of Python-Markdown: its
# body is indented four spaces, which CommonMark alone would read as an indented code block.
_CONTAINER = re.compile(r"^(?P<indent>[ \t]*)(?:!!!|\?\?\?\+?|===)(?=[ \t])", re.M)


@lru_cache(maxsize=1)
def _block_parser():
    """markdown-it's CommonMark parser without its inline pass (code blocks are block structure):
    a third of the time of a whole parse."""
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark").disable(["inline", "text_join"])


@lru_cache(maxsize=4096)  # one build asks twice per page: which pages cite what, then each page's citations
def code_lines(markdown: str) -> frozenset[int]:
    """0-based numbers of the lines in fenced or indented code blocks, nested in lists too
    (markdown-it's CommonMark reading: a line it calls code is left alone). The opener of an
    admonition, collapsible block or tab is read as a list item, whose body is indented the same
    way, so the prose in a box (a correction, a note) is prose and code in a box is still code."""
    markdown = _CONTAINER.sub(lambda m: m.group("indent") + "-  ", markdown)
    lines: set[int] = set()
    for token in _block_parser().parse(markdown):
        if token.type in ("fence", "code_block") and token.map:
            lines.update(range(*token.map))
    return frozenset(lines)


def prose_pieces(line: str) -> list[tuple[bool, str]]:
    """A line cut into (is_prose, text): inline code and <code> elements are not prose."""
    pieces, last = [], 0
    for m in _CODE_SPAN.finditer(line):
        pieces += [(True, line[last:m.start()]), (False, m.group(0))]
        last = m.end()
    return pieces + [(True, line[last:])]


def cited_keys(markdown: str) -> list[tuple[str, int]]:
    """Every cited key of a page with its line, outside code (blocks, spans and <code>)."""
    found = []
    code = code_lines(markdown) if "`" in markdown or "~~~" in markdown or "    " in markdown else set()
    for index, line in enumerate(markdown.split("\n")):
        if index in code or "@" not in line:
            continue
        for prose, text in prose_pieces(line):
            if prose:
                for block in CITATION.finditer(text):
                    found.extend((key, index + 1) for key in CITED_KEY.findall(block.group(0)))
    return found


ENTRY_HTML = re.compile(
    r'<div id="ref-(?P<key>[^"]+)" class="csl-entry"[^>]*>\s*'
    r'(?:<div class="csl-left-margin">.*?</div>\s*<div class="csl-right-inline">(?P<body>.*?)</div>|(?P<plain>.*?))\s*</div>',
    re.S,
)


log = logging.getLogger("mkdocs.kb.citations")


class CitationError(RuntimeError):
    pass


def pandoc_path() -> str:
    import pypandoc

    return pypandoc.get_pandoc_path()


def format_store(bib_files: list[Path], csl: Path, cache_dir: Path | None = None) -> dict[str, str]:
    """Every entry of the store as an HTML fragment, keyed by citation key."""
    return start_format_store(bib_files, csl, cache_dir)()


def start_format_store(bib_files: list[Path], csl: Path, cache_dir: Path | None = None):
    """Start formatting the store and return a function that waits for the result (format_store's).

    Pandoc runs in its own process for about half a second: a build starts it first (on_config)
    and asks for the result once the files and navigation are gathered (on_nav), before any page
    is read, so that a .bib it cannot read is the build's error and no page's.
    """
    csl_data = csl.read_bytes()
    digest = hashlib.sha256(csl_data)
    for bib in bib_files:
        digest.update(bib.name.encode() + b"\0" + bib.read_bytes())
    key = digest.hexdigest()
    cached = cache_dir / f"references-{key[:16]}.json" if cache_dir else None
    stored = read_cache_entry(cached, key) if cached else None
    if stored is not None:
        return lambda: stored
    # Pandoc reads the style from a private copy: .cache/ deleted while it starts costs nothing.
    handle, private_csl = tempfile.mkstemp(prefix="kb-style-", suffix=".csl")
    with os.fdopen(handle, "wb") as out:
        out.write(csl_data)
    args = [pandoc_path(), "--citeproc", "--csl", private_csl, "-f", "markdown", "-t", "html", "--wrap=none"]
    for bib in bib_files:
        args += ["--bibliography", str(bib)]
    pandoc = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True, encoding="utf-8")
    pandoc.stdin.write("---\nnocite: '@*'\n---\n")
    pandoc.stdin.close()
    pandoc.stdin = None  # written: communicate() below only reads
    done: list[dict[str, str]] = []

    def result() -> dict[str, str]:
        if done:
            return done[0]
        try:
            stdout, stderr = pandoc.communicate()
        finally:
            Path(private_csl).unlink(missing_ok=True)
        if pandoc.returncode != 0:
            raise CitationError(pandoc_error(stderr, bib_files))
        references = {}
        for m in ENTRY_HTML.finditer(stdout):
            body = (m.group("body") or m.group("plain") or "").strip()
            references[unescape(m.group("key"))] = re.sub(r"\s+", " ", body)
        if cached:
            write_cache_entry(cached, key, references)
        done.append(references)
        return references

    return result


# --- the cache of the formatted store (.cache/citations/) ----------------------------------
# An entry is {"key": the inputs' digest, "sha256": digest of the references, "references": {...}}.
# Anything else (truncated, edited, `{}`, another key's entry, a wrong shape) is a miss: pandoc
# formats the store again. Nothing read from .cache/ is trusted as it is.


def _references_digest(references: dict) -> str:
    return hashlib.sha256(json.dumps(references, ensure_ascii=False, sort_keys=True).encode()).hexdigest()


def read_cache_entry(path: Path, key: str | None) -> dict[str, str] | None:
    """The references stored at `path` for inputs `key` (None: any key), or None for a miss."""
    try:
        entry = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(entry, dict) or (key is not None and entry.get("key") != key):
        log.debug("citations cache: %s is not the entry of these inputs", path.name)
        return None
    references = entry.get("references")
    if (not isinstance(references, dict) or not references
            or not all(isinstance(k, str) and isinstance(v, str) for k, v in references.items())
            or entry.get("sha256") != _references_digest(references)):
        log.debug("citations cache: %s is damaged", path.name)
        return None
    return references


def write_cache_entry(path: Path, key: str, references: dict[str, str]) -> None:
    """Store the formatted references (atomically: a concurrent build reads the old entry or this one)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        for old in path.parent.glob("references-*.json"):
            if old != path:
                old.unlink(missing_ok=True)
        atomic.write_text(path, json.dumps({"key": key, "sha256": _references_digest(references),
                                            "references": references}, ensure_ascii=False))
    except OSError as exc:  # .cache/ deleted or read-only mid-build: the next build formats again
        log.debug("citations cache: not written (%s)", exc)


_PANDOC_POSITION = re.compile(r"Error reading bibliography file (?P<file>.+?):\s*\(line (?P<line>\d+), column \d+\):\s*(?P<why>.*)", re.S)


def pandoc_error(stderr: str, bib_files: list[Path]) -> str:
    """Pandoc's complaint as one line naming the .bib file and line: `error: bib/x.bib:17: ...`."""
    found = _PANDOC_POSITION.search(stderr)
    if found:
        path = Path(found.group("file").strip())
        shown = next((f"bib/{b.name}" for b in bib_files if b.resolve() == path.resolve()), path.name)
        why = " ".join(found.group("why").split())
        return f"error: {shown}:{found.group('line')}: not valid BibTeX ({why}); kb check names the entry"
    return "error: bib/: pandoc could not format the store: " + " ".join(stderr.split())[:300]


def cite(markdown: str, known: set[str]) -> tuple[str, list[str], list[str]]:
    """Replace citation blocks by footnote references.

    Returns (markdown, keys in order of first citation, unknown keys). Only prose is touched: code
    blocks (fenced, indented, nested in lists), inline code and <code> are left alone, and so is a
    block with a key that is not in bib/ (left as written; the caller warns about the key).
    """
    order: list[str] = []
    unknown: list[str] = []
    lines = markdown.split("\n")
    code = code_lines(markdown) if "`" in markdown or "~~~" in markdown or "    " in markdown else set()

    def replace(block: re.Match) -> str:
        keys = CITED_KEY.findall(block.group(0))
        missing = [key for key in keys if key not in known]
        if missing:
            unknown.extend(missing)
            return block.group(0)
        order.extend(key for key in keys if key not in order)
        return "".join(f"[^{key}]" for key in keys)

    for index, line in enumerate(lines):
        if index in code or "@" not in line:
            continue
        lines[index] = "".join(CITATION.sub(replace, text) if prose else text for prose, text in prose_pieces(line))
    return "\n".join(lines), order, unknown


# A formatted reference is finished HTML. Markdown would still run every inline pattern over it
# (the footnote definitions were four fifths of a page's Markdown and most of its conversion time
# on the 1,000-page corpus): the page's Markdown carries a placeholder word instead, and the
# reference goes in place of it in the page's HTML (insert_references).
PREFIX = "KBREFERENCE"
PLACEHOLDER = re.compile(PREFIX + r"[0-9A-F]{16}")


def placeholder(key: str) -> str:
    """One word, which no Markdown pattern changes, standing for the reference of `key`."""
    return PREFIX + hashlib.sha256(key.encode("utf-8")).hexdigest()[:16].upper()


def footnotes(keys: list[str]) -> str:
    """The footnote definitions of `keys`, each a placeholder for its reference."""
    return "\n".join(f"[^{key}]: {placeholder(key)}" for key in keys)


# A URL pandoc left as text (in a note field: "code at https://..."), not inside a tag or a link.
BARE_URL = re.compile(r'(?<![="/>\w])https?://[^\s<>"]+?(?=[.,;:!?)）]*(?:[\s<]|$))')


def link_bare_urls(reference: str) -> str:
    """A formatted reference with its bare URLs linked, as pymdownx.magiclink links them in a page."""
    if "http" not in reference:
        return reference
    return BARE_URL.sub(lambda m: f'<a href="{m.group(0)}">{m.group(0)}</a>', reference)


def insert_references(html: str, placeholders: dict[str, str], references: dict[str, str],
                      attributes=lambda key: "") -> str:
    """`html` with each placeholder of `placeholders` (placeholder -> key) replaced by its key's
    reference in a <span class="reference"> with `attributes(key)` (an id on the references page)."""
    if PREFIX not in html:
        return html

    def replace(match: re.Match) -> str:
        key = placeholders.get(match.group(0))
        if key is None:
            return match.group(0)
        text = link_bare_urls(references[key]) if key in references else f"（{key}：格式化失败）"
        return f'<span class="reference"{attributes(key)}>{text}</span>'

    return PLACEHOLDER.sub(replace, html)


# A reading list shows each work in full where the reader looks, not a number pointing at the foot
# of the page. Contributors write the list as usual, inside a `::: bibliography` block:
#
#     ::: bibliography
#
#     - BERT [@devlin2019bert]
#     - [@liu2019roberta]
#
#     :::
#
# Each item becomes "**BERT**：<the formatted reference>" (through the same placeholder as a footnote).
READING_LIST = re.compile(r"^(?P<indent>[ \t]*)::: *bibliography *\n(?P<body>.*?)^(?P=indent)::: *$", re.M | re.S)
READING_ITEM = re.compile(r"^(?P<indent>[ \t]*)(?P<marker>[-*+]|\d+[.)]) +(?P<label>[^\n@\[]*?)[\s:：]*\[@(?P<key>[^\]\s;,]+)\] *$")


def expand_reading_lists(markdown: str, known: set[str]) -> str:
    """Each `::: bibliography` block as a list of full references.

    An item with an unknown key, or one that is not "label [@key]", is left as written (`cite` then
    reports an unknown key like any other)."""
    if "bibliography" not in markdown:
        return markdown

    def item(line: str) -> str:
        m = READING_ITEM.match(line)
        if not m:
            return line
        key = m.group("key")
        if key not in known:
            return line
        label = m.group("label").strip()
        return f"{m.group('indent')}{m.group('marker')} " + (f"**{label}**：" if label else "") + placeholder(key)

    def block(match: re.Match) -> str:
        return "\n".join(item(line) for line in match.group("body").strip("\n").split("\n")) + "\n"

    return READING_LIST.sub(block, markdown)
