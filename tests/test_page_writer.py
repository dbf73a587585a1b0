"""`mkdocs build` writes its pages on two processes (kb.page_writer): the site is the one a build on one
core writes, byte for byte; warnings and errors of the pages the second process writes are reported
by the build; the formulas it rendered stay in .cache/katex."""

import logging
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from kb import page_writer
from sitekit import copy_repository

LAST_PAGE = "retrieval/knn-lm.md"  # the last page MkDocs writes: the second process's first


def build(root: Path, site: Path, *, one_core: bool = False, strict: bool = True) -> subprocess.CompletedProcess:
    env = {**os.environ, "KB_PRERENDER": "off" if one_core else "on"}
    args = [sys.executable, "-m", "mkdocs", "build", "--verbose", "--site-dir", str(site),
            "--strict" if strict else "--no-strict"]
    return subprocess.run(args, cwd=root, capture_output=True, text=True, timeout=600, env=env)


def site_files(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


def pages_written(stderr: str) -> tuple[int, int]:
    """(by the build, by the second process), from the debug log."""
    found = re.findall(r"pages written: (\d+) by the build, (\d+) by the second process", stderr)
    assert len(found) == 1, stderr[-3000:]
    return int(found[0][0]), int(found[0][1])


@pytest.fixture
def repo(tmp_path):
    return copy_repository(tmp_path / "kb")


def test_mkdocs_is_the_version_the_page_writer_was_written_against():
    assert page_writer.supported(), (
        "mkdocs.commands.build.build or _build_page changed: review kb/page_writer.py "
        "(the page loop it takes over, _page_context_only) and update its digests")


def test_two_processes_write_the_site_one_process_writes(repo, tmp_path):
    last = repo / "docs" / LAST_PAGE
    assert last.is_file()
    two = build(repo, tmp_path / "two")
    assert two.returncode == 0, two.stderr[-3000:]
    by_build, by_second = pages_written(two.stderr)
    assert by_build > 0 and by_second > 0
    assert by_build + by_second == len(list((tmp_path / "two").rglob("index.html")))  # a page each
    one = build(repo, tmp_path / "one", one_core=True)
    assert one.returncode == 0, one.stderr[-3000:]
    assert "pages written:" not in one.stderr
    two_files, one_files = site_files(tmp_path / "two"), site_files(tmp_path / "one")
    assert len(one_files) > 100
    assert two_files.keys() == one_files.keys()
    assert [name for name in one_files if two_files[name] != one_files[name]] == []


def test_a_warning_on_a_page_the_second_process_writes_is_the_builds(repo, tmp_path):
    page = repo / "docs" / LAST_PAGE
    page.write_text(page.read_text(encoding="utf-8").rstrip("\n") + "\n\n坏公式 $\\frac{a}$ 留给浏览器。\n",
                    encoding="utf-8")
    loose = build(repo, tmp_path / "loose", strict=False)
    assert loose.returncode == 0, loose.stderr[-3000:]
    warnings = [line for line in loose.stderr.splitlines() if line.startswith("WARNING")]
    assert len(warnings) == 1 and f"'{LAST_PAGE}'" in warnings[0] and "\\frac{a}" in warnings[0], warnings
    assert pages_written(loose.stderr)[1] > 0
    strict = build(repo, tmp_path / "strict")
    assert strict.returncode != 0
    assert "Aborted with 1 warnings in strict mode" in strict.stdout + strict.stderr


def test_an_error_on_a_page_the_second_process_writes_stops_the_build_once(repo, tmp_path):
    page = repo / "docs" / LAST_PAGE
    page.write_text("---\ntemplate: no-such-template.html\n---\n" + page.read_text(encoding="utf-8"), encoding="utf-8")
    result = build(repo, tmp_path / "site")
    assert result.returncode != 0
    errors = [line for line in result.stderr.splitlines() if line.startswith("ERROR")]
    assert len(errors) == 1, errors
    assert f"Error building page '{LAST_PAGE}'" in errors[0] and "no-such-template.html" in errors[0]


def test_the_formulas_the_second_process_rendered_stay_in_the_cache(repo, tmp_path):
    first = build(repo, tmp_path / "first")
    assert first.returncode == 0, first.stderr[-3000:]
    assert pages_written(first.stderr)[1] > 0
    kept = sorted(p.name for p in (repo / ".cache" / "katex").glob("*/*.json"))
    assert len(kept) >= 40
    second = build(repo, tmp_path / "second")
    assert second.returncode == 0, second.stderr[-3000:]
    assert sorted(p.name for p in (repo / ".cache" / "katex").glob("*/*.json")) == kept
    assert "KaTeX rendered" not in second.stderr, "every formula came from .cache/katex"


def test_a_log_record_crosses_to_the_build_with_its_message():
    try:
        raise ValueError("broken")
    except ValueError:
        record = logging.getLogger("mkdocs.hooks.math").makeRecord(
            "mkdocs.hooks.math", logging.WARNING, __file__, 1, "formula %s in %r", ("\\frac{a}", "a.md"),
            sys.exc_info())
    copy = logging.makeLogRecord(page_writer.portable(record))
    assert copy.getMessage() == "formula \\frac{a} in 'a.md'"
    assert copy.levelname == "WARNING" and copy.name == "mkdocs.hooks.math"
    assert "ValueError: broken" in copy.exc_text and copy.exc_info is None
