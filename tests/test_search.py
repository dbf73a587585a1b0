"""Site search, as a reader uses it: queries typed into the search box of the built site in
headless Chromium (tests/test_search_queries.yaml), the index loaded only when searching,
an offline build searching from file://, and the pure parts (tokeniser, index builder)."""

import json
import os
import shutil
import subprocess
import sys
import unicodedata
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest

from sitekit import ROOT, article_text, page_url

from bench.search_harness import load_queries, material_search, normalize, run, score


QUERIES = load_queries()
WORKER = ROOT / "docs" / "javascripts" / "search-worker.js"


@pytest.fixture(scope="module")
def quality(browser, server):
    results, _ = run(browser, server.url, QUERIES)
    return results, score(QUERIES, results)


def test_queries_cover_every_kind_a_reader_types():
    kinds = {q["kind"] for q in QUERIES}
    assert len(QUERIES) >= 60
    assert kinds >= {"zh-phrase", "zh-word", "en-term", "en-name", "acronym", "mixed", "synonym", "traditional"}
    for q in QUERIES:
        assert (ROOT / "docs" / q["page"]).is_file(), q


@pytest.mark.browser
def test_search_quality_meets_the_targets(quality):
    _, figures = quality
    print(f"\nsearch: hit@1 {figures['hit@1']:.3f}  hit@3 {figures['hit@3']:.3f}  MRR {figures['mrr']:.3f}"
          f"  (n={figures['n']})")
    for miss in figures["misses"]:
        print("  miss:", miss)
    assert figures["hit@3"] >= 0.97, figures["misses"]
    assert figures["hit@1"] >= 0.85, figures["misses"]


@pytest.mark.browser
def test_every_literal_phrase_finds_its_page(quality, built_site):
    site, _ = built_site
    results, _ = quality
    texts = {}
    checked = 0
    for q in QUERIES:
        if q["page"] not in texts:
            html = (site / page_url(q["page"]) / "index.html").read_text(encoding="utf-8")
            texts[q["page"]] = normalize(article_text(html))
        if normalize(q["q"]) in texts[q["page"]]:
            checked += 1
            assert q["page"] in results[q["q"]], f"{q['q']!r} is on {q['page']} but search did not find it"
    assert checked >= 40  # most queries are phrases the pages contain


@pytest.mark.browser
def test_index_loads_on_the_first_query_not_with_the_page(browser, server):
    context = browser.new_context()
    page = context.new_page()
    requested = []
    page.on("request", lambda r: requested.append(urlparse(r.url).path))
    page.goto(server.url + "foundations/emergence/", wait_until="networkidle")
    assert not any(p.endswith("kb_index.js") for p in requested), "the index was loaded with the page"
    stub = [p for p in requested if p.endswith("search_index.json")]
    assert stub, "Material's search set-up request is gone: did the theme change?"
    pages, _ = material_search(page, "位置编码", server.url)
    assert pages[0] == "architecture/transformer.md"
    assert any(p.endswith("kb_index.js") for p in requested)
    context.close()


@pytest.mark.browser
def test_results_link_to_sections_with_highlighting(browser, server):
    context = browser.new_context()
    page = context.new_page()
    page.goto(server.url, wait_until="load")
    material_search(page, "余弦衰减策略", server.url)
    marks = page.eval_on_selector_all(".md-search-result mark", "els => els.map(e => e.textContent)")
    assert marks and set("".join(marks)) == set("余弦衰减策略"), marks
    links = page.eval_on_selector_all(".md-search-result__link", "els => els.map(e => e.href)")
    sections = [unquote(urlparse(link).fragment) for link in links if "/pretraining/training/" in link]
    assert "2-学习率learning-rate" in sections, sections  # the "(2) 学习率" section, as well as the page
    context.close()


@pytest.fixture(scope="module")
def offline_site(tmp_path_factory):
    site = tmp_path_factory.mktemp("offline-site")
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-f", "offline.yml",
                             "--site-dir", str(site)], cwd=ROOT, capture_output=True, text=True, timeout=600)
    if result.returncode != 0:
        pytest.fail(f"offline build failed:\n{result.stderr[-3000:]}")
    yield site
    shutil.rmtree(site, ignore_errors=True)


@pytest.mark.browser
def test_offline_build_searches_from_file(browser, offline_site):
    html = (offline_site / "index.html").read_text(encoding="utf-8")
    assert "unpkg.com" not in html and "vendor/iframe-worker/shim/index.js" in html
    base = offline_site.resolve().as_uri() + "/"
    context = browser.new_context()
    page = context.new_page()
    errors, requests = [], []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("request", lambda r: requests.append(r.url))
    page.goto(base + "foundations/emergence.html", wait_until="load")
    for query, want in [("缩放定律", "foundations/scaling-laws.md"), ("湧現", "foundations/emergence.md"),
                        ("Stable Diffusion", "generation/diffusion.md")]:
        pages, _ = material_search(page, query, base)
        assert pages and pages[0] == want, (query, pages)
    context.close()
    assert errors == []
    assert all(u.startswith(("file:", "data:", "blob:", "about:")) for u in requests), \
        [u for u in requests if not u.startswith(("file:", "data:", "blob:", "about:"))][:3]


# --- the worker's pure functions, under Node -------------------------------------------------

def node(script: str):
    if not shutil.which("node"):
        pytest.skip("node is not installed")
    code = f"const KB = require({json.dumps(str(WORKER))});\nconsole.log(JSON.stringify(({script})()));"
    out = subprocess.run(["node", "-e", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def test_query_segmentation_keeps_every_character():
    # Material 9.x searched 学习率预热 as 学习* 率* 预* and 位置编码 as 位置*.
    got = node("""() => {
      const vocab = new Set(["学习", "学习率", "预热", "位置", "编码", "位置编码"]);
      return [KB.segment("学习率预热", vocab, 4), KB.segment("位置编码", vocab, 4),
              KB.segment("位置编码器", vocab, 4), KB.segment("未知词", vocab, 4)];
    }""")
    assert got == [["学习率", "预热"], ["位置编码"], ["位置编码", "器"], ["未", "知", "词"]]


def test_query_normalisation_traditional_fullwidth_and_plurals():
    got = node("""() => {
      const t2s = {"湧": "涌", "現": "现"};
      const q = KB.parseQuery("湧現 Ｓｃａｌｉｎｇ Laws，BF16", t2s, new Set(["涌现"]), 2);
      return [q.words, q.latin, KB.stem("abilities"), KB.stem("loss"), KB.stem("stable"),
              KB.fieldTokens("稳定扩散，bf16 warm-up")];
    }""")
    words, latin, abilities, loss, stable, tokens = got
    assert words == ["涌现"]
    assert latin == ["scaling", "law", "bf16"]
    assert (abilities, loss, stable) == ("ability", "loss", "stable")
    assert tokens == ["bf16", "warm", "up", "稳定", "定扩", "扩散"]


# --- the index builder -------------------------------------------------------------------------

def test_index_builder_adds_words_synonyms_and_traditional_map():
    from kb.glossary import Term
    from kb.search_index import build_index, plain_text

    assert plain_text("<p>\u200b位置\u200b编码 &amp; <b>BF16</b></p>") == "位置编码 & BF16"
    term = Term(zh="缩放定律", en="scaling law", definition="d", page="foundations/scaling-laws.md",
                traditional=("縮放定律",))
    docs = [{"location": "foundations/scaling-laws/", "title": "缩放定律", "text": "<p>模型效果</p>"},
            {"location": "foundations/scaling-laws/#x", "title": "小节", "text": "<p>算力</p>"}]
    index = build_index(docs, [term], "縮\t缩\n律\t律\n龍\t龙\n", {term.page: "foundations/scaling-laws/"})
    page, section = index["docs"]
    assert "scaling law" in page["g"] and "縮放定律" in page["g"] and "缩放定律" in page["gw"].split()
    assert "g" not in section
    assert index["t2s"] == {"縮": "缩"}  # 龙 is not used by the site


def test_the_segmentation_worker_cuts_like_jieba_in_this_process():
    """A cold build segments in a second process; its words are the ones this process would cut."""
    from kb.glossary import load_glossary
    from kb.search_index import SegmentationWorker, add_jieba_words, chinese_words, jieba_words

    terms = load_glossary(ROOT / "data" / "glossary.yaml")
    runs = ["位置编码让模型知道词的顺序", "学习率预热之后再余弦退火", "大模型的涌现能力与缩放定律"]
    worker = SegmentationWorker(jieba_words(terms))
    try:
        remote = worker.segment(runs)
        assert worker.alive()
    finally:
        worker.close()
    assert not worker.alive()
    add_jieba_words(terms)
    assert remote == {run: chinese_words(run) for run in runs}
    assert "位置编码" in remote[runs[0]] and "涌现能力" in remote[runs[2]]  # glossary words stay whole


def test_built_index_replaces_the_eager_one(built_site):
    site, _ = built_site
    stub = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    assert stub["docs"] == [] and "separator" in stub["config"]
    index = (site / "search" / "kb_index.js").read_text(encoding="utf-8")
    assert index.startswith("self.__kbIndex = ")
    data = json.loads(index.removeprefix("self.__kbIndex = ").rstrip().rstrip(";"))
    assert len(data["docs"]) > 100 and data["t2s"]["湧"] == "涌"
    for page in ["foundations/emergence/index.html", "index.html"]:
        html = (site / page).read_text(encoding="utf-8")
        assert "javascripts/search-worker.js" in html and "workers/search." not in html


def test_a_page_with_an_image_is_indexed_like_one_without(built_site):
    """The lightbox parses pages with an image (kb.site.lightbox); mkdocs-glightbox handed back a whole
    <html> document, which the index took for a section of its own: the page's entry had its title
    and no text."""
    site, _ = built_site
    index = (site / "search" / "kb_index.js").read_text(encoding="utf-8")
    docs = json.loads(index.removeprefix("self.__kbIndex = ").rstrip().rstrip(";"))["docs"]
    html = {page: (site / page / "index.html").read_text(encoding="utf-8")
            for page in ("foundations/scaling-laws", "architecture/transformer")}
    assert 'class="glightbox"' in html["foundations/scaling-laws"]  # a page the plugin parses
    assert "<img" not in html["architecture/transformer"]  # one it leaves alone
    for page in html:
        own = [d for d in docs if d["l"] == f"{page}/"]
        assert len(own) == 1 and own[0]["x"], f"{page}: its entry has no text"
        assert not any(d["l"].startswith(f"{page}/#") and d["t"] == own[0]["t"] for d in docs)


def test_an_excluded_block_leaves_the_index_and_its_attribute_the_page(tmp_path):
    """Material's `data-search-exclude`, through Material's own page handler:
    the block stays on the page, out of the index, and the attribute is taken out of the HTML (Material
    takes out those with a value)."""
    from sitekit import copy_repository

    repo = copy_repository(tmp_path / "kb")
    page = repo / "docs" / "foundations" / "emergence.md"
    page.write_text(page.read_text(encoding="utf-8")
                    + "\n\n只在页面上的一段：KBEXCLUDEDBLOCK。\n{ data-search-exclude=\"true\" }\n", encoding="utf-8")
    site = tmp_path / "site"
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)],
                            cwd=repo, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-2000:]
    html = (site / "foundations" / "emergence" / "index.html").read_text(encoding="utf-8")
    assert "KBEXCLUDEDBLOCK" in html and "data-search-" not in html
    index = (site / "search" / "kb_index.js").read_text(encoding="utf-8")
    assert "KBEXCLUDEDBLOCK" not in index
    assert "foundations/emergence/" in index
