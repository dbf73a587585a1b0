"""Synthetic corpora for the benchmark, made from the real pages.

Each synthetic page takes the front matter of one real page, an introduction and
three to six `## ` sections drawn from different real pages (whole sections, so
lists, admonitions, math and code blocks stay intact), in a shuffled order, with
varied headings and sentence order, and a sentence of its own: every page is
distinct. Relative links and images are re-pointed from the page's new folder
to the same target, or dropped (the text stays) when the target would not exist.
Citations keep their keys, which are all in the store. Pure functions: text in, text out.
"""

import posixpath
import random
import re
from dataclasses import dataclass

import yaml

FRONT_MATTER = re.compile(r"\A---\n(?P<yaml>.*?)\n---\n", re.S)
# Inline links and images with a relative target: [text](target) / ![alt](target "title")
LINK = re.compile(r"(?P<bang>!?)\[(?P<text>[^\[\]]*)\]\((?P<target>[^()\s]+)(?P<title>\s+\"[^\"]*\")?\)")
HTML_REF = re.compile(r"(?P<attr>\b(?:src|href))=\"(?P<target>[^\"]+)\"")
EXTERNAL = re.compile(r"^(?:[a-z][a-z0-9+.-]*:|#|/)", re.I)
SENTENCE_END = re.compile(r"(?<=[。！？])")
FOLDER = "corpus"  # synthetic pages go to docs/corpus/gNN/
GROUP_SIZE = 100


@dataclass
class Section:
    heading: str  # without the leading "## "
    body: str
    source: str  # docs path of the page it comes from


@dataclass
class Page:
    path: str  # docs path, e.g. "foundations/emergence.md"
    meta: dict
    title: str
    intro: str
    sections: list[Section]


def parse_page(path: str, text: str) -> Page:
    """Split a page into front matter, H1 title, introduction and its `## ` sections."""
    meta: dict = {}
    m = FRONT_MATTER.match(text)
    if m:
        meta = yaml.safe_load(m.group("yaml")) or {}
        text = text[m.end():]
    title = meta.get("title") or posixpath.splitext(posixpath.basename(path))[0]
    chunks = _split_outside_fences(text)
    intro_lines, h1 = [], None
    for line in chunks[0].split("\n"):
        if h1 is None and line.startswith("# "):
            h1 = line[2:].strip()
            continue
        intro_lines.append(line)
    title = meta.get("title") or h1 or title
    sections = []
    for chunk in chunks[1:]:
        heading, _, body = chunk.partition("\n")
        sections.append(Section(heading[3:].strip(), body.strip("\n"), path))
    return Page(path, meta, title, "\n".join(intro_lines).strip("\n"), sections)


def _split_outside_fences(text: str) -> list[str]:
    """Split before every `## ` line that is not inside a fenced block."""
    chunks, current, fence = [], [], None
    for line in text.split("\n"):
        stripped = line.lstrip()
        if fence is None and stripped.startswith(("```", "~~~")):
            fence = stripped[:3]
        elif fence is not None and stripped.startswith(fence):
            fence = None
        if fence is None and line.startswith("## "):
            chunks.append("\n".join(current))
            current = []
        current.append(line)
    chunks.append("\n".join(current))
    return chunks


def relink(markdown: str, source: str, target: str, exists) -> str:
    """Re-point relative links and images of `source`'s text for a page at `target`.

    `exists(docs_path)` says whether a file will exist in the corpus; links to
    anything else are dropped (their text stays), images to anything else too.
    """
    src_dir, dst_dir = posixpath.dirname(source), posixpath.dirname(target)

    def resolve(ref: str) -> str | None:
        path, sep, anchor = ref.partition("#")
        if not path:
            return ref  # an anchor on the same page: its section may have moved, harmless
        full = posixpath.normpath(posixpath.join(src_dir, path))
        if full.startswith("..") or not exists(full):
            return None
        return posixpath.relpath(full, dst_dir or ".") + sep + anchor

    def link(m: re.Match) -> str:
        ref = m.group("target")
        if EXTERNAL.match(ref) and not ref.startswith("#"):
            return m.group(0)
        new = resolve(ref)
        if new is None:
            return "" if m.group("bang") else m.group("text")
        return f"{m.group('bang')}[{m.group('text')}]({new}{m.group('title') or ''})"

    def html(m: re.Match) -> str:
        ref = m.group("target")
        if EXTERNAL.match(ref):
            return m.group(0)
        new = resolve(ref)
        return f'{m.group("attr")}="{new if new is not None else "#"}"'

    return HTML_REF.sub(html, LINK.sub(link, markdown))


def _vary_sentences(body: str, rng: random.Random) -> str:
    """Rotate the sentences of plain paragraphs (no markup at line start), so text differs."""
    out = []
    for para in body.split("\n\n"):
        plain = "\n" not in para and para and not re.match(r"\s|[-*+>#!|$<`{\[]|\d+\.", para)
        sentences = [s for s in SENTENCE_END.split(para) if s] if plain else []
        if len(sentences) > 1:
            k = rng.randrange(1, len(sentences))
            para = "".join(sentences[k:] + sentences[:k])
        out.append(para)
    return "\n\n".join(out)


def synthetic_path(i: int, base: Page) -> str:
    stem = posixpath.splitext(posixpath.basename(base.path))[0]
    if stem == "index":
        stem = posixpath.basename(posixpath.dirname(base.path)) or "home"
    return f"{FOLDER}/g{i // GROUP_SIZE:02d}/{stem}-{i:05d}.md"


def make_corpus(pages: list[Page], count: int, existing: set[str], seed: int = 7) -> dict[str, str]:
    """`count` distinct synthetic pages, {docs path: Markdown}, drawn from `pages`.

    `existing` holds the docs paths that exist besides the synthetic pages (the
    real pages, assets, generated pages); links may point there or to other
    synthetic pages, which link to each other in a chain so none is an orphan.
    """
    rng = random.Random(seed)
    bases = [p for p in pages if p.sections]
    pool = [s for p in bases for s in p.sections]
    if not pool:
        raise ValueError("no page has a `## ` section to recombine")
    chosen = [rng.choice(bases) for _ in range(count)]
    paths = [synthetic_path(i, base) for i, base in enumerate(chosen)]
    everything = set(existing) | set(paths)
    out = {}
    for i, (path, base) in enumerate(zip(paths, chosen)):
        sections = [base.sections[0]] + rng.sample(pool, k=min(len(pool), rng.randint(2, 5)))
        rng.shuffle(sections)
        title = f"{base.title}（合成 {i + 1}）"
        meta = {"title": title}
        if base.meta.get("tags"):
            meta["tags"] = list(base.meta["tags"])
        meta["description"] = f"基准测试用的合成页面 {i + 1}，由“{base.title}”等页面的小节重组而成。"
        parts = [f"# {title}", "",
                 f"本页是第 {i + 1} 个合成页面（编号 {rng.randrange(10**6):06d}），仅用于构建性能测试。",
                 ""]
        if base.intro:
            parts += [_vary_sentences(relink(base.intro, base.path, path, everything.__contains__), rng), ""]
        neighbours = {(i + 1) % count, (i + rng.randrange(2, max(3, count))) % count} - {i}
        links = "、".join(f"[合成页面 {n + 1}]({posixpath.relpath(paths[n], posixpath.dirname(path))})"
                         for n in sorted(neighbours))
        if links:
            parts += [f"另见{links}。", ""]
        for j, section in enumerate(sections):
            heading = section.heading if rng.random() < 0.5 else f"{section.heading}（{j + 1}）"
            body = relink(section.body, section.source, path, everything.__contains__)
            parts += [f"## {heading}", "", _vary_sentences(body, rng), ""]
        front = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False)
        out[path] = f"---\n{front}---\n\n" + "\n".join(parts).rstrip("\n") + "\n"
    return out
