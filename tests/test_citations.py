"""Citations: the derived GB/T 7714 style, [@key] -> footnotes, and the checks of the store."""

import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from selectolax.lexbor import LexborHTMLParser

from kb.checks.bibliography import check_citations, check_store, read_store
from kb.citations import cite, footnotes, format_store, insert_references, link_bare_urls, placeholder
from kb.csl import derive_style, official_style
from sitekit import ROOT, copy_repository

TWO_LAYOUTS = """<?xml version="1.0" encoding="utf-8"?>
<style xmlns="http://purl.org/net/xbiblio/csl" version="1.0" class="in-text" default-locale="zh-CN">
  <info><title>t</title><id>t</id><updated>2020-01-01T00:00:00+00:00</updated></info>
  <citation><layout><text variable="citation-number"/></layout></citation>
  <bibliography>
    <layout suffix="." locale="en"><text variable="title"/></layout>
    <layout suffix="."><text variable="title" prefix="ZH "/></layout>
  </bibliography>
</style>"""


def test_derived_style_keeps_one_layout_per_element():
    derived = derive_style(TWO_LAYOUTS, "zh-CN")
    assert derived.count("<layout") == 2  # one in <citation>, one in <bibliography>
    assert 'prefix="ZH "' in derived and 'locale="en"' not in derived


def test_derived_style_can_choose_the_english_layout_and_override_terms():
    derived = derive_style(TWO_LAYOUTS, "en-US", {"et-al": "et al."})
    assert 'prefix="ZH "' not in derived
    assert '<term name="et-al">et al.</term>' in derived


def test_official_style_derived_is_accepted_by_pandoc(tmp_path):
    csl = tmp_path / "gbt.csl"
    csl.write_text(derive_style(official_style().read_text(encoding="utf-8"), "zh-CN", {"et-al": "et al."}))
    bib = tmp_path / "a.bib"
    bib.write_text(textwrap.dedent("""\
        @article{kaplan2020scaling,
          author = {Kaplan, Jared and McCandlish, Sam and Henighan, Tom and Brown, Tom B. and others},
          title = {Scaling Laws for Neural Language Models},
          journal = {arXiv preprint arXiv:2001.08361},
          year = {2020}
        }
        @misc{chiang2023vicuna,
          author = {Chiang, Wei-Lin},
          title = {{Vicuna}: An Open-Source Chatbot Impressing {GPT}-4 with 90\\%* {ChatGPT} Quality},
          year = {2023},
          url = {https://lmsys.org/blog/2023-03-30-vicuna/}
        }
        """))
    refs = {key: re.sub(r"<[^>]+>", "", html) for key, html in format_store([bib], csl).items()}
    # English works: "et al.", titles as written; '%' survives (mkdocs-bibtex cut the title there).
    assert refs["kaplan2020scaling"].startswith("KAPLAN J, MCCANDLISH S, HENIGHAN T, et al. Scaling Laws for Neural Language Models[J]")
    assert "90%* ChatGPT Quality[Z/OL]" in refs["chiang2023vicuna"]


def test_cite_turns_blocks_into_footnote_references_in_order():
    page = "Switch Transformer [@fedus2022switch]，见 [@kaplan2020scaling; @fedus2022switch]。\n`[@code]` 不动"
    out, order, unknown = cite(page, {"fedus2022switch", "kaplan2020scaling"})
    assert out == "Switch Transformer [^fedus2022switch]，见 [^kaplan2020scaling][^fedus2022switch]。\n`[@code]` 不动"
    assert order == ["fedus2022switch", "kaplan2020scaling"]
    assert unknown == []


def test_cite_reports_unknown_keys():
    _, _, unknown = cite("见 [@nosuchkey]。", {"a"})
    assert unknown == ["nosuchkey"]


def test_footnotes_carry_placeholders_that_markdown_leaves_alone_and_the_html_gets_the_reference():
    import markdown

    keys = ["kaplan2020scaling", "chiang2023vicuna"]
    references = {"kaplan2020scaling": "KAPLAN J, et al. Scaling Laws for *Neural* Language Models[J]. 2020.",
                  "chiang2023vicuna": "CHIANG W L, et al. Vicuna: 90%* ChatGPT Quality[Z/OL]. "
                                      "LMSYS blog; code at https://github.com/lm-sys/FastChat, 2023."}
    page = "缩放定律 [^kaplan2020scaling]，Vicuna [^chiang2023vicuna]。\n\n" + footnotes(keys)
    assert footnotes(keys).splitlines() == [f"[^{k}]: {placeholder(k)}" for k in keys]
    html = markdown.markdown(page, extensions=["footnotes", "pymdownx.magiclink"])
    assert all(placeholder(k) in html for k in keys)  # one word: no pattern touched it
    out = insert_references(html, {placeholder(k): k for k in keys}, references)
    assert "KBREFERENCE" not in out
    # The reference as formatted (no <em> from its asterisks), its bare URL linked as magiclink would.
    assert '<span class="reference">KAPLAN J, et al. Scaling Laws for *Neural* Language Models[J]. 2020.</span>' in out
    assert ('code at <a href="https://github.com/lm-sys/FastChat">https://github.com/lm-sys/FastChat</a>, 2023.</span>'
            in out)


def test_insert_references_gives_the_references_page_its_ids_and_leaves_unknown_placeholders():
    html = f"<li>{placeholder('a')} <small>引用页面</small></li><p>{placeholder('b')}</p>"
    out = insert_references(html, {placeholder("a"): "a"}, {"a": "A."}, lambda key: f' id="ref-{key}"')
    assert out == f'<li><span class="reference" id="ref-a">A.</span> <small>引用页面</small></li><p>{placeholder("b")}</p>'


def test_link_bare_urls_leaves_links_and_attributes_alone():
    linked = '<a href="https://a.org/x">https://a.org/x</a>'
    assert link_bare_urls(f"see {linked}.") == f"see {linked}."
    assert link_bare_urls("at https://a.org/x）") == 'at <a href="https://a.org/x">https://a.org/x</a>）'


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


GOOD = """\
@article{a2020one,
  author = {A, B},
  title = {One},
  journal = {J},
  year = {2020},
  eprint = {2001.00001}
}
"""


def problems_of(root: Path, pages=()):
    entries, problems = read_store(root / "bib", root)
    problems += check_store(entries)
    problems += check_citations(list(pages), entries, root)
    return [str(p) for p in problems]


def test_a_clean_store_has_no_problem_but_lists_uncited_entries(tmp_path):
    write(tmp_path / "bib" / "a.bib", GOOD)
    found = problems_of(tmp_path)
    assert found == ["bib/a.bib:1: CITE002 'a2020one' is cited by no page"]


def test_duplicate_key_is_reported_with_both_places(tmp_path):
    write(tmp_path / "bib" / "a.bib", GOOD)
    write(tmp_path / "bib" / "b.bib", "\n" + GOOD.replace("2001.00001", "2001.00002"))
    found = problems_of(tmp_path)
    assert "bib/b.bib:2: BIB002 duplicate key 'a2020one' (first at bib/a.bib:1)" in found


def test_two_entries_with_one_identifier_are_one_work(tmp_path):
    write(tmp_path / "bib" / "a.bib", GOOD + "\n" + GOOD.replace("a2020one", "b2020one"))
    found = problems_of(tmp_path)
    assert any(p.startswith("bib/a.bib:9: BIB003 'b2020one' has the same eprint as 'a2020one'") for p in found)


def test_missing_required_fields_are_named(tmp_path):
    write(tmp_path / "bib" / "a.bib", "@inproceedings{c2021x,\n  title = {X},\n  year = {2021}\n}\n")
    assert "bib/a.bib:1: BIB004 'c2021x' (inproceedings) lacks author, booktitle" in problems_of(tmp_path)


def test_malformed_bibtex_names_its_line(tmp_path):
    write(tmp_path / "bib" / "a.bib", GOOD + "\n@article{broken,\n  title = {No closing brace,\n")
    found = problems_of(tmp_path)
    assert any(p.startswith("bib/a.bib:") and "BIB001" in p for p in found)


def test_a_page_citing_an_unknown_key_names_file_and_line(tmp_path):
    write(tmp_path / "bib" / "a.bib", GOOD)
    page = write(tmp_path / "docs" / "p.md", "# P\n\n正文 [@a2020one]。\n\n又见 [@nosuch2020]。\n")
    found = problems_of(tmp_path, [page])
    assert "docs/p.md:5: CITE001 cites unknown key 'nosuch2020' (not in bib/)" in found
    assert not any("CITE002" in p for p in found)


def test_the_real_store_passes_every_blocking_check():
    entries, problems = read_store(ROOT / "bib", ROOT)
    problems += check_store(entries)
    pages = sorted((ROOT / "docs").rglob("*.md"))
    problems += check_citations([p for p in pages if not p.is_symlink()], entries, ROOT)
    assert [str(p) for p in problems if p.blocking] == []


@pytest.fixture
def site_copy(tmp_path):
    return copy_repository(tmp_path / "repo")


def test_strict_build_fails_on_an_unknown_key(site_copy):
    page = site_copy / "docs" / "foundations" / "scaling-laws.md"
    page.write_text(page.read_text(encoding="utf-8") + "\n另见 [@nosuchkey2099]。\n", encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(site_copy / "site")],
                            cwd=site_copy, capture_output=True, text=True)
    assert result.returncode != 0
    assert "nosuchkey2099" in result.stderr


def test_references_page_lists_the_whole_store_with_backlinks(built_site):
    site, _ = built_site
    html = (site / "references" / "index.html").read_text(encoding="utf-8")
    entries, _ = read_store(ROOT / "bib", ROOT)
    for entry in entries:
        assert f'id="ref-{entry.key}"' in html, entry.key
    assert 'href="../foundations/scaling-laws/"' in html


def test_references_are_inserted_whole_and_carry_no_glossary_term(built_site):
    """Every placeholder is replaced, and a reference is bibliographic data: the glossary marks no
    term inside one (a paper's title is not where a reader learns what "few-shot" means)."""
    site, _ = built_site
    pages = [p for p in site.rglob("index.html") if 'class="reference"' in p.read_text(encoding="utf-8")]
    assert len(pages) >= 10
    for page in pages:
        html = page.read_text(encoding="utf-8")
        assert "KBREFERENCE" not in html, page
        tree = LexborHTMLParser(html)  # references nest spans, and a reading list's stand in list items
        assert tree.css("span.reference"), page
        assert not tree.css("span.reference abbr.kb-term"), page


def test_a_citation_in_an_admonition_is_prose_and_code_in_one_is_code():
    page = ('!!! correction "编者更正"\n\n    原笔记写作“甲”。实际上是乙 [@kaplan2020scaling]。\n\n'
            '    ```python\n    x = "[@kaplan2020scaling]"\n    ```\n')
    text, keys, unknown = cite(page, {"kaplan2020scaling"})
    assert keys == ["kaplan2020scaling"] and not unknown
    assert "乙 [^kaplan2020scaling]。" in text and 'x = "[@kaplan2020scaling]"' in text


def test_no_built_page_shows_a_citation_as_written(built_site):
    site, _ = built_site
    for page in site.rglob("index.html"):
        if page.parent.name == "changes":  # commit subjects are text, never citations
            continue
        article = page.read_text(encoding="utf-8").split("<article", 1)[-1]
        assert not re.search(r"\[@[\w:.-]+\]", re.sub(r"<(pre|code)\b.*?</\1>", "", article, flags=re.S)), page
