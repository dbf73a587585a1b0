"""The site's search index (search/kb/, sharded), read by docs/javascripts/search-worker.js.

Built from the section documents Material's search plugin produces (so sections and anchors
are the theme's), with additions the browser cannot make cheaply:
  - jieba word segmentation of the Chinese text (`tw`, `xw`), with the glossary's terms added
    to jieba's dictionary so that 位置编码 or 学习率预热 stay one word;
  - the glossary's forms (`g`, `gw`) on the page that explains each term: search synonyms
    across languages, abbreviations and Traditional forms;
  - the glossary's definitions (`d`, `dw`) on the same page: a reader's description in other words;
  - a Traditional -> Simplified map (OpenCC's TSCharacters) for the characters the site uses.
`build_index` makes the section documents; `shard_files` serialises them as the inverted index the
worker loads piece by piece (manifest, shards, vocabulary, page metadata).
Pure functions except `add_jieba_words`, which changes jieba's global dictionary, and the
segmentation memo (`chinese_words`, `load_segments`, `save_segments`).
"""

import functools
import hashlib
import json
import logging
import multiprocessing
import re
import unicodedata
from array import array
from collections import Counter
from html import unescape
from pathlib import Path

import jieba

from kb import atomic
from kb.glossary import Term

CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
TAGS = re.compile(r"<[^>]+>")
SPACES = re.compile(r"\s+")
ZERO_WIDTH = re.compile("[\u200b\u200c\u200d\ufeff]")


def plain_text(html: str) -> str:
    """Material's index text (HTML with zero-width segmentation marks) -> plain text."""
    text = ZERO_WIDTH.sub("", html)
    text = TAGS.sub(" ", text)
    return SPACES.sub(" ", unescape(text)).strip()


# Search-mode words of each Chinese run, memoised: a run is segmented once per build (titles and
# texts repeat across sections and pages), and `load_segments`/`save_segments` keep the memo in
# .cache/ between builds. jieba's dictionary gets the glossary's words only on the first miss, so a
# warm build does not even load jieba's model.
_segments: dict[str, list[str]] = {}
_pending_words: list[str] = []
_added_words: set[str] = set()
_used: set[str] = set()  # runs segmented or looked up since the last save


def _segment(run: str) -> list[str]:
    return [w for w in jieba.cut_for_search(run) if w.strip()]


def _add_words(words) -> None:
    for word in words:
        jieba.add_word(word, freq=2000)


def chinese_words(text: str) -> list[str]:
    """jieba's search-mode words of the Chinese runs of text (longer words and their parts)."""
    words = []
    for run in CJK.findall(text):
        _used.add(run)
        cut = _segments.get(run)
        if cut is None:
            if _pending_words:
                _add_words(_pending_words)
                _pending_words.clear()
            cut = _segments[run] = _segment(run)
        words.extend(cut)
    return words


def missing_runs(texts) -> list[str]:
    """The Chinese runs of texts that the memo cannot answer yet."""
    return sorted({run for text in texts for run in CJK.findall(text) if run not in _segments})


def remember_segments(segments: dict[str, list[str]]) -> None:
    """Put words segmented elsewhere (a SegmentationWorker, same dictionary) into the memo."""
    _segments.update(segments)


# jieba in a second process. Loading its dictionary takes about a second (more without jieba's
# own cache in /tmp); a cold build spends that on the other core while it renders the pages, and
# then sends every run the memo lacks in one message. `mkdocs serve` keeps one worker for the
# session, so an edit never waits for the dictionary.
def _serve_segments(conn, words: list[str]) -> None:
    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    _add_words(words)
    while True:
        runs = conn.recv()
        if runs is None:
            return
        conn.send({run: _segment(run) for run in runs})


# The worker of a build, kept here because `mkdocs serve` imports the hook module anew for every
# rebuild while this module stays loaded: one worker serves the whole session.
SESSION: dict = {"serving": False, "worker": None}


class SegmentationWorker:
    def __init__(self, words: list[str]):
        context = multiprocessing.get_context("spawn")  # no fork of a process with threads (serve)
        self.words = tuple(words)
        self._conn, child = context.Pipe()
        self._process = context.Process(target=_serve_segments, args=(child, list(words)),
                                        name="kb-jieba", daemon=True)
        self._process.start()
        child.close()

    def alive(self) -> bool:
        return self._process.is_alive()

    def segment(self, runs: list[str]) -> dict[str, list[str]]:
        self._conn.send(runs)
        return self._conn.recv()

    def close(self) -> None:
        try:
            self._conn.send(None)
        except OSError:
            pass
        self._process.join(timeout=2)
        if self._process.is_alive():
            self._process.terminate()


def jieba_words(terms: list[Term]) -> list[str]:
    """The Chinese glossary forms jieba must keep as one word."""
    return sorted({run for term in terms for form in term.search_forms()
                   for run in CJK.findall(form) if len(run) > 1})


def add_jieba_words(terms: list[Term]) -> None:
    """Make every Chinese glossary form one word for jieba (build-time only; applied to jieba's
    dictionary just before the first segmentation that the memo cannot answer)."""
    words = [w for w in jieba_words(terms) if w not in _added_words]
    if words:
        _segments.clear()  # memoised with a smaller dictionary
        _pending_words.extend(words)
        _added_words.update(words)


def segments_cache_file(cache_dir: Path, terms: list[Term]) -> Path:
    """The memo's file, named by jieba's version and the glossary's words (its dictionary)."""
    digest = hashlib.sha1("\n".join([jieba.__version__, *jieba_words(terms)]).encode()).hexdigest()[:16]
    return cache_dir / f"segments-{digest}.json"


def load_segments(path: Path) -> None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return
    if isinstance(data, dict):
        # A run's words (jieba's search mode: overlapping) all come from the run: an entry edited or
        # swapped with another run's is left out, and the run is segmented again.
        _segments.update((k, v) for k, v in data.items()
                         if isinstance(v, list) and all(isinstance(w, str) and w in k for w in v)
                         and k not in _segments)


def save_segments(path: Path) -> None:
    """Write the memo's runs used since the last save (atomically); drop other memo files."""
    data = {run: _segments[run] for run in sorted(_used) if run in _segments}
    _used.clear()
    atomic.write_text(path, json.dumps(data, ensure_ascii=False, separators=(",", ":")))
    for old in path.parent.glob("segments-*.json"):
        if old != path:
            old.unlink(missing_ok=True)


def t2s_map(ts_characters: str, used: set[str]) -> dict[str, str]:
    """Traditional -> Simplified for the simplified characters in `used`.

    ts_characters is OpenCC's TSCharacters.txt: "TRAD<TAB>SIMP [SIMP...]" per line.
    """
    mapping = {}
    for line in ts_characters.splitlines():
        if not line or line.startswith("#") or "\t" not in line:
            continue
        trad, simp = line.split("\t", 1)
        simp = simp.split()[0] if simp.split() else ""
        if len(trad) == 1 and len(simp) == 1 and trad != simp and simp in used:
            mapping[trad] = simp
    return mapping


def synonyms_by_page(terms: list[Term]) -> dict[str, list[str]]:
    pages: dict[str, list[str]] = {}
    for term in terms:
        pages.setdefault(term.page, []).extend(term.search_forms())
    return pages


def definitions_by_page(terms: list[Term]) -> dict[str, list[str]]:
    pages: dict[str, list[str]] = {}
    for term in terms:
        pages.setdefault(term.page, []).append(term.definition)
    return pages


def page_location(src_uri: str, use_directory_urls: bool = True) -> str:
    """docs path -> the location Material's index uses for that page."""
    path = src_uri.removesuffix(".md")
    if path == "index" or path.endswith("/index"):
        return path.removesuffix("index")
    return path + "/" if use_directory_urls else path + ".html"


def build_index(material_docs: list[dict], terms: list[Term], ts_characters: str,
                locations: dict[str, str], segment=None) -> dict:
    """The search index: Material's section documents, plain text, words and synonyms.

    locations maps a glossary page (docs path) to its location in Material's index. segment, if
    given, segments a list of Chinese runs elsewhere (SegmentationWorker.segment): every run the
    memo lacks goes to it in one call, before the index is built from the memo.
    """
    synonyms = {locations[page]: forms for page, forms in synonyms_by_page(terms).items()
                if page in locations}
    definitions = {locations[page]: texts for page, texts in definitions_by_page(terms).items()
                   if page in locations}
    plain = [(doc, plain_text(doc.get("title", "")), plain_text(doc.get("text", ""))) for doc in material_docs]
    if segment is not None:
        missing = missing_runs([s for _, title, text in plain for s in (title, text)]
                               + [" ".join(forms) for forms in synonyms.values()]
                               + [" ".join(texts) for texts in definitions.values()])
        if missing:
            remember_segments(segment(missing))
    docs, used, seen_definitions = [], set(), set()
    for doc, title, text in plain:
        entry = {"l": doc["location"], "t": title, "x": text,
                 "tw": " ".join(chinese_words(title)), "xw": " ".join(chinese_words(text))}
        forms = synonyms.get(doc["location"])
        if forms:
            entry["g"] = " | ".join(forms)
            entry["gw"] = " ".join([*chinese_words(" ".join(forms)),
                                    *(run for form in forms for run in CJK.findall(form))])
        if doc["location"] in definitions and doc["location"] not in seen_definitions:
            # the glossary's definitions of the page's terms: a reader's description in other words
            seen_definitions.add(doc["location"])
            entry["d"] = " ".join(definitions[doc["location"]])
            entry["dw"] = " ".join(chinese_words(entry["d"]))
        if doc.get("boost") not in (None, 1, 1.0):
            entry["b"] = doc["boost"]
        used.update(title, text)
        docs.append(entry)
    for forms in synonyms.values():
        used.update("".join(forms))
    return {"docs": docs, "t2s": t2s_map(ts_characters, used)}


# --- The sharded index (issue #24) ------------------------------------------------------------
# build_index's documents (one per section) become an inverted index serialised at build time and
# cut into shards, so the browser fetches a small manifest and then only the shards its query terms
# fall in (terms in code-point order, each shard a contiguous range: Pagefind's scheme), plus the
# metadata of the pages it shows. Every file is a script calling self.kbData(name, data), so a worker
# loads it with importScripts() over http(s) and from file:// (iframe-worker's shim) alike.
# The worker's tokeniser (docs/javascripts/search-worker.js: latinTokens, bigrams, stem) must cut
# text exactly as `field_terms` does: a unit test checks the two agree.

SHARD_FORMAT = 2
FIELD_BOOST = {"t": 3.0, "tw": 3.0, "g": 4.0, "gw": 4.0, "x": 1.0, "xw": 1.0, "d": 1.0, "dw": 1.0}
BM25_K1, BM25_B = 1.2, 0.75
WEIGHT_SCALE = 8  # weights are stored as integers: round(weight * WEIGHT_SCALE)
MAX_POSTINGS = 4000  # a term in more sections keeps its best ones and is marked common ('c')
SHARD_BYTES = 24_000  # raw JSON per shard; gzip brings it to roughly a third
META_TEXT = 600  # characters of a section's text kept for teasers (the first query at 10,000 pages fetches 10 pages' metadata)
LATIN = re.compile(r"[a-z0-9]+")


def normalize(text: str) -> str:
    """The worker's normalisation of indexed text: NFKC, lower case."""
    return unicodedata.normalize("NFKC", text).lower()


def stem(word: str) -> str:
    """Plurals only; the worker's `stem`."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def bigrams(run: str) -> list[str]:
    return [run] if len(run) < 2 else [run[i:i + 2] for i in range(len(run) - 1)]


def field_terms(field: str, value: str) -> list[str]:
    """The terms of one field of a section: jieba words as given (`*w` fields), otherwise English
    words (stemmed) and CJK bigrams."""
    if field.endswith("w"):
        return [w for w in value.split(" ") if w]
    text = normalize(value)
    return [stem(w) for w in LATIN.findall(text)] + [g for run in CJK.findall(text) for g in bigrams(run)]


def field_length(field: str, value: str) -> int:
    """len(field_terms(field, value)), without making the terms (the first pass of _postings)."""
    if field.endswith("w"):
        return len(value.split())
    text = normalize(value)
    return len(LATIN.findall(text)) + sum(max(1, len(run) - 1) for run in CJK.findall(text))


def _postings(docs: list[dict]) -> tuple[dict[str, tuple[array, array]], set[str]]:
    """term -> (section numbers, BM25F weights) in section order (field boosts, lengths normalised
    per field), and the terms that are words (of a `*w` field). Two passes over the text (lengths,
    then weights) and postings in typed arrays: at 10,000 pages, per-section dictionaries of every
    term would not fit in memory."""
    lengths = {f: 0 for f in FIELD_BOOST}
    present = {f: 0 for f in FIELD_BOOST}  # sections that have the field: most have no synonyms
    for doc in docs:
        for field in FIELD_BOOST:
            n = field_length(field, doc.get(field, ""))
            lengths[field] += n
            present[field] += bool(n)
    average = {f: max(1.0, lengths[f] / max(1, present[f])) for f in FIELD_BOOST}
    postings: dict[str, tuple[array, array]] = {}
    words: set[str] = set()
    for number, doc in enumerate(docs):
        boost = float(doc.get("b", 1) or 1)
        weights: dict[str, float] = {}
        for field, field_boost in FIELD_BOOST.items():
            terms = field_terms(field, doc.get(field, ""))
            if not terms:
                continue
            if field.endswith("w"):
                words.update(terms)
            norm = BM25_K1 * (1 - BM25_B + BM25_B * len(terms) / average[field])
            scale = boost * field_boost * (BM25_K1 + 1)
            for term, n in Counter(terms).items():
                weights[term] = weights.get(term, 0.0) + scale * n / (n + norm)
        for term, weight in weights.items():
            row = postings.get(term)
            if row is None:
                row = postings[term] = (array("i"), array("f"))
            row[0].append(number)
            row[1].append(weight)
    return postings, words


# Postings travel as one string per term, not as JSON arrays of numbers: a shard holds many terms
# and a query uses few of them, and parsing a string costs the browser next to nothing, so only the
# terms a query uses are decoded (the worker's `decodePostings`). Each number is written in base 32,
# most significant digit first, with digits from DIGITS: a continuing digit from its second half, the
# last digit from its first half (a variable-length quantity); a posting is a section-number delta,
# then its weight.
DIGITS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz+/"


@functools.cache
def _number(n: int) -> str:
    out = DIGITS[n & 31]
    n >>= 5
    while n:
        out = DIGITS[32 + (n & 31)] + out
        n >>= 5
    return out


def _encode_postings(row: tuple[array, array], word: bool) -> list:
    """[df, postings(, flags)]: postings are (section-number delta, weight) pairs written as numbers
    (above); flags 1 = common (only the best MAX_POSTINGS sections are kept), 2 = a word (jieba's or
    the glossary's, not only a bigram): the worker cuts queries into words."""
    numbers, weights = row
    items = list(zip(numbers, weights))
    common = len(items) > MAX_POSTINGS
    if common:
        items = sorted(sorted(items, key=lambda kv: -kv[1])[:MAX_POSTINGS])
    out, last = [], 0
    for number, weight in items:
        out.append(_number(number - last))
        out.append(_number(max(1, round(weight * WEIGHT_SCALE))))
        last = number
    flags = common | (2 if word else 0)
    return [len(numbers), "".join(out), flags] if flags else [len(numbers), "".join(out)]


def _script(name: str, data) -> str:
    return f"self.kbData({json.dumps(name)},{json.dumps(data, ensure_ascii=False, separators=(',', ':'))});\n"


def shard_files(index: dict, shard_bytes: int = SHARD_BYTES) -> dict[str, str]:
    """build_index's result -> the sharded index: {path relative to search/: script text}.

      kb/manifest.js   format, section count per page, shard boundaries (first term of each shard),
                       the longest term, the Traditional -> Simplified map, the characters of
                       all other files (a small index is loaded whole once the reader pauses)
      kb/s/N.js        {term: [df, postings (see _encode_postings)(, flags: 1 common, 2 word)]}
      kb/v/C.js        the English terms starting with the letter C (for fuzzy and prefix matching)
      kb/m/N.js        page N's sections: [location, title, text (first META_TEXT characters)]
    """
    docs = index["docs"]
    pages: list[str] = []
    counts: list[int] = []
    meta: list[list] = []
    for doc in docs:
        page = doc["l"].split("#")[0]
        if not pages or pages[-1] != page:
            pages.append(page)
            counts.append(0)
            meta.append([])
        counts[-1] += 1
        meta[-1].append([doc["l"], doc["t"], doc["x"][:META_TEXT]])
    if len(set(pages)) != len(pages):
        raise ValueError("search entries of a page are not contiguous")
    postings, words = _postings(docs)
    files: dict[str, str] = {}
    bounds: list[str] = []
    shard: dict[str, list] = {}
    size = 0

    def flush():
        nonlocal shard, size
        if shard:
            files[f"kb/s/{len(bounds) - 1}.js"] = _script(f"s/{len(bounds) - 1}", shard)
        shard, size = {}, 0

    for term in sorted(postings):
        row = _encode_postings(postings[term], term in words)
        cost = len(term) * 3 + 16 + len(row[1])
        if shard and size + cost > shard_bytes:
            flush()
        if not shard:
            bounds.append(term)
        shard[term] = row
        size += cost
    flush()
    vocab: dict[str, list[str]] = {}
    english = [term for term in postings if term[0].isascii() and term[0].isalpha()]
    for term in sorted(english, key=lambda t: (-len(postings[t][0]), t)):
        vocab.setdefault(term[0], []).append(term)
    for letter, words in vocab.items():
        files[f"kb/v/{letter}.js"] = _script(f"v/{letter}", words)
    for number, sections in enumerate(meta):
        files[f"kb/m/{number}.js"] = _script(f"m/{number}", sections)
    manifest = {"format": SHARD_FORMAT, "sections": counts, "bounds": bounds,
                "maxLen": max((len(t) for t in postings), default=2), "scale": WEIGHT_SCALE,
                "letters": sorted(vocab), "t2s": index.get("t2s", {}),
                "chars": sum(len(text) for text in files.values())}
    files["kb/manifest.js"] = _script("manifest", manifest)
    return files


def write_files(folder: Path, files: dict[str, str]) -> None:
    """Write shard_files' result under folder (search/), replacing an earlier build's kb/."""
    import shutil

    shutil.rmtree(folder / "kb", ignore_errors=True)
    for rel, text in files.items():
        path = folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


KB_DATA = re.compile(r'^self\.kbData\(("[^"]*"),(.*)\);\n?$', re.S)


def read_files(folder: Path) -> dict[str, object]:
    """The sharded index under folder (search/) as {name: data}, as the worker sees it."""
    out = {}
    for path in sorted((folder / "kb").rglob("*.js")):
        match = KB_DATA.match(path.read_text(encoding="utf-8"))
        if match is None:
            raise ValueError(f"{path}: not a kbData script")
        out[json.loads(match.group(1))] = json.loads(match.group(2))
    return out
