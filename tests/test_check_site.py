"""`kb check` as a contributor runs it: the whole repository is clean, output and exit status."""

import subprocess
import sys

from checkkit import ROOT, make_repo

KB = [sys.executable, "-m", "kb.cli"]


def kb(*args, cwd=ROOT):
    return subprocess.run([*KB, *args], cwd=cwd, capture_output=True, text=True, timeout=300)


def test_the_whole_repository_passes_kb_check():
    result = kb("check")
    assert result.returncode == 0, result.stdout + result.stderr
    assert [line for line in result.stdout.splitlines() if not line.startswith("note: ")] == []


def test_problems_are_file_line_rule_message_and_fail(tmp_path):
    root = make_repo(tmp_path)
    page = root / "docs" / "foundations" / "emergence.md"
    lines = page.read_text(encoding="utf-8").split("\n")
    lines.insert(12, "另见[不存在的页面](nowhere.md)。\n")
    page.write_text("\n".join(lines), encoding="utf-8")
    result = kb("check", "docs/foundations/emergence.md", cwd=root)
    assert result.returncode == 1
    assert "docs/foundations/emergence.md:13: LINK001 'nowhere.md': no page docs/foundations/nowhere.md" in result.stdout
    assert "CITE002" not in result.stdout  # a partial run shows no notes about other files


def test_a_folder_selects_its_pages_and_bib_files_select_none(tmp_path):
    root = make_repo(tmp_path)
    result = kb("check", "docs/foundations", "bib/foundations.bib", cwd=root)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "3 pages" in result.stderr


def test_bad_paths_are_one_line_errors(tmp_path):
    root = make_repo(tmp_path)
    (root / "notes.md").write_text("# x\n", encoding="utf-8")
    missing = kb("check", "docs/nope.md", cwd=root)
    outside = kb("check", "notes.md", cwd=root)
    for result, name in ((missing, "docs/nope.md"), (outside, "notes.md")):
        assert result.returncode == 2
        assert result.stderr.startswith(f"error: {name}: ") and result.stderr.count("\n") == 1
    (root / "docs" / "gbk.md").write_bytes("缩放定律".encode("gb18030"))
    undecodable = kb("check", "docs/gbk.md", cwd=root)
    assert undecodable.returncode == 2 and "not UTF-8" in undecodable.stderr


def test_list_rules_prints_every_rule_once():
    from kb.checks.registry import all_rules

    result = kb("check", "--list-rules")
    assert result.returncode == 0
    listed = [line.split()[0] for line in result.stdout.splitlines()]
    assert listed == [rule.id for rule in all_rules()]
