"""Page metadata: last updated date and contributors from git history, and the "edit this page" link."""

import re
import subprocess
import sys

import pytest

from kb.contributors import COMMIT, DATE_END, contributors, parse_dates, parse_log
from sitekit import ROOT, copy_repository, page_url

PAGE = "foundations/scaling-laws.md"


def _facts(html: str) -> str:
    start = html.find('<aside class="md-source-file">')
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html[start:html.find("</aside>", start)])) if start >= 0 else ""


def test_parse_log_counts_authors_and_co_authors():
    log = (f"{COMMIT}Li Lei\x00\n\ndocs/a.md\ndocs/b.md\n"
           f"{COMMIT}Han Meimei\x00Li Lei <li@example.org>\n\ndocs/a.md\n"
           f"{COMMIT}Han Meimei\x00\n\ndocs/a.md\n")
    assert parse_log(log) == {"docs/a.md": ["Han Meimei", "Li Lei"], "docs/b.md": ["Li Lei"]}
    assert parse_log("") == {}


def test_parse_dates_takes_each_page_s_newest_commit():
    log = (f"{COMMIT}2026-11-27{DATE_END}Li Lei\x00\n\ndocs/a.md\n"
           f"{COMMIT}2026-10-01{DATE_END}Han Meimei\x00\n\ndocs/a.md\ndocs/b.md\n")
    assert parse_dates(log) == {"docs/a.md": "2026-11-27", "docs/b.md": "2026-10-01"}
    assert parse_log(log) == {"docs/a.md": ["Han Meimei", "Li Lei"], "docs/b.md": ["Han Meimei"]}


def test_no_git_means_no_contributors(tmp_path):
    assert contributors(tmp_path) == {}


def test_page_shows_last_update_contributors_and_edit_link(built_site):
    site, _ = built_site
    html = (site / page_url(PAGE) / "index.html").read_text(encoding="utf-8")
    facts = _facts(html)
    assert re.search(r"最后更新：\s*\d{4}年\d{1,2}月\d{1,2}日", facts), facts
    authors = subprocess.run(["git", "log", "--format=%aN", "--", f"docs/{PAGE}"], cwd=ROOT,
                             capture_output=True, text=True).stdout.split("\n")
    authors = sorted({a for a in authors if a})
    if authors:  # a clone with history (CI clones do)
        shown = facts.split("贡献者：")[1].strip().split("、")
        assert sorted(shown) == authors
    edit = re.findall(r'<a href="([^"]+)"[^>]*class="md-content__button md-icon"', html)
    assert f"https://github.com/example/llm-notes/edit/main/docs/{PAGE}" in edit
    assert "api.github.com" not in html and "avatars.githubusercontent" not in html


def test_generated_pages_have_no_edit_link(built_site):
    site, _ = built_site
    html = (site / "references" / "index.html").read_text(encoding="utf-8")
    assert "/edit/main/docs/references.md" not in html


def test_build_without_git_history_falls_back_to_the_build_date(tmp_path):
    copy = copy_repository(tmp_path / "repo")
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(copy / "site")],
                            cwd=copy, capture_output=True, text=True, timeout=600,
                            env={"PATH": "/usr/bin:/bin", "GIT_CEILING_DIRECTORIES": str(tmp_path), "HOME": str(tmp_path)})
    if result.returncode != 0 and "No module named" in result.stderr:
        pytest.fail(result.stderr[-2000:])
    assert result.returncode == 0, result.stderr[-3000:]
    facts = _facts((copy / "site" / page_url(PAGE) / "index.html").read_text(encoding="utf-8"))
    assert "最后更新" in facts and "贡献者" not in facts
