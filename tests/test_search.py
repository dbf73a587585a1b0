"""Site search, as a reader uses it: queries typed into the search box of the built site in
headless Chromium (tests/test_search_queries.yaml, the set the search was first tuned on, and
tests/test_search_queries_readers.yaml, reader-phrased queries written before the search was tuned
for them), the sharded index loaded piece by piece when searching, an offline build searching
from file://, and the pure parts (tokeniser, query understanding, index builder)."""

import bisect
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

from bench.search_harness import READERS, load_queries, material_search, normalize, run, score, search_context


QUERIES = load_queries()
READER_QUERIES = load_queries(READERS)
WORKER = ROOT / "docs" / "javascripts" / "search-worker.js"


@pytest.fixture(scope="module")
def quality(browser, server):
    results, _ = run(browser, server.url, QUERIES)
    return results, score(QUERIES, results)


@pytest.fixture(scope="module")
def reader_quality(browser, server):
    results, _ = run(browser, server.url, READER_QUERIES)
    return results, score(READER_QUERIES, results)


def report(name: str, figures: dict) -> None:
    print(f"\nsearch ({name}): hit@1 {figures['hit@1']:.3f}  hit@3 {figures['hit@3']:.3f}  MRR {figures['mrr']:.3f}"
          f"  (n={figures['n']})")
    for miss in figures["misses"]:
        print("  miss:", miss)


def test_queries_cover_every_kind_a_reader_types():
    kinds = {q["kind"] for q in QUERIES}
    assert len(QUERIES) >= 60
    assert kinds >= {"zh-phrase", "zh-word", "en-term", "en-name", "acronym", "mixed", "synonym", "traditional"}
    for q in QUERIES:
        assert (ROOT / "docs" / q["page"]).is_file(), q


def test_reader_queries_cover_questions_typos_descriptions_comparisons():
    kinds = [q["kind"] for q in READER_QUERIES]
    assert len(READER_QUERIES) >= 60
    assert set(kinds) >= {"question", "typo", "description", "comparison", "prefix"}
    for q in READER_QUERIES:
        assert (ROOT / "docs" / q["page"]).is_file(), q


@pytest.mark.browser
def test_search_quality_meets_the_targets(quality):
    """The set the search was first tuned on (hit@1 was 0.991 before the sharded index): no drop."""
    _, figures = quality
    report("tuned set", figures)
    assert figures["hit@3"] >= 0.97, figures["misses"]
    assert figures["hit@1"] >= 0.97, figures["misses"]


@pytest.mark.browser
def test_reader_phrased_queries_meet_the_targets(reader_quality):
    """Questions, typos, descriptions, comparisons, words being typed (issue #24's targets)."""
    _, figures = reader_quality
    report("reader-phrased set", figures)
    assert figures["hit@3"] >= 0.97, figures["misses"]
    assert figures["hit@1"] >= 0.9, figures["misses"]


@pytest.mark.browser
@pytest.mark.parametrize("query, want", [
    ("Transfomer", "architecture/transformer.md"),  # a typo: one letter dropped
    ("Chinchillla", "foundations/scaling-laws.md"),  # a typo: one letter doubled
    ("什么是涌现能力", "foundations/emergence.md"),  # a question
    ("为什么要用混合精度训练", "pretraining/training.md"),
    ("BF16 和 FP16 的区别", "pretraining/training.md"),  # a comparison
    ("质量过滤和去重", "pretraining/data.md"),  # two things in two sections of one page
    ("Sentencep", "pretraining/data.md"),  # the last word still being typed
])
def test_typos_questions_and_comparisons_in_the_search_box(browser, server, query, want):
    context = search_context(browser)
    page = context.new_page()
    page.goto(server.url, wait_until="load")
    pages, _ = material_search(page, query, server.url)
    assert pages and pages[0] == want, (query, pages[:3])
    context.close()


@pytest.mark.browser
def test_fuzzy_and_prefix_matches_rank_below_exact_ones(browser, server):
    """A typo finds the word it misspells, and is highlighted as that word; an exact word of the
    index is not widened to its near spellings."""
    context = search_context(browser)
    page = context.new_page()
    page.goto(server.url, wait_until="load")
    material_search(page, "Adafator", server.url)
    marks = page.eval_on_selector_all(".md-search-result mark", "els => els.map(e => e.textContent)")
    assert any(m.lower() == "adafactor" for m in marks), marks
    exact, _ = material_search(page, "Adafactor", server.url)
    fuzzy, _ = material_search(page, "Adafator", server.url)
    assert exact[0] == fuzzy[0] == "pretraining/training.md"
    context.close()


RESULT_PARTS = """els => els.map(item => ({
  sections: item.querySelectorAll('article').length,
  missing: Array.from(item.querySelectorAll('.md-search-result__terms del'), d => d.textContent),
  links: Array.from(item.querySelectorAll('a'), a => a.href)}))"""


@pytest.mark.browser
def test_a_result_names_only_typed_words_as_missing_and_shows_a_page_s_best_sections(browser, server):
    """Material lists under a section the query's words it lacks, and puts the found ones in the
    link for highlighting: those are the words the reader typed (a typo by the word it was found
    as), never the words a prefix or a near spelling was widened to; and each page shows its best
    three sections at most (Pagefind's default), not every section a bigram touches."""
    context = search_context(browser)
    page = context.new_page()
    page.goto(server.url, wait_until="load")
    for query, typed in [("trans", {"trans"}), ("Adafator", set()), ("注意力 机制", {"注意力", "机制"})]:
        material_search(page, query, server.url)
        items = page.eval_on_selector_all(".md-search-result__item", RESULT_PARTS)
        assert items, query
        for item in items:
            assert set(item["missing"]) <= typed, (query, item["missing"])
            assert item["sections"] <= 4, (query, item)  # the page and its best three sections
    highlighted = [unquote(link) for item in items for link in item["links"]]
    assert any("h=注意力" in link for link in highlighted), highlighted
    material_search(page, "Adafator", server.url)
    links = page.eval_on_selector_all(".md-search-result__link", "els => els.map(e => e.href)")
    assert any("h=adafactor" in link for link in links), links
    context.close()


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
def test_the_index_loads_in_shards_on_the_first_query_not_with_the_page(browser, server, built_site):
    """Nothing of the index with the page; on a query, the manifest, the shards its terms fall in
    and the metadata of the pages shown, not the whole index; the rest (a small index) once the
    reader pauses."""
    site, _ = built_site
    shards = len(list((site / "search" / "kb" / "s").glob("*.js")))
    pages_meta = len(list((site / "search" / "kb" / "m").glob("*.js")))
    context = search_context(browser)
    page = context.new_page()
    requested = []
    page.on("request", lambda r: requested.append(urlparse(r.url).path))
    page.goto(server.url + "foundations/emergence/", wait_until="networkidle")
    assert not any("/search/kb/" in p for p in requested), "the index was loaded with the page"
    pages, _ = material_search(page, "位置编码", server.url)
    assert pages[0] == "architecture/transformer.md"
    # The harness waits for the result that names the typed query (not one for a prefix on the way)
    assert page.evaluate("() => window.__kbAnswered") == "位置编码"
    stub = [p for p in requested if p.endswith("search_index.json")]  # (late on a loaded machine)
    assert stub, "Material's search set-up request is gone: did the theme change?"
    loaded = [p.split("/search/kb/")[1] for p in requested if "/search/kb/" in p]
    assert "manifest.js" in loaded
    shard_loads = [p for p in loaded if p.startswith("s/")]
    meta_loads = [p for p in loaded if p.startswith("m/")]
    assert 1 <= len(shard_loads) < shards, (shard_loads, shards)
    assert 1 <= len(meta_loads) <= min(10, pages_meta - 1), meta_loads
    before = len(requested)
    material_search(page, "位置编码", server.url)
    # Only files not yet loaded may follow: on a busy machine the reader's pause (below) can come first.
    again = [p for p in requested[before:] if "/search/kb/" in p and p.split("/search/kb/")[1] in loaded]
    assert not again, f"a repeated query loaded the same files again: {again}"
    # The site's index is small: once the reader pauses it is loaded whole, and a new query loads nothing.
    manifest = json.loads((site / "search" / "kb" / "manifest.js").read_text(encoding="utf-8").split(",", 1)[1][:-3])
    assert manifest["chars"] <= 1_500_000
    whole = ({f"s/{i}.js" for i in range(shards)} | {f"m/{i}.js" for i in range(pages_meta)}
             | {f"v/{c}.js" for c in manifest["letters"]})
    for _ in range(60):  # the pause is 1 s; fetching every file takes longer on a loaded machine
        page.wait_for_timeout(250)
        loaded = {p.split("/search/kb/")[1] for p in requested if "/search/kb/" in p}
        if whole <= loaded:
            break
    assert whole <= loaded, sorted(whole - loaded)
    before = len(requested)
    pages, _ = material_search(page, "Chinchila 缩放定律", server.url)
    assert pages[0] == "foundations/scaling-laws.md"
    assert not any("/search/kb/" in p for p in requested[before:]), "the whole index was loaded, yet a query fetched"
    context.close()


@pytest.mark.browser
def test_results_link_to_sections_with_highlighting(browser, server):
    context = search_context(browser)
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
    context = search_context(browser)
    page = context.new_page()
    errors, requests = [], []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("request", lambda r: requests.append(r.url))
    page.goto(base + "foundations/emergence.html", wait_until="load")
    for query, want in [("缩放定律", "foundations/scaling-laws.md"), ("湧現", "foundations/emergence.md"),
                        ("Stable Diffusion", "generation/diffusion.md"), ("Chinchila", "foundations/scaling-laws.md"),
                        ("什么是对齐税", "adaptation/alignment.md")]:
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
      const q = KB.parseQuery("湧現 Ｓｃａｌｉｎｇ Laws，BF16", t2s);
      return [q.groups, KB.stem("abilities"), KB.stem("loss"), KB.stem("stable"),
              KB.fieldTokens("稳定扩散，bf16 warm-up")];
    }""")
    groups, abilities, loss, stable, tokens = got
    assert [[p.get("run") or p.get("latin") for p in g] for g in groups] == [["涌现", "scaling", "law", "bf16"]]
    assert (abilities, loss, stable) == ("ability", "loss", "stable")
    assert tokens == ["bf16", "warm", "up", "稳定", "定扩", "扩散"]


def test_questions_drop_their_question_words_and_comparisons_split():
    got = node("""() => [KB.parseQuery("什么是涌现能力", {}), KB.parseQuery("涌现能力是什么", {}),
                         KB.parseQuery("为什么要用混合精度训练", {}), KB.parseQuery("零样本 vs 少样本", {}),
                         KB.parseQuery("Sentencep", {}), KB.parseQuery("Sentencep ", {})]""")
    what, what2, why, versus, typing, typed = got
    assert what["groups"] == what2["groups"] == [[{"run": "涌现能力"}]] and what["asked"] == ["什么是"]
    assert why["groups"] == [[{"run": "要用混合精度训练"}]] and why["asked"] == ["为什么"]
    assert versus["groups"] == [[{"run": "零样本"}], [{"run": "少样本"}]]
    assert typing["groups"][0][0]["last"] is True and typed["groups"][0][0]["last"] is False


def test_edit_distance_counts_a_transposition_as_one():
    got = node("""() => [KB.distance("chinchila", "chinchilla", 2), KB.distance("megatorn", "megatron", 2),
                         KB.distance("transfomer", "transformer", 2), KB.distance("bert", "gpt", 1)]""")
    assert got == [1, 1, 1, 2]


def test_the_worker_cuts_text_as_the_index_builder_does():
    """The index's terms are made in Python and looked up with terms the worker makes: one cut."""
    from kb.search_index import field_length, field_terms, normalize as index_normalize

    text = "稳定扩散（Stable Diffusion）的 Abilities，BF16 混合精度；Transformer's encoders ｌａｙｅｒｓ"
    got = node(f"""() => KB.fieldTokens(KB.normalize({json.dumps(text)}, null))""")
    assert got == field_terms("x", text)
    assert field_length("x", text) == len(field_terms("x", text)) and field_length("xw", " 位置 编码  模型 ") == 3
    assert index_normalize(text) == node(f"""() => KB.normalize({json.dumps(text)}, null)""")


def test_the_worker_decodes_postings_as_the_index_builder_writes_them():
    """Postings travel as strings of base-32 numbers: large section numbers and weights, a common
    term cut to its best sections, survive the trip."""
    from array import array

    from kb.search_index import MAX_POSTINGS, WEIGHT_SCALE, _encode_postings

    numbers = [0, 1, 31, 32, 1023, 1024, 40_000, 1_048_575, 1_048_576, 33_554_432]
    weights = [0.01, 1.0, 3.875, 4.0, 127.9, 128.0, 0.5, 2.25, 1e3, 6.0]
    row = _encode_postings((array("i", numbers), array("f", weights)), word=True)
    assert row[0] == len(numbers) and row[2] == 2
    got = node(f"() => {{ const d = KB.decodePostings({json.dumps(row[1])}); return [Array.from(d.ids), Array.from(d.w)]; }}")
    assert got == [numbers, [max(1, round(w * WEIGHT_SCALE)) for w in weights]]
    many = range(MAX_POSTINGS + 10)
    common = _encode_postings((array("i", many), array("f", [1 + (n % 7) for n in many])), word=False)
    assert common[0] == MAX_POSTINGS + 10 and common[2] == 1
    ids = node(f"() => Array.from(KB.decodePostings({json.dumps(common[1])}).ids)")
    assert len(ids) == MAX_POSTINGS and ids == sorted(ids)


def engine_script(folder: Path, body: str, loaded: str = "") -> str:
    """A Node script for node_async: the worker's engine (`engine`) over the sharded index on disk
    in folder, each file loaded as the worker loads it (names also pushed to `loaded`, if named),
    then body (which returns the result)."""
    record = f"{loaded}.push(n); " if loaded else ""
    return f"""() => {{
      const fs = require("fs"), path = require("path"), store = {{}};
      global.self = global; self.kbData = (n, d) => {{ store[n] = d; }};
      {f"const {loaded} = [];" if loaded else ""}
      const load = names => {{ for (const n of names) if (!(n in store)) {{ {record}
        eval(fs.readFileSync(path.join({json.dumps(str(folder / "kb"))}, n + ".js"), "utf8")); }}
        return Promise.resolve(); }};
      load(["manifest"]);
      const engine = new KB.Engine(store.manifest, store, load);
      {body}
    }}"""


def engine_search(folder: Path, queries: list[str]) -> dict:
    """The worker's engine under Node over a sharded index on disk: {query: [[location, ...] per page]}."""
    return node_async(engine_script(folder, f"""return (async () => {{
        const out = {{}};
        for (const q of {json.dumps(queries, ensure_ascii=False)})
          out[q] = (await engine.search(q)).items.map(g => g.map(i => i.location));
        out.__loaded = loaded;
        return out;
      }})();""", loaded="loaded"))


def node_async(script: str):
    if not shutil.which("node"):
        pytest.skip("node is not installed")
    code = (f"const KB = require({json.dumps(str(WORKER))});\n"
            f"Promise.resolve(({script})()).then(r => console.log(JSON.stringify(r)));")
    out = subprocess.run(["node", "-e", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def small_index(tmp_path: Path, sections: list[tuple[str, str, str]], shard_bytes: int = 200) -> Path:
    """A sharded index of hand-written sections (location, title, text), tiny shards."""
    from kb.search_index import shard_files, write_files

    docs = [{"l": loc, "t": title, "x": text, "tw": "", "xw": ""} for loc, title, text in sections]
    write_files(tmp_path, shard_files({"docs": docs, "t2s": {}}, shard_bytes=shard_bytes))
    return tmp_path


def test_exact_words_rank_above_prefix_and_fuzzy_matches(tmp_path):
    folder = small_index(tmp_path, [
        ("a/", "Encoders", "the transformer encoder stack"),
        ("b/", "Typo page", "a transformers library and an encode function"),
        ("c/", "Other", "mixture of experts routing " * 5),
        ("d/", "Layer norm", "layer normalization after attention"),
    ])
    got = engine_search(folder, ["encoder", "transfomer", "normaliz", "mixtur", "zzzzzz"])
    assert [g[0] for g in got["encoder"]] == ["a/"]  # exact only: 'encode' is not widened
    assert {g[0] for g in got["transfomer"]} == {"a/", "b/"}  # one letter dropped
    assert [g[0] for g in got["normaliz"]] == ["d/"]  # the last word being typed
    assert [g[0] for g in got["mixtur"]] == ["c/"]
    assert got["zzzzzz"] == []
    shards = len(list((folder / "kb" / "s").glob("*.js")))
    assert len([n for n in got["__loaded"] if n.startswith("s/")]) < shards  # not every shard


def test_a_character_alone_finds_the_words_it_starts_from_shards_fetched_for_it(tmp_path):
    """A character that is no term of the index (only its bigrams are) matches the terms it starts
    when typed alone; the shards of those terms are fetched for it after the first round, and a
    longer query, where such a character is not needed, does not fetch them."""
    from kb.search_index import read_files

    folder = small_index(tmp_path, [
        ("a/", "模型", "大模型训练与推理"),
        ("b/", "注意力", "注意力机制"),
        ("c/", "注册", "注册表与注释"),
        ("d/", "其他", "没有这个字"),
    ], shard_bytes=60)
    manifest = read_files(folder)["manifest"]
    assert any(bound.startswith("注") for bound in manifest["bounds"])  # 注's words start a shard after 注's
    got = engine_search(folder, ["注"])
    assert {g[0] for g in got["注"]} == {"b/", "c/"}
    query = "注释"  # a bigram of the index: 注 alone is not needed
    longer = engine_search(folder, [query])
    assert [g[0] for g in longer[query]] == ["c/"]
    bounds = manifest["bounds"]
    where = {f"s/{bisect.bisect_right(bounds, query[i:j]) - 1}" for i in range(len(query))
             for j in range(i + 1, len(query) + 1)}
    assert {n for n in longer["__loaded"] if n.startswith("s/")} <= where  # not the shard of 注册, 注意


def test_ranking_keeps_the_best_pages_in_the_order_of_a_full_sort(tmp_path):
    """rank(u, limit) keeps only the best `limit` pages (no sort of every page found): the same
    pages, in the same order (ties in page order), as the head of the whole ranked list."""
    sections = [(f"p{i}/", f"Page {i}", "token " * (1 + i % 4) + "filler words " * (i % 3)) for i in range(23)]
    folder = small_index(tmp_path, sections)
    script = engine_script(folder, """const q = KB.parseQuery("token ", store.manifest.t2s);
      return engine.load(engine.needs(q)).then(() => {
        const u = engine.understand(q), pages = r => r.map(p => [p.page, p.score]);
        return { top: pages(engine.rank(u, 5)), all: pages(engine.rank(u, 100)) };
      });""")
    got = node_async(script)
    assert len(got["all"]) == 23
    scores = [s for _, s in got["all"]]
    assert scores == sorted(scores, reverse=True) and len(set(scores)) < len(scores)  # ties present
    assert got["top"] == got["all"][:5]
    tied = [p for p, s in got["all"] if s == got["all"][0][1]]
    assert tied == sorted(tied)  # ties in page order


def test_a_comparison_finds_the_page_that_explains_both_in_different_sections(tmp_path):
    folder = small_index(tmp_path, [
        ("p/", "预训练数据", "数据预处理的步骤"),
        ("p/#1", "质量过滤", "去掉低质量的文本"),
        ("p/#2", "去重", "删除重复的文档"),
        ("q/", "过滤器", "质量过滤的另一种说法"),
        ("glossary/", "术语表", "其他"),
    ])
    got = engine_search(folder, ["质量过滤和去重", "质量过滤与去重的区别"])
    for query in got.keys() - {"__loaded"}:
        first = got[query][0]
        assert {"p/#1", "p/#2"} <= set(first), (query, got[query])  # page p, both sections
        assert all("q/" not in group for group in got[query][:1]), (query, got[query])


# --- the index builder -------------------------------------------------------------------------

def test_shards_are_term_ranges_and_every_term_is_in_the_shard_its_bound_names(tmp_path):
    from kb.search_index import read_files

    words = " ".join(f"word{i:03d}" for i in range(300))
    folder = small_index(tmp_path, [("a/", "Alpha", words), ("a/#x", "Beta", "位置编码 " + words[:500]),
                                    ("b/", "Gamma", "混合精度训练")], shard_bytes=300)
    data = read_files(folder)
    bounds = data["manifest"]["bounds"]
    assert len(bounds) > 5 and bounds == sorted(bounds)
    for i, first in enumerate(bounds):
        shard = data[f"s/{i}"]
        assert min(shard) == first and (i + 1 == len(bounds) or max(shard) < bounds[i + 1])
    assert data["manifest"]["sections"] == [2, 1]
    assert data["m/0"][1][:2] == ["a/#x", "Beta"] and data["m/1"][0][2] == "混合精度训练"
    assert "word042" in data["v/w"]


def test_shard_files_refuse_a_page_whose_sections_are_apart():
    from kb.search_index import shard_files

    docs = [{"l": loc, "t": "t", "x": "x"} for loc in ("a/", "b/", "a/#s")]
    with pytest.raises(ValueError, match="not contiguous"):
        shard_files({"docs": docs, "t2s": {}})


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


def site_index(site: Path) -> dict:
    from kb.search_index import read_files

    return read_files(site / "search")


def site_sections(site: Path) -> list[list]:
    """[location, title, text] of every indexed section, in index order."""
    data = site_index(site)
    return [section for i in range(len(data["manifest"]["sections"])) for section in data[f"m/{i}"]]


def test_built_index_replaces_the_eager_one(built_site):
    site, _ = built_site
    stub = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    assert stub["docs"] == [] and "separator" in stub["config"]
    data = site_index(site)
    manifest = data["manifest"]
    assert len(manifest["sections"]) > 15 and sum(manifest["sections"]) > 100 and manifest["t2s"]["湧"] == "涌"
    assert len(manifest["bounds"]) > 3  # sharded
    assert all(f"m/{i}" in data for i in range(len(manifest["sections"])))
    transformer = next(s for s in data.values() if isinstance(s, dict) and "位置编码" in s)["位置编码"]
    assert len(transformer) == 3 and transformer[2] & 2  # a word, not only a bigram
    for page in ["foundations/emergence/index.html", "index.html"]:
        html = (site / page).read_text(encoding="utf-8")
        assert "javascripts/search-worker.js" in html and "workers/search." not in html


def test_a_page_with_an_image_is_indexed_like_one_without(built_site):
    """The lightbox parses pages with an image (kb.site.lightbox); mkdocs-glightbox handed back a whole
    <html> document, which the index took for a section of its own: the page's entry had its title
    and no text."""
    site, _ = built_site
    sections = site_sections(site)
    html = {page: (site / page / "index.html").read_text(encoding="utf-8")
            for page in ("foundations/scaling-laws", "pretraining/data")}
    assert 'class="glightbox"' in html["foundations/scaling-laws"]  # a page the plugin parses
    assert "<img" not in html["pretraining/data"]  # one it leaves alone
    for page in html:
        own = [s for s in sections if s[0] == f"{page}/"]
        assert len(own) == 1 and own[0][2], f"{page}: its entry has no text"
        assert not any(s[0].startswith(f"{page}/#") and s[1] == own[0][1] for s in sections)


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
    index = "".join(p.read_text(encoding="utf-8") for p in (site / "search" / "kb").rglob("*.js"))
    assert "KBEXCLUDEDBLOCK" not in index and "kbexcludedblock" not in index
    assert "foundations/emergence/" in index
