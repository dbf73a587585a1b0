"""`kb offline`: the site for reading without a network, as a zip and as one PDF.

1. `mkdocs build --strict -f offline.yml`: Material's offline plugin (no directory URLs,
   the search index inlined so search works from file://) and the print-site plugin, which adds
   print_page.html, every page on one page with a table of contents.
2. The zip: that site under one folder; unzip and open llm-notes/index.html from disk.
3. The PDF: headless Chromium (Debian's, driven by Playwright) prints print_page.html, served on
   127.0.0.1 with every other host blocked, once its formulas (KaTeX) and diagrams are drawn (the
   build inlines the SVGs `kb diagrams` drew; Mermaid draws any diagram that has none).
   Chromium's tagged PDF turns the headings into the outline (bookmarks); links inside the
   page stay links inside the PDF; the CJK text uses the system's Noto CJK fonts.

Both files are written under a temporary name and renamed at the end: nothing half-written.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

from . import epub
from .browser import CHROMIUM, CHROMIUM_ARGS, LocalServer
from .errors import KbError
from .topics import load_topics

ZIP_NAME = "llm-notes-offline.zip"
EPUB_NAME = "llm-notes.epub"
# The book's appendices after the topic pages: (title, page of the built offline site).
EPUB_APPENDICES = [("术语表", "glossary.html"), ("参考文献", "references.html"), ("原始笔记", "sources.html")]
PDF_NAME = "llm-notes.pdf"
ZIP_FOLDER = "llm-notes"
PRINT_PAGE = "print_page.html"
# Fixed time stamp of every zip entry, so the same site gives the same zip.
ZIP_DATE = (2024, 1, 1, 0, 0, 0)

FOOTER = ('<div style="width:100%;font-size:8px;color:#777;text-align:center;">'
          '<span class="pageNumber"></span> / <span class="totalPages"></span></div>')

# In the browser: wait until every formula and diagram is drawn and every image has loaded.
READY_JS = """
async () => {
  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
  // Playwright's "networkidle" can come while the parser is still adding the print page's later pages.
  if (document.readyState !== 'complete') await new Promise((r) => addEventListener('load', r, { once: true }));
  for (let i = 0; i < 600; i++) {
    const math = [...document.querySelectorAll('.arithmatex')].filter((e) => !e.querySelector('.katex')).length;
    const diagrams = document.querySelectorAll('pre.mermaid').length;  // Material swaps each for an SVG
    if (!math && !diagrams) break;
    await sleep(100);
  }
  for (const img of document.images) { img.loading = 'eager'; }
  await Promise.all([...document.images].map((i) => i.complete ? 0 : new Promise((r) => { i.onload = i.onerror = r; })));
  await document.fonts.ready;
  return {
    formulas: document.querySelectorAll('.arithmatex .katex').length,
    unrendered: [...document.querySelectorAll('.arithmatex')].filter((e) => !e.querySelector('.katex')).length,
    // Drawn diagrams: pre-rendered by `kb diagrams` (inlined by the build) and drawn by Mermaid here.
    diagrams: document.querySelectorAll('.kb-diagram, div.mermaid').length,
    prerendered_diagrams: document.querySelectorAll('.kb-diagram').length,
    pending_diagrams: document.querySelectorAll('pre.mermaid').length,
    images: document.images.length,
    broken_images: [...document.images].filter((i) => i.naturalWidth === 0).map((i) => i.src),
  };
}
"""


# In the browser, before printing: the print-site plugin prefixes each page's links with the
# page's id ("#pretraining-training-fnref:key") but not every target (page titles, footnotes), and
# its table of contents copies the wrong sidebar. Give each target the id its links use, rebuild
# the table of contents from the pages' own headings, drop the "¶" permalinks; count what still
# points nowhere.
PREPARE_JS = """
() => {
  const hrefs = (root) => [...root.querySelectorAll('a[href^="#"]')].map((a) => decodeURIComponent(a.getAttribute('href').slice(1)));
  const targets = new Set(hrefs(document));
  for (const section of document.querySelectorAll('section.print-page[id]')) {
    for (const el of section.querySelectorAll('[id]')) {
      const wanted = `${section.id}-${el.id}`;
      if (!targets.has(el.id) && targets.has(wanted) && !document.getElementById(wanted)) el.id = wanted;
    }
  }
  document.querySelectorAll('a.headerlink').forEach((a) => a.remove());
  const nav = document.querySelector('#print-page-toc nav');
  if (nav) {
    nav.querySelectorAll(':scope > :not(.print-page-toc-title)').forEach((e) => e.remove());
    const list = document.createElement('ul');
    for (const section of document.querySelectorAll('section.print-page[id]')) {
      const h1 = section.querySelector('h1[id]');
      if (!h1) continue;
      const item = document.createElement('li');
      item.innerHTML = `<a href="#${h1.id}"></a>`;
      item.firstChild.textContent = h1.textContent.trim();
      const subs = [...section.querySelectorAll('h2[id]')];
      if (subs.length) {
        const sub = document.createElement('ul');
        for (const h2 of subs) {
          const li = document.createElement('li');
          li.innerHTML = `<a href="#${h2.id}"></a>`;
          li.firstChild.textContent = h2.textContent.trim();
          sub.append(li);
        }
        item.append(sub);
      }
      list.append(item);
    }
    nav.append(list);
  }
  const ids = new Set([...document.querySelectorAll('[id]')].map((e) => e.id));
  return [...new Set(hrefs(document))].filter((h) => h && !ids.has(h));
}
"""


@dataclass
class OfflineResult:
    zip_path: Path
    pdf_path: Path
    epub_path: Path
    pages: int  # HTML pages in the zip
    print_stats: dict
    epub_stats: dict


def build_site(root: Path, site_dir: Path) -> None:
    """The offline variant of the site (offline.yml: mkdocs.yml with the offline options on) into
    site_dir, strictly."""
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--config-file", "offline.yml",
                             "--site-dir", str(site_dir)], cwd=root, capture_output=True, text=True)
    if result.returncode != 0:
        lines = [line for line in result.stderr.splitlines() if "ERROR" in line or "WARNING" in line]
        raise KbError("mkdocs.yml", "offline build failed: " + (lines[-1] if lines else result.stderr[-500:]))
    if not (site_dir / PRINT_PAGE).is_file():
        raise KbError("mkdocs.yml", f"the offline build wrote no {PRINT_PAGE} (is the print-site plugin enabled in offline.yml?)")


def make_zip(site_dir: Path, zip_path: Path) -> int:
    """Zip site_dir under one folder; returns the number of HTML pages."""
    tmp = zip_path.with_name(zip_path.name + ".tmp")
    pages = 0
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for path in sorted(p for p in site_dir.rglob("*") if p.is_file()):
            rel = path.relative_to(site_dir).as_posix()
            info = zipfile.ZipInfo(f"{ZIP_FOLDER}/{rel}", date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, path.read_bytes())
            pages += rel.endswith(".html")
    tmp.replace(zip_path)
    return pages


def cjk_font_present() -> bool:
    """A Chinese font that Chromium can find through fontconfig (Debian: fonts-noto-cjk)."""
    try:
        listed = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True).stdout
    except FileNotFoundError:
        return False
    return bool(listed.strip())


def _config_value(root: Path, key: str) -> str:
    """A top-level scalar of mkdocs.yml (site_url, site_name ...), read without the plugins' tags."""
    for line in (root / "mkdocs.yml").read_text(encoding="utf-8").splitlines():
        if line.startswith(f"{key}:"):
            return line.split(":", 1)[1].strip()
    return ""


def site_path(root: Path) -> str:
    """The path of site_url ("/llm-notes/"): the site's scripts ask for files under it."""
    return "/" + urlparse(_config_value(root, "site_url")).path.strip("/") + "/"


def last_commit_time(root: Path) -> str:
    """When the content last changed (the last commit, UTC), so the same commit makes the same book."""
    result = subprocess.run(["git", "log", "-1", "--format=%ct"], cwd=root, capture_output=True, text=True)
    stamp = int(result.stdout.strip()) if result.returncode == 0 and result.stdout.strip() else int(time.time())
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(stamp))


def write_book(root: Path, site_dir: Path, epub_path: Path) -> dict:
    """The EPUB of the built offline site (kb.epub), in topic-map order."""
    chapters = epub.chapters_from_topics(load_topics(root / "data" / "topics.yaml"), EPUB_APPENDICES)
    return epub.write_epub(site_dir, chapters, epub_path, title=_config_value(root, "site_name"),
                           description=_config_value(root, "site_description"),
                           site_url=_config_value(root, "site_url"), modified=last_commit_time(root))


def print_pdf(site_dir: Path, pdf_path: Path, base: str = "/") -> dict:
    """Print the site's print page to pdf_path with headless Chromium, the site served on
    127.0.0.1 under `base` (the path of site_url); returns what was drawn."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:
        raise KbError("pyproject.toml", "the PDF needs Playwright: pip install -e '.[dev]'") from exc
    if not Path(CHROMIUM).exists():
        raise KbError(CHROMIUM, "no Chromium here (Debian: apt-get install chromium; or set KB_CHROMIUM)")
    if not cjk_font_present():
        raise KbError("fontconfig", "no Chinese font for the PDF (Debian: apt-get install fonts-noto-cjk)")
    served = Path(tempfile.mkdtemp(prefix="kb-print-"))
    mount = served / base.strip("/") if base.strip("/") else served
    mount.parent.mkdir(parents=True, exist_ok=True)
    if mount != served:
        mount.symlink_to(site_dir.resolve(), target_is_directory=True)
    server = LocalServer(mount if mount == served else served).__enter__()
    origin = server.origin
    foreign, errors = [], []
    tmp = pdf_path.with_name(pdf_path.name + ".tmp")
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1100, "height": 1400})

            def route(r):
                if urlparse(r.request.url).netloc == origin or r.request.url.startswith("data:"):
                    r.continue_()
                else:
                    foreign.append(r.request.url)
                    r.abort()

            page.route("**/*", route)
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(f"http://{origin}{base}{PRINT_PAGE}", wait_until="networkidle", timeout=120_000)
            stats = page.evaluate(READY_JS)
            stats["dangling_links"] = page.evaluate(PREPARE_JS)
            page.emulate_media(media="print")
            page.pdf(path=str(tmp), format="A4", print_background=True, outline=True, tagged=True,
                     display_header_footer=True, header_template="<span></span>", footer_template=FOOTER,
                     margin={"top": "16mm", "bottom": "16mm", "left": "14mm", "right": "14mm"})
            browser.close()
    finally:
        server.__exit__()
        shutil.rmtree(served, ignore_errors=True)
    if foreign or errors or stats["unrendered"] or stats["pending_diagrams"] or stats["broken_images"]:
        tmp.unlink(missing_ok=True)
        what = foreign[:1] or errors[:1] or stats["broken_images"][:1] or [
            f"{stats['unrendered']} formulas, {stats['pending_diagrams']} diagrams not drawn"]
        raise KbError(PRINT_PAGE, f"cannot print cleanly: {what[0]}")
    from .offline_text import fix_pdf

    stats["radicals_fixed"] = fix_pdf(tmp)  # "能⼒" -> "能力" in the text layer
    tmp.replace(pdf_path)
    return {**stats, "foreign": foreign, "errors": errors}


def build(root: Path, out_dir: Path, *, pdf: bool = True) -> OfflineResult:
    """Build the offline site, zip it and print it into out_dir."""
    out_dir.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="kb-offline-"))
    try:
        site = work / "site"
        build_site(root, site)
        pages = make_zip(site, out_dir / ZIP_NAME)
        book = write_book(root, site, out_dir / EPUB_NAME)
        stats = print_pdf(site, out_dir / PDF_NAME, site_path(root)) if pdf else {}
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return OfflineResult(out_dir / ZIP_NAME, out_dir / PDF_NAME, out_dir / EPUB_NAME, pages, stats, book)
