"""Build the site with each search engine compared in tests/bench/ (not used by CI tests).

  site            this repository's search (docs/javascripts/search-worker.js)
  material        Material's own lunr worker, the search plugin as configured in mkdocs.yml
  material-fixed  Material's worker with the two segmenter fixes below, stemming off, and the
                  glossary's forms appended to each explaining page's index entry
  pagefind        Pagefind (pagefind-bin-extended: Chinese segmented at index time) over the
                  `material` build's pages; `pagefind+glossary` adds the glossary forms as
                  hidden text to each explaining page first
"""

import gzip
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))

from kb.glossary import load_glossary  # noqa: E402
from kb.search_index import chinese_words, page_location  # noqa: E402

ENGINES = ["site", "material", "material-fixed", "pagefind", "pagefind+glossary"]

# Material 9.x worker, segment(): the inner loop never lets a word end at the last character
# (j < query.length), and a position that starts no known word ends the segmentation.
SEGMENT_FIXES = [
    ("for(let o=s+1;o<t.length;o++)", "for(let o=s+1;o<=t.length;o++)"),
    ("let a=o+n[o];n[a]&&a<t.length-1&&(i[s++]=a)", "let a=o+Math.max(n[o],1);a<t.length&&(i[s++]=a)"),
]


def mkdocs_build(site_dir: Path, env: dict | None = None, config: Path | None = None,
                 strict: bool = True) -> None:
    cmd = [sys.executable, "-m", "mkdocs", "build", "--site-dir", str(site_dir)]
    if strict:
        cmd.append("--strict")
    if config:
        cmd += ["--config-file", str(config)]
    result = subprocess.run(cmd, cwd=config.parent if config else ROOT, capture_output=True, text=True,
                            env={**os.environ, **(env or {})}, timeout=1200)
    if result.returncode != 0:
        raise RuntimeError(f"mkdocs build failed:\n{result.stderr[-3000:]}")


def build(engine: str, out: Path, project: Path = ROOT, strict: bool = True) -> Path:
    """Build `project` (a checkout of this repository) with `engine` into out/; returns out."""
    config = project / "mkdocs.yml"
    if engine == "site":
        mkdocs_build(out, config=config, strict=strict)
    elif engine in ("material", "pagefind", "pagefind+glossary"):
        material = project / "mkdocs.material.yml"
        material.write_text("INHERIT: mkdocs.yml\nplugins:\n  kb:\n    search_engine: material\n", encoding="utf-8")
        try:
            mkdocs_build(out, config=material, strict=strict)
        finally:
            material.unlink()
        if engine.startswith("pagefind"):
            if engine == "pagefind+glossary":
                add_hidden_glossary(out, project)
            run_pagefind(out)
    elif engine == "material-fixed":
        fixed = project / "mkdocs.material-fixed.yml"
        fixed.write_text("INHERIT: mkdocs.yml\nplugins:\n  search:\n    lang: [zh, en]\n    pipeline: []\n"
                         "  kb:\n    search_engine: material\n",
                         encoding="utf-8")
        try:
            mkdocs_build(out, config=fixed, strict=strict)
        finally:
            fixed.unlink()
        patch_material_worker(out)
        add_glossary_to_material_index(out, project)
    else:
        raise ValueError(engine)
    return out


def patch_material_worker(site: Path) -> None:
    for worker in (site / "assets/javascripts/workers").glob("search.*.min.js"):
        code = worker.read_text(encoding="utf-8")
        for old, new in SEGMENT_FIXES:
            if old not in code:
                raise RuntimeError(f"{worker}: segmenter code not found, Material changed")
            code = code.replace(old, new)
        worker.write_text(code, encoding="utf-8")


def add_glossary_to_material_index(site: Path, project: Path) -> None:
    path = site / "search/search_index.json"
    index = json.loads(path.read_text(encoding="utf-8"))
    forms: dict[str, list[str]] = {}
    for term in load_glossary(project / "data/glossary.yaml"):
        forms.setdefault(page_location(term.page), []).extend(term.search_forms())
    for doc in index["docs"]:
        extra = forms.get(doc["location"])
        if extra:
            words = " ".join(extra) + " " + "\u200b".join(chinese_words(" ".join(extra)))
            doc["text"] = doc.get("text", "") + " <p>" + words + "</p>"
    path.write_text(json.dumps(index, ensure_ascii=False), encoding="utf-8")


def add_hidden_glossary(site: Path, project: Path) -> None:
    for term in load_glossary(project / "data/glossary.yaml"):
        html_path = site / page_location(term.page) / "index.html"
        html = html_path.read_text(encoding="utf-8")
        block = f'<p hidden data-pagefind-weight="5">{" ".join(term.search_forms())}</p>'
        html_path.write_text(html.replace("</article>", block + "</article>", 1), encoding="utf-8")


def run_pagefind(site: Path) -> None:
    # Pagefind has no page boost: leave the glossary page (which names every term) out, as the
    # other engines rank it low (search.boost: 0.2).
    glossary = site / "glossary" / "index.html"
    if glossary.is_file():
        html = glossary.read_text(encoding="utf-8")
        glossary.write_text(html.replace('<article class="md-content__inner',
                                         '<article data-pagefind-ignore="all" class="md-content__inner', 1),
                            encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "pagefind", "--site", str(site),
                             "--root-selector", "article.md-content__inner"],
                            capture_output=True, text=True, timeout=600)
    if result.returncode != 0:
        raise RuntimeError(f"pagefind failed (pip install 'pagefind[extended]'):\n{result.stderr[-2000:]}")


def index_files(engine: str, site: Path) -> list[Path]:
    """What the engine downloads to search (the index, not the worker code)."""
    if engine == "site":
        return sorted((site / "search/kb").rglob("*.js"))  # all shards: the browser fetches some
    if engine.startswith("pagefind"):
        return [p for p in (site / "pagefind").rglob("*") if p.is_file() and p.suffix not in (".js", ".css")]
    return [site / "search/search_index.json"]


def index_size(engine: str, site: Path) -> tuple[int, int]:
    """(raw bytes, gzip bytes) of the engine's index."""
    raw = gz = 0
    for path in index_files(engine, site):
        data = path.read_bytes()
        raw += len(data)
        gz += len(data) if path.suffix in (".pf_fragment", ".pf_index", ".pf_meta", ".pagefind") \
            else len(gzip.compress(data, 9))
    return raw, gz


def synthetic_project(factor: int = 20) -> Path:
    """A temporary copy of the repository whose docs/ hold `factor` times the topic pages.

    Copy k of a page keeps its words and citations but shifts every sentence by k places, so the
    vocabulary and its distribution match the real site.
    """
    tmp = Path(tempfile.mkdtemp(prefix="kb-synthetic-"))
    for name in ("mkdocs.yml", "data", "bib", "overrides", "scripts", "assets", ".autocorrectrc"):
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, tmp / name, symlinks=True)
        elif src.exists():
            shutil.copy(src, tmp / name)
    (tmp / "node_modules").symlink_to(ROOT / "node_modules")
    shutil.copytree(ROOT / "docs", tmp / "docs", symlinks=True)
    pages = [p for p in (ROOT / "docs").rglob("*.md") if p.parent != ROOT / "docs" and "assets" not in p.parts]
    for k in range(1, factor):
        for page in pages:
            text = page.read_text(encoding="utf-8")
            front = re.match(r"---\n.*?\n---\n", text, re.S)
            head, text = (front.group(0), text[front.end():]) if front else ("", text)
            body = re.split(r"(?<=[。！？])", text)
            shifted = "".join(body[k % len(body):] + body[:k % len(body)]) if len(body) > 3 else text
            head = re.sub(r"^title: (.*)$", rf"title: \1（副本 {k}）", head, count=1, flags=re.M)
            shifted = head + shifted
            dest = tmp / "docs" / "synthetic" / f"copy-{k:02d}" / page.relative_to(ROOT / "docs")
            dest.parent.mkdir(parents=True, exist_ok=True)
            # links to other pages would point outside the copy: keep their text only
            dest.write_text(re.sub(r"\]\((?!https?:)[^)]*\)", "]", shifted), encoding="utf-8")
    return tmp
