"""`kb import` and `kb fmt` as a contributor runs them, in a throw-away copy of the knowledge base."""

import subprocess
import sys
from pathlib import Path

import pytest

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
NOTE = "# 评价\n\nNLG评价主要方法\n\n![image-20230311150318971](assets/figure.png)\n\n![gone](assets/gone.png)\n"


def kb(root: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kb.cli", *args], cwd=root, capture_output=True, text=True, timeout=120)


def tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture
def inbox(tmp_path):
    folder = tmp_path / "inbox"
    (folder / "assets").mkdir(parents=True)
    (folder / "assets" / "figure.png").write_bytes(PNG)
    (folder / "my-note.md").write_text(NOTE, encoding="utf-8")
    return folder


def test_import_writes_the_page_and_copies_its_image(kb_repo, inbox):
    result = kb(kb_repo, "import", str(inbox / "my-note.md"))
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"imported {inbox / 'my-note.md'} -> docs/notes/my-note.md (1 images)\n"
    assert (kb_repo / "assets" / "my-note" / "figure.png").read_bytes() == PNG
    assert (kb_repo / "docs" / "notes" / "my-note.md").read_text(encoding="utf-8") == (
        "---\ntitle: 评价\ntags: []\nsource: my-note.md\n---\n\n# 评价\n\nNLG 评价主要方法\n\n"
        "![image-20230311150318971](../assets/my-note/figure.png)\n\n"
        '!!! missing-figure "图片缺失"\n\n'
        "    原图文件 `assets/gone.png` 已丢失；找回后请放入 `assets/` 并替换此处。\n"
    )


def test_a_second_import_without_force_fails_and_keeps_the_page(kb_repo, inbox):
    assert kb(kb_repo, "import", str(inbox / "my-note.md")).returncode == 0
    page = kb_repo / "docs" / "notes" / "my-note.md"
    before = page.read_bytes()
    (inbox / "my-note.md").write_text("# 改过的笔记\n\n新的内容。\n", encoding="utf-8")
    result = kb(kb_repo, "import", str(inbox / "my-note.md"))
    assert result.returncode == 1
    assert result.stderr == f"error: {inbox / 'my-note.md'}: docs/notes/my-note.md exists; use --force to overwrite it\n"
    assert page.read_bytes() == before


def test_a_second_import_with_force_overwrites_the_page(kb_repo, inbox):
    assert kb(kb_repo, "import", str(inbox / "my-note.md")).returncode == 0
    (inbox / "my-note.md").write_text("# 改过的笔记\n\n新的内容。\n", encoding="utf-8")
    result = kb(kb_repo, "import", "--force", str(inbox / "my-note.md"))
    assert result.returncode == 0, result.stderr
    assert (kb_repo / "docs" / "notes" / "my-note.md").read_text(encoding="utf-8") == (
        "---\ntitle: 改过的笔记\ntags: []\nsource: my-note.md\n---\n\n# 改过的笔记\n\n新的内容。\n"
    )


@pytest.mark.parametrize("name, content, reason", [
    ("empty.md", b"", "empty file"),
    ("blank.md", "\u3000\n \n".encode(), "empty file"),
    ("figure.md", PNG, "binary file (contains NUL bytes)"),
    ("hexo.md", b"---\ntitle: [LLM\n---\n\n## 1\n", "front matter is not valid YAML (line 2)"),
    ("unclosed.md", b"---\ntitle: LLM\n\n## 1\n", "front matter opened with '---' is never closed"),
    ("baddate.md", b"---\ndate: 2023-02-30\n---\n\n## 1\n",
     "front matter has an invalid value: day is out of range for month (in 'date': '2023-02-30')"),
])
def test_a_bad_input_is_refused_with_one_error_line_and_nothing_is_written(kb_repo, tmp_path, name, content, reason):
    bad = tmp_path / name
    bad.write_bytes(content)
    before = tree(kb_repo)
    result = kb(kb_repo, "import", str(bad))
    assert result.returncode == 1
    assert result.stderr == f"error: {bad}: {reason}\n"
    assert tree(kb_repo) == before


def test_one_bad_input_among_several_means_nothing_is_written(kb_repo, inbox, tmp_path):
    empty = tmp_path / "empty.md"
    empty.write_bytes(b"")
    (inbox / "other.md").write_text("## 大模型\n\n文字\n", encoding="utf-8")
    before = tree(kb_repo)
    result = kb(kb_repo, "import", str(inbox / "my-note.md"), str(empty), str(inbox / "other.md"))
    assert result.returncode == 1
    assert result.stderr == f"error: {empty}: empty file\n"
    assert tree(kb_repo) == before


def test_a_section_outside_docs_is_refused(kb_repo, inbox):
    outside = kb_repo.parent
    before_repo, before_outside = tree(kb_repo), sorted(p.name for p in outside.iterdir())
    result = kb(kb_repo, "import", "--section", "../x", str(inbox / "my-note.md"))
    assert result.returncode == 1
    assert result.stderr == f"error: {inbox / 'my-note.md'}: section '../x' is outside docs/\n"
    assert tree(kb_repo) == before_repo
    assert sorted(p.name for p in outside.iterdir()) == before_outside


def test_kb_fmt_check_reports_a_page_not_in_normal_form(kb_repo):
    page = kb_repo / "docs" / "notes" / "draft.md"
    page.parent.mkdir(parents=True)
    page.write_text("---\ntitle: 草稿\n---\n\n# 草稿\n\ninstruction tuning能够让模型的效果提升。\n", encoding="utf-8")
    result = kb(kb_repo, "fmt", "--check")
    assert result.returncode == 1
    assert result.stdout.startswith("docs/notes/draft.md:7: FMT001 ")
    assert page.read_text(encoding="utf-8").endswith("tuning能够让模型的效果提升。\n")  # --check changes nothing


def test_kb_fmt_check_accepts_an_imported_page(kb_repo, inbox):
    assert kb(kb_repo, "import", str(inbox / "my-note.md")).returncode == 0
    result = kb(kb_repo, "fmt", "--check")
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")
