"""Nothing lost: every prose sentence of the five raw notes is on the built site.

Sentences are compared on a skeleton (letters, digits and CJK only), after the
reviewed term table is applied, so formatting fixes do not count as losses.
Only the reasoned entries of tests/nothing_lost_allowlist.yaml may be missing.
"""

import re
import unicodedata
from pathlib import Path

import pytest
import yaml

from kb.checks.bibliography import cited_keys, read_store
from kb.decode import decode_note
from kb.frontmatter import split_front_matter
from kb.rules.terms import apply_terms, load_terms
from sitekit import ROOT, article_text

SEEDS = ROOT.parent / "shared" / "seeds"
ALLOWLIST = Path(__file__).with_name("nothing_lost_allowlist.yaml")
# Formulas: the raw notes have the symbols, the pages their LaTeX names.
SYMBOL_NAMES = {"β": "beta", "ϵ": "epsilon", "α": "alpha", "γ": "gamma", "λ": "lambda", "θ": "theta", "×": "times"}


def skeleton(text: str) -> str:
    for char, name in SYMBOL_NAMES.items():  # before NFKC, which folds ϵ into ε
        text = text.replace(char, name)
    text = unicodedata.normalize("NFKC", text)
    return "".join(ch for ch in text.lower() if ch.isalnum())


def prose_pieces(markdown: str) -> list[str]:
    """Split a raw note into the sentences and list items a reader would read."""
    text = re.sub(r"<img\b[^>]*>", " ", markdown)
    text = re.sub(r"!\[[^\]]*\]\([^)]*\)", " ", text)  # figures: tracked as missing-figure markers
    text = re.sub(r"\]\((?:[^()]|\([^)]*\))*\)", "]", text)  # link targets; the link text stays
    text = re.sub(r"https?://\S+", " ", text)
    # Headings are the notes' structure, not prose; topic pages re-organise them.
    text = re.sub(r"^[ \t]*#{1,6}[ \t].*$", "", text, flags=re.M)
    # List markers and task boxes are layout, not words (the site renders them as <ol>/<ul>).
    text = re.sub(r"^[ \t]*(?:[-*+]|\d+[.)])[ \t]+(?:\[[ xX]\][ \t]*)?", "", text, flags=re.M)
    # Chinese sentence ends and line ends; ASCII ?! stay (English titles contain them).
    return [p for p in re.split(r"[。！？；\n]", text) if len(skeleton(p)) >= 2]


def raw_notes() -> list[Path]:
    return sorted(SEEDS.glob("*.txt"))


@pytest.fixture(scope="module")
def site_skeleton(built_site):
    site, _ = built_site
    return skeleton(" ".join(article_text(p.read_text(encoding="utf-8")) for p in site.rglob("index.html")))


@pytest.fixture(scope="module")
def cited_titles() -> list[str]:
    """Skeletons of the titles of every work some page cites.

    A hand-typed reference in a note ("[5] Neil Houlsby et al. Parameter-Efficient
    Transfer Learning for NLP. ICML 2020.") is replaced on the site by a citation,
    whose footnote shows the verified reference: it counts as kept when the work it
    names is cited (its title appears in the typed text).
    """
    entries, _ = read_store(ROOT / "bib", ROOT)
    cited = {key for page in (ROOT / "docs").rglob("*.md") for key, _ in cited_keys(page.read_text(encoding="utf-8"))}
    return [skeleton(e.fields.get("title", "")) for e in entries if e.key in cited and len(skeleton(e.fields.get("title", ""))) >= 12]


def names_a_cited_work(piece: str, cited_titles: list[str]) -> bool:
    """A hand-typed reference: it holds a cited title, or its bold name is part of one (`**Alpaca**. [Repo]`)."""
    whole = skeleton(piece)
    bold = [skeleton(b) for b in re.findall(r"\*\*(.+?)\*\*", piece)]
    return any(title in whole or any(len(b) >= 4 and b in title for b in bold) for title in cited_titles)


def _allowed() -> dict[str, list[str]]:
    entries = yaml.safe_load(ALLOWLIST.read_text(encoding="utf-8")) or []
    for entry in entries:
        assert entry.get("reason"), f"allowlist entry without a reason: {entry}"
    allowed: dict[str, list[str]] = {}
    for entry in entries:
        allowed.setdefault(entry["note"], []).append(skeleton(entry["text"]))
    return allowed


@pytest.mark.skipif(not SEEDS.is_dir(), reason="the raw notes (../shared/seeds) are not beside this clone")
@pytest.mark.parametrize("note", raw_notes(), ids=lambda p: p.name[:3])
def test_every_sentence_of_the_note_is_on_the_site(note, site_skeleton, cited_titles):
    terms = load_terms(ROOT / "data" / "terms.yaml")
    _, body = split_front_matter(decode_note(note.read_bytes()))
    allowed = _allowed().get(note.name[:3], [])
    pieces = prose_pieces(apply_terms(body, terms))
    not_verbatim = [p for p in pieces if skeleton(p) not in site_skeleton]
    allowlisted = [p for p in not_verbatim if skeleton(p) in allowed]
    absent = [p for p in not_verbatim if skeleton(p) not in allowed]
    missing = [p.strip() for p in absent if not names_a_cited_work(p, cited_titles)]
    print(f"{note.name}: {len(pieces)} sentences: {len(pieces) - len(not_verbatim)} on the site verbatim, "
          f"{len(absent) - len(missing)} hand-typed references kept as citations, "
          f"{len(allowlisted)} allowlisted, {len(missing)} missing")
    listing = "\n".join(f"  - {m}" for m in missing)
    assert not missing, (f"{len(missing)} of {len(pieces)} sentences of {note.name} are not on the site "
                         f"(restore them, or add a reasoned entry to {ALLOWLIST.name}):\n{listing}")
