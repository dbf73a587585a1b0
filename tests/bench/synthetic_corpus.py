"""Synthetic search corpora of any size, with a vocabulary that grows as a real one does.

The site has ~20 pages; the search must still work at 1,000 and 10,000. Copies of the same pages
(tests/bench/variants.py rotates sentences) keep the vocabulary fixed, so shards and postings never
grow the way they would with new topics. Here, pages are drawn word by word:
  - word frequencies follow the real site's (its jieba words and English words, Zipf-like), and
  - new words keep appearing, per Heaps' law (V = K * n^beta, beta = 0.6 for the distinct words
    of n pages): new Chinese words are made of characters of the real vocabulary, new English
    words of its letter pairs, and they enter the draw with Zipf weights below the real ones.
Section counts and lengths follow the real site's. The output is what scripts/kb/search_index.py
builds shards from: section documents with t/x (plain text) and tw/xw (the words, known here, so
no jieba run is needed); page k's sections are contiguous.
"""

import bisect
import itertools
import random
import re

CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
HEAPS_BETA = 0.6


def vocabulary(docs: list[dict]) -> tuple[list[tuple[str, int]], list[int], list[int]]:
    """The real corpus' words with counts (most frequent first), its section lengths (words), its
    sections per page."""
    counts: dict[str, int] = {}
    lengths, per_page, last = [], [], None
    for doc in docs:
        words = [w for w in doc.get("xw", "").split(" ") if w]
        words += re.findall(r"[A-Za-z][A-Za-z0-9]+", doc.get("x", ""))
        for w in words:
            counts[w] = counts.get(w, 0) + 1
        lengths.append(max(5, len(words)))
        page = doc["l"].split("#")[0]
        if page != last:
            per_page.append(0)
            last = page
        per_page[-1] += 1
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])), lengths, per_page


def _new_word(rng: random.Random, chars: list[str], pairs: list[str], latin: bool) -> str:
    if latin:
        return "".join(rng.choice(pairs) for _ in range(rng.randint(2, 5))).capitalize()
    return "".join(rng.choice(chars) for _ in range(rng.choice((2, 2, 2, 3, 4))))


def synthetic_docs(real: list[dict], pages: int, seed: int = 1) -> list[dict]:
    """`pages` pages of section documents drawn from the real corpus' statistics (see above)."""
    rng = random.Random(seed)
    words, lengths, per_page = vocabulary(real)
    real_pages = max(1, len(per_page))
    chars = sorted({c for w, _ in words for c in w if CJK.match(c)})
    pairs = sorted({w.lower()[i:i + 2] for w, _ in words if w.isascii() for i in range(0, len(w) - 1, 2)})
    latin_share = sum(c for w, c in words if w.isascii()) / max(1, sum(c for _, c in words))
    target = int(len(words) * (max(pages, real_pages) / real_pages) ** HEAPS_BETA)
    vocab = [w for w, _ in words]
    weights = [float(c) for _, c in words]
    seen = set(vocab)
    tail = weights[-1] if weights else 1.0
    while len(vocab) < target:
        w = _new_word(rng, chars, pairs, rng.random() < latin_share)
        if w not in seen:
            seen.add(w)
            vocab.append(w)
            # Zipf: the r-th word is drawn in proportion to 1/r, continuing below the real words
            weights.append(tail * len(words) / len(vocab))
    cumulative = list(itertools.accumulate(weights))
    total = cumulative[-1]
    # A page draws most of its words from the whole vocabulary and some from its own topic: a
    # slice of the new words, so that rare words concentrate on few pages as real topics do.
    docs = []
    for p in range(pages):
        topic = [vocab[rng.randrange(len(words), len(vocab))] for _ in range(20)] if len(vocab) > len(words) else vocab[:20]
        sections = rng.choice(per_page)
        page = f"synthetic/p{p:05d}/"
        for s in range(sections):
            n = rng.choice(lengths)
            drawn = [topic[rng.randrange(20)] if rng.random() < 0.08
                     else vocab[bisect.bisect(cumulative, rng.random() * total)] for _ in range(n)]
            title_words = [topic[rng.randrange(20)], vocab[bisect.bisect(cumulative, rng.random() * total)]]
            text, prev_latin = [], False
            for w in drawn:
                latin = w.isascii()
                text.append((" " if text and (latin or prev_latin) else "") + w)
                prev_latin = latin
            cjk_words = [w for w in drawn if not w.isascii()]
            title = "".join(title_words)
            docs.append({"l": page if s == 0 else f"{page}#s{s}", "t": title, "x": "".join(text),
                         "tw": " ".join(w for w in title_words if not w.isascii()),
                         "xw": " ".join(cjk_words)})
    return docs
