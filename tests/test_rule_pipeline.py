"""The whole import pipeline on the five seed notes: stable, in normal form, nothing left as code or HTML."""

from pathlib import Path

import pytest
from markdown_it import MarkdownIt
from mdit_py_plugins.admon import admon_plugin

from kb import fmt
from kb.decode import decode_note
from kb.normalize import Context, normalize_note

SEEDS = sorted(Path("/work/shared/seeds").glob("*.txt"))
# CommonMark plus Material's `!!!` admonitions, whose indented body is not code.
MARKDOWN = MarkdownIt("commonmark").use(admon_plugin)


def import_page(text: str, source: Path, terms) -> str:
    ctx = Context(source=source.name, title=None, fallback_title=source.stem,
                  resolve_image=lambda src: None, note_exists=lambda target: False, terms=terms)
    return normalize_note(text, ctx)


@pytest.fixture(scope="module", params=SEEDS, ids=lambda p: p.name[:3])
def seed(request, terms):
    source = request.param
    return source, import_page(decode_note(source.read_bytes()), source, terms)


def test_there_are_five_seeds():
    assert len(SEEDS) == 5


def test_normalising_an_imported_page_again_changes_nothing(seed, terms):
    source, page = seed
    assert import_page(page, source, terms) == page


def test_kb_fmt_accepts_an_imported_page(seed, terms):
    _, page = seed
    assert fmt.formatted(page, terms) == page


def test_an_imported_page_has_no_indented_code_block(seed):
    _, page = seed
    tokens = MARKDOWN.parse(page)
    assert [t.map for t in tokens if t.type == "code_block"] == []


def test_the_code_block_check_does_see_indented_code():
    assert [t.type for t in MARKDOWN.parse("文字\n\n        问题三：\n")][-1] == "code_block"


def test_an_imported_page_has_no_raw_img_tag(seed):
    _, page = seed
    assert "<img" not in page


def test_an_imported_page_has_exactly_one_h1(seed):
    _, page = seed
    tokens = MARKDOWN.parse(page)
    assert [t.tag for t in tokens if t.type == "heading_open"].count("h1") == 1


def test_seed_002_keeps_its_hexo_metadata(terms):
    source = next(p for p in SEEDS if p.name.startswith("002"))
    page = import_page(decode_note(source.read_bytes()), source, terms)
    assert page.startswith(
        "---\ntitle: LLM\ntags:\n- Note\n- AI\n- NLP\n- LLM\nsource: 002_8d07678f107b80cd.txt\n"
        "date: '2024-05-08'\n---\n\n# LLM\n\n## 1 基础理论\n"
    )
