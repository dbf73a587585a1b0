"""The bilingual glossary (data/glossary.yaml): loading, hover definitions, the glossary page.

Pure functions over text; the kb plugin (scripts/kb/site/plugin.py) wires them into the build and
scripts/kb/search_index.py uses `search_forms` for search synonyms.
"""

import re
from dataclasses import dataclass, field
from functools import lru_cache
from html import escape
from pathlib import Path

import ahocorasick
import yaml

from kb import yamlio

from kb.errors import KbError
from kb.topics import markdown_text

FIELDS = {"zh", "en", "variants", "traditional", "definition", "page"}
REQUIRED = ("zh", "en", "definition", "page")


@dataclass(frozen=True)
class Term:
    zh: str
    en: str
    definition: str
    page: str
    variants: tuple[str, ...] = field(default_factory=tuple)
    traditional: tuple[str, ...] = field(default_factory=tuple)

    def forms(self) -> list[str]:
        """What a page may write: the Chinese and English terms and their variants."""
        return _unique([self.zh, self.en, *self.variants])

    def search_forms(self) -> list[str]:
        """What a reader may type: every form, Traditional ones too."""
        return _unique([*self.forms(), *self.traditional])

    def tooltip(self) -> str:
        name = self.zh if self.zh == self.en else f"{self.zh}（{self.en}）"
        return f"{name}：{self.definition}"


def _unique(items) -> list[str]:
    return list(dict.fromkeys(i for i in items if i))


def parse_glossary(text: str, path: str = "data/glossary.yaml") -> list[Term]:
    """Parse and check the glossary; any problem is a KbError naming the entry."""
    try:
        data = yamlio.load(text)
    except yaml.YAMLError as exc:
        raise KbError(path, f"not valid YAML ({exc.__class__.__name__})") from exc
    if not isinstance(data, list) or not data:
        raise KbError(path, "expected a non-empty list of entries")
    terms, seen = [], {}
    for n, entry in enumerate(data, start=1):
        where = f"entry {n}"
        if not isinstance(entry, dict):
            raise KbError(path, f"{where}: expected a mapping")
        unknown = set(entry) - FIELDS
        if unknown:
            raise KbError(path, f"{where}: unknown field(s) {', '.join(sorted(unknown))}")
        for key in REQUIRED:
            if not isinstance(entry.get(key), str) or not entry[key].strip():
                raise KbError(path, f"{where} ({entry.get('zh', '?')}): missing {key}")
        lists = {}
        for key in ("variants", "traditional"):
            value = entry.get(key, [])
            if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
                raise KbError(path, f"{where} ({entry['zh']}): {key} must be a list of strings")
            lists[key] = tuple(v.strip() for v in value)
        if not entry["page"].endswith(".md"):
            raise KbError(path, f"{where} ({entry['zh']}): page must be a .md path under docs/")
        term = Term(zh=entry["zh"].strip(), en=entry["en"].strip(), definition=entry["definition"].strip(),
                    page=entry["page"].strip(), **lists)
        for form in term.search_forms():
            key = form.casefold()
            if key in seen and seen[key] != term.zh:
                raise KbError(path, f"{where} ({term.zh}): '{form}' is already a form of {seen[key]}")
            seen[key] = term.zh
        terms.append(term)
    return terms


def load_glossary(path: Path) -> list[Term]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise KbError(str(path), f"cannot read ({exc.__class__.__name__})") from exc
    return parse_glossary(text, str(path))


# --- hover definitions -------------------------------------------------------------------

# Elements whose text is never annotated: code, links, headings, math, existing abbreviations,
# footnote markers, and the theme's widgets.
SKIP_TAGS = {"a", "abbr", "code", "pre", "kbd", "samp", "script", "style", "svg", "math", "button",
             "textarea", "sup", "h1", "h2", "h3", "h4", "h5", "h6", "summary", "dt"}
# ... and elements with one of these classes: formulas, "source:" lines, admonition titles, references
# (bibliographic data: a paper's title is not where a reader learns what "few-shot" means).
SKIP_CLASSES = {"arithmatex", "katex", "source-note", "admonition-title", "md-nav", "headerlink", "reference"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
TAG = re.compile(r"(<!--.*?-->|<[^>]*>)", re.S)
TAG_NAME = re.compile(r"<\s*(/?)\s*([a-zA-Z][a-zA-Z0-9-]*)")
CLASS_ATTR = re.compile(r"""\bclass\s*=\s*("([^"]*)"|'([^']*)')""")
ASCII_WORD = re.compile(r"[A-Za-z0-9]")


WHITESPACE = re.compile(r"\s+")
ASCII_RUN = re.compile(r"[a-z0-9]+")


def _caseless(text: str) -> bool:
    """True when the case-insensitive matching of text is plain lowercasing: every character is
    ASCII, has no case (CJK, punctuation), or is a Latin-1/Latin Extended-A letter (U+00C0-U+017E)
    other than the dotted/dotless i. Those keep their length in lower(), and re.I equates two of
    them exactly when their lower() is equal (the exceptions, e.g. U+017F or U+212A, are outside)."""
    return all(c.isascii() or ("\u00c0" <= c <= "\u017e" and c not in "\u0130\u0131")
               or (c.lower() == c and c.upper() == c) for c in set(text))


class _Matcher:
    """The glossary's forms, prepared once per glossary (not once per page).

    `pattern_for(html)` returns the alternation restricted to the forms that occur somewhere in
    the page (one Aho-Corasick pass over the lowercased page finds them all, where a substring
    test per form read the page 300 times; then a word test), in the same longest-first order:
    a form that occurs nowhere cannot match, so the matches are those of the full pattern. When
    the page and those forms have no non-ASCII cased letter (CJK, Latin, digits, punctuation), the
    pattern is case-sensitive and runs over the lowercased text (same length, same positions):
    every alternative then starts with a literal, which lets the regex engine skip the positions
    where no form can start instead of trying every alternative at every character.
    """

    def __init__(self, terms: tuple[Term, ...]):
        self.by_form: dict[str, Term] = {}
        for term in terms:
            for form in term.forms():
                self.by_form.setdefault(escape(form, quote=False).casefold(), term)
        # (needle for the substring test or None = always kept, leading word or None,
        #  alternative for re.I, alternative for the lowercased text or None), longest first
        self.forms: list[tuple[str | None, str | None, str, str | None]] = []
        for form in sorted(self.by_form, key=len, reverse=True):
            body = re.escape(form).replace(r"\ ", r"\s+")
            lower = re.escape(form[0]) + re.escape(form[1:]).replace(r"\ ", r"\s+")
            # English forms are whole words; Chinese forms have no word boundaries to respect.
            if ASCII_WORD.match(form[0]):
                body = r"(?<![A-Za-z0-9])" + body
                # the same test, after the first literal: the character before the form's first
                lower = re.escape(form[0]) + r"(?<![a-z0-9][\s\S])" + lower[len(re.escape(form[0])):]
            if ASCII_WORD.match(form[-1]):
                body = body + r"(?![A-Za-z0-9])"
                lower = lower + r"(?![a-z0-9])"
            if _caseless(form) and form.lower() == form:
                # A form that starts with a Latin letter or digit starts a word (the lookbehind),
                # so its leading run of letters/digits is a whole word of the page.
                lead = ASCII_RUN.match(form)
                self.forms.append((WHITESPACE.sub(" ", form), lead.group(0) if lead else None, body, lower))
            else:
                self.forms.append((None, None, body, None))  # always tried, with re.I
        self.needles = ahocorasick.Automaton()
        for n, (needle, *_) in enumerate(self.forms):
            if needle is not None:
                self.needles.add_word(needle, n)
        if len(self.needles):
            self.needles.make_automaton()

    def pattern_for(self, html: str) -> tuple[re.Pattern | None, bool]:
        """(pattern, True if it runs over lowercased text) for one page."""
        if not _caseless(html):  # re.I may fold a non-ASCII letter to a Latin one: try every form
            return _compiled(tuple(body for _, _, body, _ in self.forms), True), False
        text = WHITESPACE.sub(" ", html).lower()
        words = set(ASCII_RUN.findall(text))
        # A form with another cased letter (needle None) matches only such letters: none here.
        found = sorted({n for _, n in self.needles.iter(text)}) if len(self.needles) else []
        kept = tuple(self.forms[n][3] for n in found if self.forms[n][1] is None or self.forms[n][1] in words)
        return (_compiled(kept, False), True) if kept else (None, False)


@lru_cache(maxsize=1024)
def _compiled(bodies: tuple[str, ...], ignore_case: bool) -> re.Pattern:
    return re.compile("|".join(bodies), re.I if ignore_case else 0)


@lru_cache(maxsize=8)
def _matcher(terms: tuple[Term, ...]) -> _Matcher:
    return _Matcher(terms)


def _sub(pattern: re.Pattern, lowercase: bool, replace, text: str) -> str:
    """pattern.sub(replace, text) with replace(matched text); over text.lower() if lowercase."""
    if not lowercase:
        return pattern.sub(lambda m: replace(m.group(0)), text)
    out, pos = [], 0
    for m in pattern.finditer(text.lower()):
        out += [text[pos:m.start()], replace(text[m.start():m.end()])]
        pos = m.end()
    if not out:
        return text
    out.append(text[pos:])
    return "".join(out)


def _tag_effect(tag: str) -> tuple[str, bool] | None:
    """What a tag does to the open elements: ("/name", False) closes the last open <name>,
    ("name", skipped) opens one; None for comments, declarations, void and self-closing tags."""
    m = TAG_NAME.match(tag)
    if not m or tag.startswith("<!"):
        return None
    name = m.group(2).lower()
    if m.group(1) == "/":
        return "/" + name, False
    if name in VOID or tag.rstrip().endswith("/>"):
        return None
    cls = CLASS_ATTR.search(tag) if "class" in tag else None
    classes = (cls.group(2) or cls.group(3) or "").split() if cls else ()
    return name, name in SKIP_TAGS or not SKIP_CLASSES.isdisjoint(classes)


def _annotatable(pieces: list[str]) -> list[int]:
    """Indices of the text pieces of TAG.split(html) (even indices; tags are at odd ones) outside
    SKIP_TAGS / SKIP_CLASSES elements."""
    found = []
    stack: list[tuple[str, bool]] = []  # open elements: (name, skipped)
    skipped = 0  # how many of them are skipped
    effects: dict[str, tuple[str, bool] | None] = {}  # a page repeats most of its tags
    for index in range(0, len(pieces), 2):
        if pieces[index] and not skipped:
            found.append(index)
        if index + 1 == len(pieces):
            break
        tag = pieces[index + 1]
        effect = effects.get(tag, 0)
        if effect == 0:
            effect = effects[tag] = _tag_effect(tag)
        if effect is None:
            continue
        name, skip = effect
        if name[0] == "/":
            name = name[1:]
            for i in range(len(stack) - 1, -1, -1):
                if stack[i][0] == name:
                    skipped -= sum(s for _, s in stack[i:])
                    del stack[i:]
                    break
        else:
            stack.append(effect)
            skipped += skip
    return found


def annotate(html: str, terms: list[Term]) -> str:
    """Wrap the first occurrence of each term on a page in <abbr title="definition">.

    Works on the rendered HTML: text inside SKIP_TAGS / SKIP_CLASSES elements is left alone,
    Chinese terms match anywhere in a sentence, English terms only as whole words. Which forms
    to look for is decided on that text alone (joined by a character no form contains), not on
    the whole page with its tags, attributes and diagrams.
    """
    if not terms:
        return html
    pieces = TAG.split(html)
    annotatable = _annotatable(pieces)
    if not annotatable:
        return html
    matcher = _matcher(tuple(terms))
    (pattern, lowercase), by_form = matcher.pattern_for("\x00".join(pieces[i] for i in annotatable)), matcher.by_form
    if pattern is None:
        return html
    done: set[str] = set()

    def replace(matched: str) -> str:
        key = re.sub(r"\s+", " ", matched).casefold()
        term = by_form.get(key)
        if term is None or term.zh in done:
            return matched
        done.add(term.zh)
        return f'<abbr class="kb-term" title="{escape(term.tooltip())}">{matched}</abbr>'

    for i in annotatable:
        pieces[i] = _sub(pattern, lowercase, replace, pieces[i])
    return "".join(pieces)


# --- the glossary page -------------------------------------------------------------------

def _cell(text: str) -> str:
    """Literal text in a table cell: the data file's text is never markup (markdown_text escapes `|`)."""
    return markdown_text(text)


def glossary_page(terms: list[Term], titles: dict[str, str], page_path: str = "glossary.md") -> str:
    """Markdown of the glossary page: one table per topic page, in topic-map order."""
    out = ["---", "title: 术语表", "search:", "  boost: 0.2", "---", "", "# 术语表（Glossary）", "",
           "本站页面中出现的术语，中英对照，附一句话释义和讲解它的页面。页面正文中每个术语第一次出现时，"
           "把鼠标停在带虚线的词上即可看到释义；站内搜索也认这里的英文名、缩写、别名和繁体写法，"
           "例如搜索“scaling law”“縮放定律”都会找到[缩放定律](foundations/scaling-laws.md)一页。"
           "术语表的数据在 `data/glossary.yaml`。", ""]
    by_page: dict[str, list[Term]] = {}
    for term in terms:
        by_page.setdefault(term.page, []).append(term)
    order = [p for p in titles if p in by_page] + sorted(p for p in by_page if p not in titles)
    up = "../" * page_path.count("/")
    for page in order:
        title = markdown_text(titles.get(page, page))
        out += [f"## {title}", "", f"讲解页面：[{title}]({up}{page})", "",
                "| 中文 | English | 又称 | 释义 |", "| --- | --- | --- | --- |"]
        for term in by_page[page]:
            also = "、".join([*term.variants, *term.traditional])
            out.append(f"| {_cell(term.zh)} | {_cell(term.en)} | {_cell(also)} | {_cell(term.definition)} |")
        out.append("")
    return "\n".join(out)
