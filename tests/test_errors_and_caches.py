"""Errors, not tracebacks; caches that cannot lie (issue 23).

- A page of half a megabyte: kb check's typography rule and kb fmt's autocorrect pass work in pieces.
- A .bib file that is not UTF-8 or not valid BibTeX: `file:line` in kb check and a one-line build error.
- The citations cache (.cache/citations) and the derived CSL style (.cache/csl): a damaged entry
  is a miss that is rebuilt, never an error or wrong references.
- kb.atomic: an interrupted write leaves neither a torn file nor a temporary one; modes are kept.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from checkkit import make_repo, run_checks
from kb import atomic
from kb.citations import read_cache_entry, start_format_store, write_cache_entry
from kb.csl import write_derived_style
from kb.rules.typography import fix_typography, markdown_chunks
from sitekit import copy_repository

ROOT = Path(__file__).resolve().parents[1]
FRONT = "---\ntitle: 长页\ntags:\n  - 缩放定律\nsource: 笔记 001\n---\n\n# 长页\n\n"
PARAGRAPH = "模型参数达1.6T,核心是MoE.这一段用来把页面写长。\n\n```python\nx = 1\n\n\ny = 2\n```\n\n"


@pytest.fixture(scope="module")
def repo(tmp_path_factory):
    return make_repo(tmp_path_factory.mktemp("errors"))


# --- a page of half a megabyte ------------------------------------------------------------------

def test_long_page_is_linted_in_pieces(repo):
    body = PARAGRAPH * 9000  # about 0.6 MB: autocorrect alone stops with "call limit reached"
    page = repo / "docs" / "foundations" / "long.md"
    page.write_text(FRONT + body, encoding="utf-8")
    try:
        problems = [p for p in run_checks(repo, ["foundations/long.md"], {"TYPO001"}) if p.rule == "TYPO001"]
    finally:
        page.unlink()
    assert len(problems) == 9000
    # Line numbers run on across the pieces: every paragraph's line is reported.
    assert [p.line for p in problems] == [FRONT.count("\n") + 1 + PARAGRAPH.count("\n") * n for n in range(9000)]


def test_long_page_is_formatted_in_pieces():
    text = FRONT + PARAGRAPH * 9000
    chunks = markdown_chunks(text)
    assert len(chunks) > 1 and "".join(chunks) == text
    assert all(c.count("```") % 2 == 0 for c in chunks)  # never cut inside a code fence
    fixed = fix_typography(text)
    assert fixed.count("模型参数达 1.6T，核心是 MoE") == 9000 == fixed.count(fix_typography(PARAGRAPH))
    assert fixed.count("x = 1\n\n\ny = 2") == 9000


# --- bibliography files -------------------------------------------------------------------------

def test_bib_file_not_utf8_is_a_problem_with_its_line(repo):
    bib = repo / "bib" / "zz-gbk.bib"
    bib.write_bytes("@misc{ok, title={X}, url={https://example.org}}\n\n@misc{gbk, title={中文}}\n".encode("gbk"))
    try:
        problems = [str(p) for p in run_checks(repo, [], {"BIB001"}) if p.path == "bib/zz-gbk.bib"]
    finally:
        bib.unlink()
    assert problems == ["bib/zz-gbk.bib:3: BIB001 not UTF-8 text (byte 0xd6): save the file as UTF-8"]


@pytest.mark.parametrize("content,expected", [
    ("@misc{gbk, title={中文}}\n".encode("gbk"), "error: bib/zz-bad.bib:1: not UTF-8 text"),
    # pandoc's syntax error: reported when pandoc stops (the end of the file), before any page is read
    (b"@misc{a, title={X}, url={https://example.org}}\n@misc{b, title = {Broken,\n@misc{c, title={Y}}\n",
     "error: bib/zz-bad.bib:4: not valid BibTeX (unexpected end of input)"),
])
def test_build_with_a_bad_bib_file_is_a_one_line_error(tmp_path, content, expected):
    repo = copy_repository(tmp_path / "repo")
    (repo / "bib" / "zz-bad.bib").write_bytes(content)
    (repo / "data" / "bibliography.yaml").write_text(
        (repo / "data" / "bibliography.yaml").read_text(encoding="utf-8") + "zz-bad: 示例\n", encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(tmp_path / "site")],
                            cwd=repo, capture_output=True, text=True, timeout=600)
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    # One error, the file's: MkDocs' own "Error reading page 'index.md':" would blame a page
    errors = [line for line in result.stderr.splitlines() if line.startswith("ERROR")]
    assert len(errors) == 1 and expected in errors[0], result.stderr[-2000:]
    assert "Error reading page" not in result.stderr and ".md" not in errors[0]


# --- the citations cache ------------------------------------------------------------------------

REFERENCES = {"a2020": "A. Title[J]. 2020.", "b2021": "B. Title[C]. 2021."}


def _damaged(path: Path, how: str) -> None:
    good = path.read_text(encoding="utf-8")
    entry = json.loads(good)
    if how == "empty object":
        path.write_text("{}", encoding="utf-8")
    elif how == "truncated":
        path.write_text(good[: len(good) // 2], encoding="utf-8")
    elif how == "not UTF-8":
        path.write_bytes(b"\xff\xfe" + good.encode()[:20])
    elif how == "another key":
        entry["key"] = "0" * 64
        path.write_text(json.dumps(entry), encoding="utf-8")
    elif how == "edited reference":
        entry["references"]["a2020"] = "WRONG"
        path.write_text(json.dumps(entry, ensure_ascii=False), encoding="utf-8")
    elif how == "no references":
        entry["references"] = {}
        path.write_text(json.dumps(entry), encoding="utf-8")
    elif how == "wrong shape":
        path.write_text(json.dumps({**entry, "references": [["a2020", "x"]]}), encoding="utf-8")
    elif how == "bare old format":
        path.write_text(json.dumps(REFERENCES), encoding="utf-8")
    elif how == "deleted":
        path.unlink()


DAMAGES = ["empty object", "truncated", "not UTF-8", "another key", "edited reference", "no references",
           "wrong shape", "bare old format", "deleted"]


@pytest.mark.parametrize("how", DAMAGES)
def test_damaged_citations_cache_entry_is_a_miss(tmp_path, how):
    path = tmp_path / "references-x.json"
    write_cache_entry(path, "k" * 64, REFERENCES)
    assert read_cache_entry(path, "k" * 64) == REFERENCES
    _damaged(path, how)
    assert read_cache_entry(path, "k" * 64) is None


@pytest.mark.parametrize("how", ["empty object", "truncated", "edited reference"])
def test_damaged_citations_cache_is_formatted_again(tmp_path, how):
    csl = write_derived_style(tmp_path / "csl" / "style.csl", locale="zh-CN")
    bib_files = sorted((ROOT / "bib").glob("*.bib"))
    cache = tmp_path / "citations"
    fresh = start_format_store(bib_files, csl, cache)()
    entry = next(cache.glob("references-*.json"))
    _damaged(entry, how)
    again = start_format_store(bib_files, csl, cache)()
    assert again == fresh and len(fresh) > 50
    assert read_cache_entry(entry, None) == fresh  # rewritten whole


def test_cache_folder_deleted_before_the_write_is_no_error(tmp_path):
    path = tmp_path / "gone" / "references-x.json"
    write_cache_entry(path, "k" * 64, REFERENCES)  # the folder is made again
    assert read_cache_entry(path, "k" * 64) == REFERENCES


# --- the derived CSL style ----------------------------------------------------------------------

@pytest.mark.parametrize("damage", [b"", b"<?xml version", "中文".encode()[:4], b"\xff\xfe\x00"])
def test_damaged_csl_style_is_written_again(tmp_path, damage):
    target = tmp_path / "csl" / "style.csl"
    write_derived_style(target, locale="zh-CN")
    good = target.read_bytes()
    target.write_bytes(damage)
    write_derived_style(target, locale="zh-CN")
    assert target.read_bytes() == good
    assert [p.name for p in target.parent.iterdir()] == ["style.csl"]


# --- atomic writes ------------------------------------------------------------------------------

def test_interrupted_atomic_write_leaves_the_old_file_and_no_temporary(tmp_path, monkeypatch):
    """Ctrl-C after the temporary file is written, before it replaces the page."""
    target = tmp_path / "page.md"
    target.write_text("old", encoding="utf-8")

    def interrupted(self, other):
        raise KeyboardInterrupt

    monkeypatch.setattr(Path, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        atomic.write_bytes(target, b"new content")
    monkeypatch.undo()
    assert target.read_text(encoding="utf-8") == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["page.md"]


@pytest.mark.parametrize("existing_mode", [None, 0o644, 0o664, 0o600])
def test_atomic_write_keeps_the_mode(tmp_path, existing_mode):
    target = tmp_path / "f.txt"
    if existing_mode is not None:
        target.write_text("x", encoding="utf-8")
        os.chmod(target, existing_mode)
    atomic.write_text(target, "y")
    umask = os.umask(0)
    os.umask(umask)
    expected = existing_mode if existing_mode is not None else 0o666 & ~umask
    assert target.stat().st_mode & 0o777 == expected


# --- kb.build_cache (KaTeX's .cache/katex) ------------------------------------------------------

from kb.build_cache import BuildCache  # noqa: E402


@pytest.mark.parametrize("how", ["truncated", "swapped", "edited value", "bare value", "wrong key", "not JSON",
                                 "folder deleted"])
def test_damaged_build_cache_entry_is_a_miss(tmp_path, how):
    cache = BuildCache(tmp_path / "katex")
    cache.put("a" * 64, {"html": "<span>A</span>"})
    cache.put("b" * 64, {"html": "<span>B</span>"})
    path_a, path_b = cache._path("a" * 64), cache._path("b" * 64)
    if how == "truncated":
        path_a.write_text(path_a.read_text(encoding="utf-8")[:30], encoding="utf-8")
    elif how == "swapped":
        path_a.write_bytes(path_b.read_bytes())
    elif how == "edited value":
        path_a.write_text(path_a.read_text(encoding="utf-8").replace("A</span>", "X</span>"), encoding="utf-8")
    elif how == "bare value":
        path_a.write_text(json.dumps({"html": "<span>A</span>"}), encoding="utf-8")
    elif how == "wrong key":
        entry = json.loads(path_a.read_text(encoding="utf-8"))
        path_a.write_text(json.dumps({**entry, "key": "c" * 64}), encoding="utf-8")
    elif how == "not JSON":
        path_a.write_bytes(b"\xff\x00garbage")
    elif how == "folder deleted":
        import shutil

        shutil.rmtree(tmp_path / "katex")
    fresh = BuildCache(tmp_path / "katex")
    assert fresh.get("a" * 64) is None
    assert fresh.misses == 1
    fresh.put("a" * 64, {"html": "<span>A</span>"})  # rebuilt, also into a deleted folder
    assert BuildCache(tmp_path / "katex").get("a" * 64) == {"html": "<span>A</span>"}


# --- jieba's segmentation memo (.cache/search) ---------------------------------------------------

def test_segments_memo_keeps_only_entries_that_belong_to_their_run(tmp_path):
    from kb import search_index

    path = tmp_path / "segments-x.json"
    path.write_text(json.dumps({"缩放定律": ["缩放", "定律"], "涌现能力": ["缩放", "定律"], "模型": "模型",
                                "训练数据": [1, 2]}, ensure_ascii=False), encoding="utf-8")
    saved = dict(search_index._segments)
    search_index._segments.clear()
    try:
        search_index.load_segments(path)
        assert search_index._segments == {"缩放定律": ["缩放", "定律"]}
        path.write_text('{"缩放定律": ["缩', encoding="utf-8")  # truncated: nothing loaded, no error
        search_index._segments.clear()
        search_index.load_segments(path)
        assert search_index._segments == {}
    finally:
        search_index._segments.clear()
        search_index._segments.update(saved)


# --- citations and prices: only prose, only known keys, nothing deleted --------------------------

from kb.citations import cite  # noqa: E402
from kb.math_render import find_formulas, substitute  # noqa: E402

KNOWN = {"kaplan2020scaling", "smith.2020", "hoffmann2022training"}


@pytest.mark.parametrize("markdown", [
    "- 列表\n\n        [@kaplan2020scaling] 列表里的缩进代码\n",
    "- 列表\n\n    ```\n    [@kaplan2020scaling] 列表里的围栏代码\n    ```\n",
    "段落\n\n    [@kaplan2020scaling] 缩进代码\n",
    "<code>[@kaplan2020scaling]</code> 和 `[@kaplan2020scaling]`\n",
    "~~~\n[@kaplan2020scaling]\n~~~\n",
    "[联系：someone@example.com]\n",
    "[邮件 a.b@example.org 与 c@d.e]\n",
    "未知的键 [@nokey2020] 原样保留\n",
    "部分未知 [@kaplan2020scaling; @nokey2020] 原样保留\n",
    "[链接文字 @kaplan2020scaling](https://example.org)\n",
])
def test_cite_leaves_code_emails_and_unknown_keys_as_written(markdown):
    out, order, _ = cite(markdown, KNOWN)
    assert out == markdown and order == []


@pytest.mark.parametrize("markdown,expected,keys", [
    ("见 [@kaplan2020scaling]。", "见 [^kaplan2020scaling]。", ["kaplan2020scaling"]),
    ("带点的键 [@smith.2020]。", "带点的键 [^smith.2020]。", ["smith.2020"]),
    ("[@smith.2020; @hoffmann2022training, p. 3]", "[^smith.2020][^hoffmann2022training]",
     ["smith.2020", "hoffmann2022training"]),
])
def test_cite_replaces_known_keys_in_prose(markdown, expected, keys):
    out, order, unknown = cite(markdown, KNOWN)
    assert (out, order, unknown) == (expected, keys, [])


@pytest.mark.parametrize("html,text", [
    ('<p>价格从<span class="arithmatex">\\(5涨到\\)</span>10。</p>', "<p>价格从$5涨到$10。</p>"),
    ('<p>区间 <span class="arithmatex">\\(5…\\)</span>10 之间</p>', "<p>区间 $5…$10 之间</p>"),
    ('<p><span class="arithmatex">\\(a &lt; b\\)</span>3</p>', "<p>$a &lt; b$3</p>"),
])
def test_prices_are_not_formulas(html, text):
    assert substitute(html, find_formulas(html), {}) == text


def test_a_formula_followed_by_a_letter_is_still_one():
    html = '<p><span class="arithmatex">\\(x\\)</span>a</p>'
    formulas = find_formulas(html)
    assert [f.not_math for f in formulas] == [False]
    assert "KATEX" in substitute(html, formulas, {(False, "x"): "KATEX"})


def test_cache_folder_deleted_during_a_build_is_no_error(tmp_path):
    """.cache/ removed again and again while a cold build runs: the build still succeeds."""
    import shutil
    import threading
    import time

    repo = copy_repository(tmp_path / "repo")
    stop = threading.Event()

    def delete_cache():
        while not stop.is_set():
            shutil.rmtree(repo / ".cache", ignore_errors=True)
            time.sleep(0.3)

    deleter = threading.Thread(target=delete_cache)
    deleter.start()
    try:
        result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(tmp_path / "site")],
                                cwd=repo, capture_output=True, text=True, timeout=900)
    finally:
        stop.set()
        deleter.join()
    assert "Traceback" not in result.stderr
    assert result.returncode == 0, result.stderr[-3000:]
