"""The bilingual glossary: data checks, hover definitions in Chinese and English text (never in
code, links, headings, math or source lines), and the generated glossary page."""

import re
from pathlib import Path

import pytest

from kb.errors import KbError
from kb.glossary import Term, annotate, glossary_page, load_glossary, parse_glossary
from sitekit import ROOT, article_text, page_url, topic_pages

GLOSSARY = ROOT / "data" / "glossary.yaml"
# Entries whose page explains the term without naming it (checked by hand):
NAMED_ELSEWHERE = {
    "混合专家模型": "scaling-laws.md: Switch Transformer's several FFNs chosen per input",
    "提示微调": "instruction-tuning.md: the prompt-learning papers it cites",
    "适配器": "instruction-tuning.md: cites Houlsby et al. 2019 (adapters) under PEFT",
}


@pytest.fixture(scope="module")
def terms():
    return load_glossary(GLOSSARY)


def term(**kw) -> Term:
    return Term(**{"zh": "位置编码", "en": "positional encoding", "definition": "向模型提供顺序信息的向量。",
                   "page": "architecture/transformer.md", **kw})


def test_the_glossary_has_the_sites_terms(terms):
    assert len(terms) >= 60
    forms = {f.casefold() for t in terms for f in t.search_forms()}
    for wanted in ["scaling law", "emergent abilities", "chinchilla", "compute-optimal", "self-attention",
                   "positional encoding", "multi-head attention", "encoder-decoder", "causal decoder",
                   "prefix decoder", "layer normalization", "residual connection", "feed-forward network",
                   "tokenization", "bpe", "sentencepiece", "deduplication", "quality filtering", "pii",
                   "warm-up", "cosine decay", "adamw", "adafactor", "weight decay", "gradient clipping",
                   "data parallelism", "pipeline parallelism", "tensor parallelism", "3d parallelism",
                   "mixed precision", "fp16", "bf16", "instruction tuning", "prompt tuning", "peft", "lora",
                   "adapter", "alignment", "rlhf", "alignment tax", "specialization", "chain-of-thought",
                   "in-context learning", "zero-shot", "few-shot", "knn-lm", "vae", "flow-based model", "gan",
                   "diffusion model", "ddpm", "noise predictor", "forward process", "reverse process",
                   "stable diffusion", "text encoder", "fid", "clip score", "mmlu", "c-eval", "truthfulqa",
                   "ood", "u-shaped curve", "switch transformer", "moe", "hallucination", "llm-as-a-judge",
                   "縮放定律", "湧現"]:
        assert wanted in forms, wanted


def test_every_term_points_to_a_topic_page_that_names_it(terms, built_site):
    site, _ = built_site
    pages = set(topic_pages())
    for t in terms:
        assert t.page in pages, f"{t.zh}: {t.page} is not a topic page"
        html = (site / page_url(t.page) / "index.html").read_text(encoding="utf-8")
        text = " ".join(article_text(html).casefold().split())
        named = any(f.casefold() in text for f in t.forms())
        assert named or t.zh in NAMED_ELSEWHERE, f"{t.zh} / {t.en} does not appear on {t.page}"


@pytest.mark.parametrize("text, reason", [
    ("- zh: 甲\n  en: a\n  page: x.md\n", "missing definition"),
    ("- zh: 甲\n  en: a\n  definition: d\n  page: x.md\n  colour: red\n", "unknown field"),
    ("- zh: 甲\n  en: a\n  definition: d\n  page: x.md\n- zh: 乙\n  en: A\n  definition: d\n  page: y.md\n",
     "already a form of 甲"),
    ("- zh: 甲\n  en: a\n  definition: d\n  page: x.md\n  variants: b\n", "must be a list"),
    ("- zh: 甲\n  en: a\n  definition: d\n  page: x\n", "page must be a .md path"),
    ("zh: [", "not valid YAML"),
    ("[]", "non-empty list"),
])
def test_bad_glossary_is_one_clear_error(text, reason):
    with pytest.raises(KbError, match=re.escape(reason)):
        parse_glossary(text, "data/glossary.yaml")


def test_hover_definition_inside_a_chinese_sentence():
    html = "<p>由于没有处理顺序的机制，所以需要添加位置编码来提供位置信息。位置编码是一个向量。</p>"
    out = annotate(html, [term()])
    assert out.count("<abbr") == 1  # the first occurrence only
    assert '需要添加<abbr class="kb-term" title="位置编码（positional encoding）：向模型提供顺序信息的向量。">位置编码</abbr>来提供' in out
    assert re.sub(r"<[^>]+>", "", out) == re.sub(r"<[^>]+>", "", html)  # the words are untouched


def test_english_terms_match_whole_words_only():
    adam = term(zh="Adam 优化器", en="Adam", variants=())
    out = annotate("<p>AdamW 与 Adamax 不是 Adam。</p>", [adam])
    assert out == '<p>AdamW 与 Adamax 不是 <abbr class="kb-term" title="Adam 优化器（Adam）：向模型提供顺序信息的向量。">Adam</abbr>。</p>'
    bpe = term(zh="字节对编码", en="Byte Pair Encoding", variants=("BPE",))
    out = annotate("<p>字节级的 <em>Byte Pair Encoding (BPE)</em> 算法</p>", [bpe])
    assert out.count("<abbr") == 1 and ">Byte Pair Encoding</abbr>" in out


@pytest.mark.parametrize("html", [
    "<pre><code>位置编码 = pe(x)</code></pre>",
    "<p>见 <code>位置编码</code></p>",
    '<p><a href="x/">位置编码</a></p>',
    '<h2 id="x">（2）位置编码（Positional Encoding）<a class="headerlink" href="#x">¶</a></h2>',
    '<p class="source-note">来源：笔记 003《大语言视觉模型》§2.1.2（2）位置编码</p>',
    '<p><span class="arithmatex">\\(\\text{位置编码}\\)</span></p>',
    '<div class="admonition note"><p class="admonition-title">位置编码</p></div>',
])
def test_never_inside_code_links_headings_math_or_source_lines(html):
    assert annotate(html, [term()]) == html


def test_skipped_context_does_not_use_up_the_first_occurrence():
    out = annotate('<h2>位置编码</h2><p class="source-note">位置编码</p><p>正文里的位置编码。</p>', [term()])
    assert out.endswith('<p>正文里的<abbr class="kb-term" title="位置编码（positional encoding）：向模型提供顺序信息的向量。">位置编码</abbr>。</p>')


def test_glossary_page_lists_every_term_by_page(terms):
    text = glossary_page(terms, {"architecture/transformer.md": "Transformer 架构"})
    assert text.startswith("---\ntitle: 术语表")
    rows = [line for line in text.splitlines() if line.startswith("| ") and not line.startswith("| 中文")
            and not line.startswith("| ---")]
    assert len(rows) == len(terms)
    assert "## Transformer 架构" in text and "[Transformer 架构](architecture/transformer.md)" in text


def test_built_pages_have_hover_definitions(built_site, terms):
    site, _ = built_site
    glossary = (site / "glossary" / "index.html").read_text(encoding="utf-8")
    assert glossary.count("<tr>") > len(terms)
    assert '<abbr class="kb-term"' not in glossary
    html = (site / "architecture" / "transformer" / "index.html").read_text(encoding="utf-8")
    assert re.search(r'<abbr class="kb-term" title="位置编码（positional encoding）：[^"]+">位置编码</abbr>', html)
    for path in [*topic_pages(), "index.md"]:
        html = (site / page_url(path) / "index.html").read_text(encoding="utf-8")
        for tag in ["h1", "h2", "h3", "h4", "a", "code"]:
            for inner in re.findall(rf"<{tag}\b[^>]*>(.*?)</{tag}>", html, re.S):
                assert 'class="kb-term"' not in inner, (path, tag, inner[:80])
        for note in re.findall(r'<p class="source-note">(.*?)</p>', html, re.S):
            assert "kb-term" not in note, path
