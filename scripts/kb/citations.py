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
import os
import re
import subprocess
import time
from html import unescape
from pathlib import Path

from . import atomic

# The head of a .bib entry: @type{key,
ENTRY_HEAD = re.compile(r"^[ \t]*@(?P<type>\w+)[ \t]*[{(][ \t]*(?P<key>[^,\s]+)[ \t]*,", re.M)
# [@key], [@key1; @key2], [see @key, p. 3]: the syntax mkdocs-bibtex reads.
CITATION = re.compile(r"\[[^\[\]]*?@(?P<keys>[\w:-]+(?:[^\[\]]*?@[\w:-]+)*)[^\[\]]*\]")
CITED_KEY = re.compile(r"@([\w:-]+)")


def entry_heads(text: str) -> list[tuple[str, str, int]]:
    """(key, type, line) of every entry of a .bib file's text, in order, without parsing fields."""
    return [(m.group("key"), m.group("type").lower(), text.count("\n", 0, m.start()) + 1)
            for m in ENTRY_HEAD.finditer(text) if m.group("type").lower() not in ("comment", "string", "preamble")]


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


ENTRY_HTML = re.compile(
    r'<div id="ref-(?P<key>[^"]+)" class="csl-entry"[^>]*>\s*'
    r'(?:<div class="csl-left-margin">.*?</div>\s*<div class="csl-right-inline">(?P<body>.*?)</div>|(?P<plain>.*?))\s*</div>',
    re.S,
)


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

    Pandoc runs in its own process for about half a second: a build starts it first and asks for
    the result when the first page needs a reference, rendering in the meantime.
    """
    digest = hashlib.sha256(csl.read_bytes())
    for bib in bib_files:
        digest.update(bib.name.encode() + b"\0" + bib.read_bytes())
    cached = cache_dir / f"references-{digest.hexdigest()[:16]}.json" if cache_dir else None
    if cached and cached.is_file():
        references = json.loads(cached.read_text(encoding="utf-8"))
        return lambda: references
    args = [pandoc_path(), "--citeproc", "--csl", str(csl), "-f", "markdown", "-t", "html", "--wrap=none"]
    for bib in bib_files:
        args += ["--bibliography", str(bib)]
    pandoc = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True, encoding="utf-8")
    pandoc.stdin.write("---\nnocite: '@*'\n---\n")
    pandoc.stdin.close()
    pandoc.stdin = None  # written: communicate() below only reads
    done: list[dict[str, str]] = []
    owner = os.getpid()

    def result() -> dict[str, str]:
        if done:
            return done[0]
        if os.getpid() != owner:  # a forked process (kb.prerender): pandoc's output is the starter's to read
            return _stored_by_owner(cached)
        stdout, stderr = pandoc.communicate()
        if pandoc.returncode != 0:
            raise CitationError(f"pandoc could not format bib/: {stderr.strip()}")
        references = {}
        for m in ENTRY_HTML.finditer(stdout):
            body = (m.group("body") or m.group("plain") or "").strip()
            references[unescape(m.group("key"))] = re.sub(r"\s+", " ", body)
        if cached:
            for old in cached.parent.glob("references-*.json"):
                old.unlink()
            atomic.write_text(cached, json.dumps(references, ensure_ascii=False))
        done.append(references)
        return references

    return result


def _stored_by_owner(cached: Path | None, timeout: float = 120) -> dict[str, str]:
    """The formatted store, once the process that started pandoc has written it to `cached`."""
    deadline = time.monotonic() + timeout
    while cached is not None and time.monotonic() < deadline:
        try:
            return json.loads(cached.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            time.sleep(0.05)
    raise CitationError("pandoc's output is read by the build process; it stored none")


def cite(markdown: str, known: set[str]) -> tuple[str, list[str], list[str]]:
    """Replace citation blocks by footnote references.

    Returns (markdown, keys in order of first citation, unknown keys).
    Fenced and inline code are left alone.
    """
    order: list[str] = []
    unknown: list[str] = []
    out, in_fence = [], False
    for line in markdown.split("\n"):
        if line.lstrip().startswith(("```", "~~~")):
            in_fence = not in_fence
        if in_fence or "@" not in line:
            out.append(line)
            continue
        parts = re.split(r"(`[^`]*`)", line)
        for i in range(0, len(parts), 2):
            def replace(block: re.Match) -> str:
                keys = CITED_KEY.findall(block.group(0))
                for key in keys:
                    if key not in known:
                        unknown.append(key)
                    elif key not in order:
                        order.append(key)
                return "".join(f"[^{key}]" for key in keys if key in known)
            parts[i] = CITATION.sub(replace, parts[i])
        out.append("".join(parts))
    return "\n".join(out), order, unknown


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
