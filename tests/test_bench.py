"""The pure parts of `kb bench`: the synthetic corpus, the default configuration, the exponent fit.

Real pages, a real copy of the repository and real `mkdocs build`s; no timing is asserted.
"""

import posixpath
import re
from pathlib import Path

import pytest

from bench.corpus import LINK, make_corpus, parse_page, relink
from bench.measure import growth_exponent, run_build
from bench.workspace import (DEFAULT_CONFIG, GENERATED, add_corpus, copy_repository, docs_paths, real_pages,
                                write_default_config)
from kb.checks.bibliography import cited_keys, read_store

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"


def _pages():
    return [parse_page(p.relative_to(DOCS).as_posix(), p.read_text(encoding="utf-8")) for p in real_pages(DOCS)]


def test_parse_page_keeps_every_section():
    page = parse_page("a/b.md", "---\ntitle: T\n---\n\n# Heading\n\nintro\n\n## One\n\nx\n\n```\n## not a heading\n```\n\n## Two\n\ny\n")
    assert page.title == "T"
    assert page.intro == "intro"
    assert [s.heading for s in page.sections] == ["One", "Two"]
    assert "## not a heading" in page.sections[0].body


def test_relink_repoints_or_drops():
    exists = {"foundations/emergence.md", "sources.md"}.__contains__
    text = "[涌现](emergence.md)、[来源](../sources.md#note-001)、[没有](gone.md)、[外链](https://example.org/x.md)"
    out = relink(text, "foundations/scaling-laws.md", "corpus/g00/x-00001.md", exists)
    assert out == ("[涌现](../../foundations/emergence.md)、[来源](../../sources.md#note-001)、没有、"
                   "[外链](https://example.org/x.md)")


def test_corpus_pages_are_distinct_and_their_links_and_citations_resolve():
    pages = _pages()
    existing = docs_paths(DOCS) | set(GENERATED)
    corpus = make_corpus(pages, 60, existing)
    assert len(corpus) == 60
    assert len(set(corpus.values())) == 60
    assert all(path.startswith("corpus/") for path in corpus)
    everything = existing | set(corpus)
    known = {e.key for e in read_store(ROOT / "bib", ROOT)[0]}
    for path, text in corpus.items():
        for m in LINK.finditer(text):
            target = m.group("target").split("#")[0]
            if target and not re.match(r"^[a-z]+:", target):
                resolved = posixpath.normpath(posixpath.join(posixpath.dirname(path), target))
                assert resolved in everything, f"{path}: broken link {target}"
        assert {key for key, _ in cited_keys(text)} <= known


def test_growth_exponent():
    assert growth_exponent([(100, 1.0), (1000, 10.0), (10000, 100.0)]) == pytest.approx(1.0)
    assert growth_exponent([(10, 1.0), (100, 100.0)]) == pytest.approx(2.0)
    assert growth_exponent([(10, 1.0)]) is None


def test_corpus_builds_with_ours_and_default_material(tmp_path):
    site_root = copy_repository(ROOT, tmp_path / "copy")
    before = len(real_pages(site_root / "docs"))
    added = add_corpus(site_root, before + 25)
    assert added == 25 and len(real_pages(site_root / "docs")) == before + 25
    config = write_default_config(site_root)
    assert config.name == DEFAULT_CONFIG and "material" in config.read_text(encoding="utf-8")
    ours = run_build(site_root, "mkdocs.yml", tmp_path / "ours", strict=True)
    assert ours.ok, ours.log[-3000:]
    default = run_build(site_root, DEFAULT_CONFIG, tmp_path / "default")
    assert default.ok, default.log[-3000:]
    for site in (tmp_path / "ours", tmp_path / "default"):
        assert (site / "corpus" / "g00").is_dir()
        assert len(list((site / "corpus").rglob("index.html"))) == 25
    assert ours.peak_rss_mb > 0 and ours.seconds > 0


def test_the_build_figure_is_the_median_run_and_the_table_lists_every_run():
    from bench.measure import Build
    from bench.run import median_build, table

    runs = [Build(s, 100.0, True, 22, f"log {s}") for s in (2.7, 2.2, 2.6)]
    assert median_build(runs).seconds == 2.6
    assert median_build([*runs, Build(9.0, 1.0, False, 0, "broken")]).log == "broken"
    both = lambda cold, default: {"ours_cold": {"seconds": cold[1], "peak_rss_mb": 170, "ok": True, "runs": cold},  # noqa: E731
                                  "default": {"seconds": default[1], "peak_rss_mb": 100, "ok": True, "runs": default}}
    text = table({"builds": {"18": both([2.2, 2.6, 2.7], [1.7, 1.9, 2.0])}, "search_index": {}})
    assert "2.6 s / 170 MB (median of 2.2, 2.6, 2.7)" in text
    assert "1.37 cold" in text


def test_the_lighthouse_figure_is_the_run_with_the_median_performance():
    from bench.lighthouse import median_report

    runs = [{"url": "u", "scores": {"performance": p}, "failing": [f"run {i}"]} for i, p in enumerate((79, 92, 86))]
    chosen = median_report(runs)
    assert chosen["scores"]["performance"] == 86 and chosen["failing"] == ["run 2"]
    assert chosen["performance_runs"] == [79, 92, 86]
    failed = {"url": "u", "scores": {}, "failing": ["lighthouse failed"]}
    assert median_report([failed, runs[0]])["failing"] == ["lighthouse failed"]  # lower middle of two


def test_event_timer_accounts_for_a_cold_build_by_handler(tmp_path):
    """`python -m bench.events build`: a real cold build on one core, its time split by handler."""
    import os
    import subprocess
    import sys

    site_root = copy_repository(ROOT, tmp_path / "copy")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(site_root / "scripts"), str(site_root / "tests")])}
    result = subprocess.run([sys.executable, "-m", "bench.events", "build", "-q", "-d", str(tmp_path / "site")],
                            cwd=site_root, env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    assert (tmp_path / "site" / "architecture" / "transformer" / "index.html").is_file()
    rows = {m.group(3): (float(m.group(1)), int(m.group(2)))
            for m in re.finditer(r"^ *([\d.]+) +(\d+)  (.+)$", result.stderr, re.M)}
    pages = len(list((tmp_path / "site").rglob("index.html")))
    seconds, calls = rows["Markdown -> HTML / Page.render"]
    assert seconds > 0 and calls >= pages - 2  # every page converted (a cold build); 404 and redirects aside
    assert rows["on_page_content / kb"][1] == 2 * calls  # the kb plugin's two handlers (CombinedEvent)
    total = float(re.search(r"build ([\d.]+) s", result.stderr).group(1))
    assert sum(s for s, _ in rows.values()) <= total * 1.05


@pytest.mark.browser
def test_startup_measures_a_built_page_in_throttled_chromium(built_site, capsys):
    """`python -m bench.startup`: real loads of a real page; no figure is asserted but that it was read."""
    from bench.startup import FIGURES, main, measure

    site, _ = built_site
    results = measure([site], ["architecture/transformer/"], runs=1)
    figures = results[(site, "architecture/transformer/")]
    assert set(figures) == set(FIGURES)
    assert figures["task_ms"] > 0 and figures["style_ms"] > 0 and figures["layout_ms"] > 0 and figures["fcp_ms"] > 0
    assert main([str(site.parent / "no-such-site"), "--page", "/"]) == 2
    assert "not a built site" in capsys.readouterr().err
