"""Reading lists: a `::: bibliography` block shows each work in full where the reader looks."""

import re

from kb.citations import expand_reading_lists, placeholder

KNOWN = {"devlin2019bert", "liu2019roberta"}


def test_each_item_becomes_its_label_and_the_full_reference():
    page = "前文\n\n::: bibliography\n\n- BERT [@devlin2019bert]\n- [@liu2019roberta]\n\n:::\n\n后文\n"
    out = expand_reading_lists(page, KNOWN)
    assert f"- **BERT**：{placeholder('devlin2019bert')}" in out
    assert f"- {placeholder('liu2019roberta')}" in out
    assert "@" not in out and ":::" not in out  # no footnote number is left to render
    assert out.startswith("前文\n\n") and out.endswith("后文\n")


def test_a_label_keeps_its_words_but_not_the_colon_before_the_citation():
    out = expand_reading_lists("::: bibliography\n- GPT-NeoX-20B: [@devlin2019bert]\n:::\n", KNOWN)
    assert f"**GPT-NeoX-20B**：{placeholder('devlin2019bert')}" in out


def test_unknown_keys_and_other_lines_are_left_as_written_for_cite_to_report():
    page = "::: bibliography\n- X [@nobody2020]\n- 一句说明，不是文献\n:::\n"
    out = expand_reading_lists(page, KNOWN)
    assert "- X [@nobody2020]" in out and "- 一句说明，不是文献" in out


def test_citations_outside_a_block_are_untouched():
    page = "BERT 是编码器 [@devlin2019bert]。\n"
    assert expand_reading_lists(page, KNOWN) == page


def test_the_built_reading_list_shows_titles_not_bare_numbers(built_site):
    site, _ = built_site
    html = (site / "guide" / "reading-list" / "index.html").read_text(encoding="utf-8")
    article = html[html.index("<article"):html.index("</article>")]
    body = article.split('class="footnote"')[0]
    assert "Pre-training of Deep Bidirectional Transformers" in body  # BERT's title, in the list itself
    assert "<strong>BERT</strong>" in body
    # no item of a reading list is a label followed only by a footnote number
    assert not re.search(r'<li>[^<]{0,40}<sup id="fnref', body)
