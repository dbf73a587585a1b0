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
    build = lambda runs: {"seconds": runs[1], "peak_rss_mb": 170, "ok": True, "runs": runs}  # noqa: E731
    text = table({"builds": {"18": {"ours_cold": build([2.2, 2.6, 2.7]), "ours_warm": build([1.2, 1.4, 1.5]),
                                    "default": build([1.7, 1.9, 2.0])}}, "search_index": {}})
    assert "2.6 s / 170 MB (median of 2.2, 2.6, 2.7)" in text
    rows = {line.split(" | ")[0].strip(): [c.strip() for c in line.split(" | ")[1:]] for line in text.splitlines()}
    assert rows["build, 18 pages: ours cold / default cold"] == ["1.37", "1.00", "<= 1.5", "yes"]
    assert rows["build, 18 pages: ours warm / default cold"] == ["0.74", "1.00", "<= 0.7", "NO"]


def _lighthouse_run(fcp: int, lcp: int, tbt: int, own: int, accessibility: int = 100) -> dict:
    return {"url": "http://127.0.0.1:8000/a/", "failing": [],
            "scores": {"performance": 90, "accessibility": accessibility, "best-practices": 100, "seo": 100},
            "ms": {"fcp": fcp, "lcp": lcp, "tbt": tbt, "tti": 3000},
            "blocking_ms": {"own": own, "material": tbt - own, "document": 0, "other": 0}}


def test_a_lighthouse_figure_is_the_median_of_the_runs_and_a_score_the_lowest():
    from bench.lighthouse import median_report

    runs = [_lighthouse_run(1500, 1900, 300, 0), _lighthouse_run(1200, 2100, 500, 70, accessibility=96),
            _lighthouse_run(1300, 2000, 400, 20)]
    runs[1]["failing"] = ["accessibility: color-contrast: a.md-tag"]
    runs[0]["scores"]["performance"], runs[1]["scores"]["performance"] = 79, 92
    chosen = median_report(runs)
    assert chosen["ms"] == {"fcp": 1300, "lcp": 2000, "tbt": 400, "tti": 3000}
    assert chosen["blocking_ms"]["own"] == 20 and chosen["runs"]["tbt_own"] == [0, 70, 20]
    assert chosen["scores"] == {"performance": 90, "accessibility": 96, "best-practices": 100, "seo": 100}
    assert chosen["performance_runs"] == [79, 92, 90]
    assert chosen["failing"] == ["accessibility: color-contrast: a.md-tag"]
    failed = {"url": "u", "scores": {}, "failing": ["lighthouse failed"]}
    assert median_report([failed, runs[0]])["ms"]["fcp"] == 1500  # a failed run is left out of the figures
    assert median_report([failed])["failing"] == ["lighthouse failed"]


def test_the_lighthouse_rows_compare_each_page_with_default_material():
    from bench.lighthouse import median_report
    from bench.run import table

    ours = median_report([_lighthouse_run(1300, 2000, 400, 60)])
    default = median_report([_lighthouse_run(1400, 1900, 350, 0, accessibility=92)])
    text = table({"builds": {}, "search_index": {}, "lighthouse": {"ours": [ours], "default": [default]}})
    rows = {line.split(" | ")[0].strip(): [c.strip() for c in line.split(" | ")[1:]] for line in text.splitlines()}
    assert rows["Lighthouse /a/: first contentful paint"] == ["1300 ms", "1400 ms", "<= default", "yes"]
    assert rows["Lighthouse /a/: largest contentful paint"] == ["2000 ms", "1900 ms", "<= default", "NO"]
    assert rows["Lighthouse /a/: total blocking time, own scripts"] == ["60 ms", "", "<= 50 ms", "NO"]
    assert rows["Lighthouse /a/: a11y / bp / seo (lowest run)"] == ["100 / 100 / 100", "92 / 100 / 100",
                                                                    "100 / 100 / 100", "yes"]


def test_blocking_time_is_split_between_the_sites_scripts_materials_and_the_page():
    from bench.lighthouse import blocking_by_owner, owner

    page = "http://127.0.0.1:8000/architecture/transformer/"
    assert owner("http://127.0.0.1:8000/assets/javascripts/bundle.d7400e89.min.js", page) == "material"
    assert owner("http://127.0.0.1:8000/assets/javascripts/workers/search.f8cc74c7.min.js", page) == "material"
    assert owner("http://127.0.0.1:8000/javascripts/katex.js", page) == "own"
    assert owner("http://127.0.0.1:8000/vendor/katex/katex.min.js", page) == "own"
    assert owner(page, page) == "document"
    assert owner("Unattributable", page) == owner("https://example.org/x.js", page) == "other"
    tasks = [{"start": 900, "duration": 300, "owner": "own"},  # 1000..1200 inside: 200 - 50
             {"start": 2900, "duration": 200, "owner": "material"},  # clipped to 2900..3000: 100 - 50
             {"start": 1500, "duration": 80, "owner": "own"},  # 30
             {"start": 100, "duration": 500, "owner": "document"}]  # before the first paint
    assert blocking_by_owner(tasks, 1000, 3000) == {"own": 180, "material": 50, "document": 0, "other": 0}


def test_the_sharded_search_index_is_counted(built_site):
    from bench.run import search_index_bytes

    site, _ = built_site
    found = search_index_bytes(site)
    shards = sorted(p for p in (site / "search" / "kb").rglob("*") if p.is_file())
    assert len(shards) > 1
    assert found["search/kb/"] == {"bytes": sum(p.stat().st_size for p in shards), "files": len(shards)}
    assert found["search/search_index.json"]["files"] == 1


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
