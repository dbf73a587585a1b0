"""The build caches (.cache/render, .cache/glossary, .cache/jinja, .cache/katex): a warm build is the cold build, byte for byte;
an edit is seen at once; nothing a cold build reports is hidden by a cached page."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from kb.build_cache import BuildCache
from sitekit import copy_repository

PAGE = "foundations/emergence.md"


def build(root: Path, site: Path, *, cache: bool = True, strict: bool = True) -> subprocess.CompletedProcess:
    env = {**os.environ, "KB_BUILD_CACHE": "on" if cache else "off"}
    args = [sys.executable, "-m", "mkdocs", "build", "--site-dir", str(site), "--strict" if strict else "--no-strict"]
    return subprocess.run(args, cwd=root, capture_output=True, text=True, timeout=600, env=env)


def pages(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*.html"))}


def entry_for(root: Path, page_marker: str) -> Path:
    """The render-cache file whose stored HTML contains page_marker (one page's own text)."""
    found = [p for p in (root / ".cache" / "render").glob("*/*.json")
             if page_marker in json.loads(p.read_text(encoding="utf-8"))["value"]["content"]]
    assert len(found) == 1, f"{len(found)} render-cache entries contain {page_marker!r}"
    return found[0]


@pytest.fixture
def repo(tmp_path):
    return copy_repository(tmp_path / "kb")


def test_a_warm_build_writes_the_same_pages_as_a_build_without_cache(repo, tmp_path):
    for name, cache in (("off", False), ("cold", True), ("warm", True)):
        result = build(repo, tmp_path / name, cache=cache)
        assert result.returncode == 0, result.stderr[-2000:]
    off, cold, warm = (pages(tmp_path / n) for n in ("off", "cold", "warm"))
    assert len(off) > 15
    assert cold == off
    assert warm == off
    docs_pages = len(list((repo / "docs").rglob("*.md"))) + 2  # + references, missing figures
    assert len(list((repo / ".cache" / "render").glob("*/*.json"))) >= docs_pages
    assert len(list((repo / ".cache" / "glossary").glob("*/*.json"))) >= docs_pages - 1
    assert list((repo / ".cache" / "jinja").glob("__jinja2_*.cache")), "compiled theme templates are kept"
    assert len(list((repo / ".cache" / "katex").glob("*/*.json"))) >= 40, "formulas KaTeX rendered are kept"


def test_a_warm_build_reuses_stored_html_and_an_edit_replaces_it(repo, tmp_path):
    assert build(repo, tmp_path / "first").returncode == 0
    entry = entry_for(repo, 'id="u-型曲线u-shaped-curve"')
    stored = json.loads(entry.read_text(encoding="utf-8"))["value"]
    stored["content"] = stored["content"].replace("U 型曲线（U-shaped Curve）", "U 型曲线（STORED-IN-CACHE）", 1)
    BuildCache(entry.parent.parent).put(entry.stem, stored)  # a valid entry (an edited file is a miss)

    assert build(repo, tmp_path / "reused").returncode == 0
    assert "STORED-IN-CACHE" in (tmp_path / "reused" / "foundations/emergence/index.html").read_text(encoding="utf-8")

    page = repo / "docs" / PAGE
    page.write_text(page.read_text(encoding="utf-8").replace("U 型曲线（U-shaped Curve）", "U 形曲线（U-shaped Curve）"),
                    encoding="utf-8")
    torn = entry.with_name(f"{entry.name}.4242.tmp")  # a writer killed half-way
    torn.write_text('{"content": "<p>half', encoding="utf-8")
    assert build(repo, tmp_path / "edited").returncode == 0
    html = (tmp_path / "edited" / "foundations/emergence/index.html").read_text(encoding="utf-8")
    assert "STORED-IN-CACHE" not in html and "U 形曲线（U-shaped Curve）" in html
    assert not entry.exists(), "the stale entry of the edited page is pruned after a complete build"
    assert not torn.exists(), "a torn write is removed by the prune too"


def test_a_broken_anchor_is_reported_even_when_the_linking_page_is_cached(repo, tmp_path):
    linking = repo / "docs" / "guide" / "open-questions.md"
    linking.write_text(linking.read_text(encoding="utf-8")
                       + "\n另见[U 型曲线](../foundations/emergence.md#u-型曲线u-shaped-curve)。\n", encoding="utf-8")
    first = build(repo, tmp_path / "first")
    assert first.returncode == 0, first.stderr[-2000:]

    target = repo / "docs" / PAGE  # the anchor goes away; the linking page itself is unchanged
    target.write_text(target.read_text(encoding="utf-8").replace("### U 型曲线（U-shaped Curve）",
                                                                 "### U 形曲线", 1), encoding="utf-8")
    warm = build(repo, tmp_path / "warm")
    cold = build(repo, tmp_path / "cold", cache=False)
    message = "emergence.md' does not contain an anchor '#u-型曲线u-shaped-curve'"
    assert message in cold.stderr
    assert message in warm.stderr, "MkDocs checks anchors of cached pages too"


def test_a_page_whose_conversion_warned_is_not_stored(repo, tmp_path):
    page = repo / "docs" / PAGE
    page.write_text(page.read_text(encoding="utf-8") + "\n[断链](no-such-page.md)（CACHE-PROBE）\n", encoding="utf-8")
    result = build(repo, tmp_path / "site", strict=False)
    assert result.returncode == 0 and "no-such-page.md" in result.stderr
    stored = [p for p in (repo / ".cache" / "render").glob("*/*.json") if "CACHE-PROBE" in p.read_text(encoding="utf-8")]
    assert stored == []
    again = build(repo, tmp_path / "again", strict=False)
    assert "no-such-page.md" in again.stderr, "the warning is given again by the next build"


def test_the_second_process_fills_the_caches_with_exactly_what_the_build_computes(repo, tmp_path):
    """kb.prerender alone (as if the build were slow to start): every page it stores is the page a
    build without any cache writes, and the build that follows converts and indexes nothing."""
    from mkdocs.commands.build import get_navigation
    from mkdocs.config import load_config
    from mkdocs.structure.files import get_files
    from kb.prerender import Prerenderer

    # what `mkdocs build` has when the hook forks: configuration, files, navigation
    config = load_config(str(repo / "mkdocs.yml"))
    config.plugins.on_startup(command="build", dirty=False)
    config = config.plugins.on_config(config)
    files = get_files(config)
    files.add_files_from_theme(config.theme.get_env(), config)
    files = config.plugins.on_files(files, config=config)
    config.plugins.on_nav(get_navigation(files, config), config=config, files=files)
    # the build reads pandoc's formatted references at its first citing page; the fork waits for them
    config.plugins["scripts/kb/mkdocs_hooks/citations.py"].state["formatted"]()
    worker = Prerenderer(list(files.documentation_pages()), config, files)
    assert worker.wait(timeout=300), "the pre-render process did not finish"
    config.plugins.on_shutdown()
    docs_pages = len(list((repo / "docs").rglob("*.md"))) + 2  # + references, missing figures
    for cache in ("render", "glossary", "search-entries"):
        assert len(list((repo / ".cache" / cache).glob("*/*.json"))) >= docs_pages - 1, cache
    assert not (repo / "site").exists(), "the pre-render process wrote a site"

    env = {**os.environ, "KB_PRERENDER": "off"}
    args = [sys.executable, "-m", "mkdocs", "build", "--strict", "--verbose", "--site-dir", str(tmp_path / "warm")]
    warm = subprocess.run(args, cwd=repo, capture_output=True, text=True, timeout=600, env=env)
    assert warm.returncode == 0, warm.stderr[-2000:]
    assert "render cache: " in warm.stderr and " 0 converted" in warm.stderr
    # The tags page is the one page whose HTML changes after it is rendered (Material's tags
    # plugin lists the tagged pages once all are read): it is indexed by the build itself.
    indexed = [line.split("indexing ")[1] for line in warm.stderr.splitlines() if "search entries cache: indexing" in line]
    assert indexed == ["tags.md"]
    assert build(repo, tmp_path / "off", cache=False).returncode == 0
    assert pages(tmp_path / "warm") == pages(tmp_path / "off")
