"""kb check DATA001-DATA003 (scripts/kb/checks/data_files.py, kb.schema): broken data files are a
`file:line: RULE message` in kb check and a one-line error in the build, never a traceback."""

import subprocess
import sys
from pathlib import Path

import pytest

from checkkit import make_repo, run_checks
from kb.checks import data_files
from sitekit import copy_repository

DATA_RULES = {"DATA001", "DATA002", "DATA003"}


@pytest.fixture(scope="module")
def scratch(tmp_path_factory):
    return make_repo(tmp_path_factory.mktemp("data-files"))


@pytest.fixture
def repo(scratch):
    """The scratch repository, its data files and bib/ as they were after the test."""
    saved = {p: p.read_bytes() for p in [*(scratch / "data").iterdir(), *(scratch / "bib").iterdir()]}
    yield scratch
    for path in [*(scratch / "data").iterdir(), *(scratch / "bib").iterdir()]:
        if path not in saved:
            path.unlink()
    for path, content in saved.items():
        path.write_bytes(content)


def _write_example(repo: Path, example: str) -> None:
    """A rule's example: its first line is a comment naming the file it stands for."""
    first, _, body = example.partition("\n")
    rel = first.removeprefix("# ").strip()
    (repo / rel).write_text(body + "\n", encoding="utf-8")


def _data_problems(repo: Path, rule: str):
    return [p for p in run_checks(repo, [], {rule}) if p.rule in DATA_RULES]


@pytest.mark.parametrize("rule", data_files.RULES, ids=lambda r: r.id)
def test_rule_examples(repo, rule):
    """The examples CONTRIBUTING.md shows: "DATA001", "DATA002", "DATA003"."""
    if rule.id == "DATA003":
        (repo / "bib" / "zz-example.bib").write_text("@misc{zzexample, title={X}, url={https://example.org}}\n",
                                                     encoding="utf-8")
        original = (repo / "data" / "bibliography.yaml").read_text(encoding="utf-8")
        bad = rule.bad.replace("foundations: 基础模型与方法（Foundations）\n", original)
        good = rule.good.replace("foundations: 基础模型与方法（Foundations）\n", original)
    else:
        bad, good = rule.bad, rule.good
    _write_example(repo, bad)
    assert rule.id in [p.rule for p in _data_problems(repo, rule.id)]
    _write_example(repo, good)
    assert rule.id not in [p.rule for p in _data_problems(repo, rule.id)]


BROKEN = [
    # (file, text, line of the problem, words of the message)
    ("data/topics.yaml", "- section: 基础\n  en: [unclosed\n", 3, "not valid YAML"),
    ("data/topics.yaml", "section: 基础\n", 1, "expected a non-empty list"),
    ("data/topics.yaml", "- section: 基础\n  en: F\n  pages:\n    - path: foundations/history.md\n      en: H\n"
                         "      summary: s\n", 4, "missing field 'title'"),
    ("data/topics.yaml", "- section: 基础\n  en: F\n  pages:\n    - path: foundations/history.md\n      title: 12\n"
                         "      en: H\n      summary: s\n", 5, "expected a non-empty text"),
    ("data/topics.yaml", "- section: 基础\n  en: F\n  pages:\n    - path: 'x.md) <img src=x>'\n      title: t\n"
                         "      en: H\n      summary: s\n", 4, "a page path"),
    ("data/topics.yaml", "- section: 基础\n  en: F\n  pages:\n    - path: foundations/history.md\n      title: t\n"
                         "      en: H\n      summary: s\n      icon: 'x:<b>'\n", 8, "icon"),
    ("data/topics.yaml", "- section: 基础\n  en: F\n  pages: []\n", 3, "non-empty list"),
    ("data/topics.yaml", "", 1, "empty file"),
    ("data/glossary.yaml", "- zh: 术语\n  en: term\n  definition: 释义\n  page: foundations/history.md\n"
                           "  variants: 变体\n", 5, "expected a non-empty list"),
    ("data/glossary.yaml", "- zh: 术语\n  en: term\n  definition: 释义\n  page: foundations/history.md\n"
                           "  colour: red\n", 5, "unknown field 'colour'"),
    ("data/glossary.yaml", "- [a, b]\n", 1, "expected a mapping"),
    ("data/tags.yaml", "- 缩放定律\n- {a: 1}\n", 2, "expected a non-empty text"),
    ("data/bibliography.yaml", "- foundations\n", 1, "expected a mapping"),
    ("data/bibliography.yaml", "foundations: [1, 2]\n", 1, "expected a non-empty text"),
]


@pytest.mark.parametrize("rel,text,line,words", BROKEN, ids=[f"{b[0]}:{b[3]}" for b in BROKEN])
def test_broken_data_file_is_one_problem_with_its_line(repo, rel, text, line, words):
    (repo / rel).write_text(text, encoding="utf-8")
    problems = [p for p in run_checks(repo, [], {"DATA001"}) if p.rule == "DATA001"]
    assert problems, f"nothing reported for {rel}"
    assert problems[0].path == rel and problems[0].line == line, [str(p) for p in problems]
    assert words in problems[0].message


@pytest.mark.parametrize("rel,text", [
    ("data/topics.yaml", "- section: 基础<img src=x onerror=alert(1)>\n  en: F\n  pages:\n"
                         "    - {path: foundations/history.md, title: t, en: H, summary: s}\n"),
    ("data/glossary.yaml", "- zh: 术语\n  en: term\n  definition: 释义 &lt;script&gt;\n  page: foundations/history.md\n"),
    ("data/topics.yaml", "- section: 基础\n  en: F\n  pages:\n    - {path: foundations/history.md, title: t, en: H, "
                         "summary: '<a href=\"javascript:alert(1)\">x</a>'}\n"),
])
def test_markup_in_a_data_file_is_reported(repo, rel, text):
    (repo / rel).write_text(text, encoding="utf-8")
    assert "DATA002" in [p.rule for p in run_checks(repo, [], {"DATA002"})]


def test_the_repository_data_files_pass():
    root = Path(__file__).resolve().parents[1]
    assert [str(p) for p in run_checks(root, [], {"DATA001"}) if p.rule in DATA_RULES] == []


def test_kb_check_cli_reports_invalid_topics_without_traceback(repo):
    """Every check runs on a broken topic map (the checks that read it see no topics)."""
    (repo / "data" / "topics.yaml").write_text("- section: [\n", encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "kb.cli", "check"], cwd=repo, capture_output=True, text=True,
                            timeout=600)
    assert result.returncode != 0
    assert "Traceback" not in result.stdout + result.stderr
    assert "data/topics.yaml:2: DATA001" in result.stdout + result.stderr


@pytest.mark.parametrize("rel,text,expected", [
    ("data/topics.yaml", "- section: [\n", "error: data/topics.yaml:2: not valid YAML"),
    ("data/topics.yaml", "section: x\n", "error: data/topics.yaml:1: file: expected a non-empty list"),
])
def test_build_with_broken_topics_is_a_one_line_error(tmp_path, rel, text, expected):
    repo = copy_repository(tmp_path / "repo")
    (repo / rel).write_text(text, encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(tmp_path / "site")],
                            cwd=repo, capture_output=True, text=True, timeout=600)
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert expected in result.stderr
