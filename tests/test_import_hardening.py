"""`kb import` and `kb new` lose nothing and let nothing unsafe through (issue 23): encodings,
images (names, folders, SVG), unsafe markup, long slugs, concurrent runs, interrupted runs, modes."""

import fcntl
import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from kb.decode import UndecodableNote, decode_note
from kb.importer import svg_problem
from kb.lock import repository_lock
from kb.new import create_note

PNG_A = b"\x89PNG\r\n\x1a\n" + b"A" * 40
PNG_B = b"\x89PNG\r\n\x1a\n" + b"B" * 40
SAFE_SVG = b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><rect width="5" height="5"/></svg>'


def kb(root: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kb.cli", *args], cwd=root, capture_output=True, text=True,
                          timeout=300)


# --- encodings ------------------------------------------------------------------------------------

MOSTLY_ASCII = [
    "Title: notes\n\nSome text about models " * 10 + "模型\n",
    "a" * 300 + "数据集\n",
    "# Notes on scaling\n\nThe loss follows a power law in N, D and C. " * 20 + "缩放定律说明\n",
    "- item one\n- item two\n- see https://example.org/a?b=c\n" * 30 + "注意：训练数据\n",
]


@pytest.mark.parametrize("text", MOSTLY_ASCII, ids=range(len(MOSTLY_ASCII)))
@pytest.mark.parametrize("encoding", ["gbk", "gb18030"])
def test_mostly_ascii_gbk_note_is_read_as_gbk(text, encoding):
    assert decode_note(text.encode(encoding)) == text


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
@pytest.mark.parametrize("text", ["hello 世界\nline two\n", "# 标题\n\n正文 with ASCII, 数字 123。\n"])
def test_utf16_without_bom_is_read(text, encoding):
    assert decode_note(text.encode(encoding)) == text


def test_big5_note_is_still_big5():
    text = "# 繁體中文筆記 " * 3 + "English text " * 40 + "縮放定律與湧現能力。\n"
    assert decode_note(text.encode("big5")) == text


@pytest.mark.parametrize("raw", [PNG_A, b"\x00\x01\x02\x03" * 20, b"ab\x00\x00cd\x00\x01"])
def test_binary_is_still_refused(raw):
    with pytest.raises(UndecodableNote):
        decode_note(raw)


# --- images -----------------------------------------------------------------------------------------

@pytest.fixture
def inbox(tmp_path):
    folder = tmp_path / "inbox"
    (folder / "a").mkdir(parents=True)
    (folder / "b").mkdir()
    (folder / "a" / "fig.png").write_bytes(PNG_A)
    (folder / "b" / "fig.png").write_bytes(PNG_B)
    (tmp_path / "outside.png").write_bytes(PNG_A)
    return folder


def test_two_images_of_one_name_both_survive(kb_repo, inbox):
    (inbox / "note.md").write_text("# 笔记\n\n![一](a/fig.png)\n\n![二](b/fig.png)\n", encoding="utf-8")
    result = kb(kb_repo, "import", str(inbox / "note.md"))
    assert result.returncode == 0, result.stderr
    copied = {p.read_bytes() for p in (kb_repo / "assets" / "note").iterdir()}
    assert copied == {PNG_A, PNG_B}
    page = (kb_repo / "docs" / "notes" / "note.md").read_text(encoding="utf-8")
    names = sorted(p.name for p in (kb_repo / "assets" / "note").iterdir())
    assert all(f"../assets/note/{name}" in page for name in names)


@pytest.mark.parametrize("reference", ["../outside.png", "%2E%2E/outside.png", "a/../../outside.png"])
def test_image_outside_the_notes_folder_is_refused_with_a_warning(kb_repo, inbox, reference):
    (inbox / "note.md").write_text(f"# 笔记\n\n![外部]({reference})\n", encoding="utf-8")
    result = kb(kb_repo, "import", str(inbox / "note.md"))
    assert result.returncode == 0, result.stderr
    assert "outside the note's folder" in result.stderr
    assert not (kb_repo / "assets" / "note").exists()


UNSAFE_SVGS = [
    b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
    b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
    b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:x="http://www.w3.org/1999/xlink"><a x:href="javascript:alert(1)">'
    b'<text>x</text></a></svg>',
    b'<svg xmlns="http://www.w3.org/2000/svg"><foreignObject><body xmlns="http://www.w3.org/1999/xhtml">'
    b'<img src="x" onerror="alert(1)"/></body></foreignObject></svg>',
    b'<!DOCTYPE svg [<!ENTITY x "y">]><svg xmlns="http://www.w3.org/2000/svg">&x;</svg>',
    b'<svg xmlns="http://www.w3.org/2000/svg"><set attributeName="onmouseover" to="alert(1)"/></svg>',
    b'<svg xmlns="http://www.w3.org/2000/svg"><image href="https://example.org/track.png"/></svg>',
    b'<svg xmlns="http://www.w3.org/2000/svg"><h:script xmlns:h="http://www.w3.org/1999/xhtml">alert(1)</h:script></svg>',
    b"<svg not xml",
]


@pytest.mark.parametrize("svg", UNSAFE_SVGS, ids=range(len(UNSAFE_SVGS)))
def test_unsafe_svg_is_refused(svg):
    assert svg_problem(svg)


def test_safe_svg_is_copied_and_unsafe_one_refused(kb_repo, inbox):
    (inbox / "a" / "ok.svg").write_bytes(SAFE_SVG)
    (inbox / "a" / "bad.svg").write_bytes(UNSAFE_SVGS[0])
    (inbox / "note.md").write_text("# 笔记\n\n![好](a/ok.svg)\n\n![坏](a/bad.svg)\n", encoding="utf-8")
    result = kb(kb_repo, "import", str(inbox / "note.md"))
    assert result.returncode == 0, result.stderr
    assert "SVG image 'a/bad.svg' refused (it contains <script>)" in result.stderr
    assert sorted(p.name for p in (kb_repo / "assets" / "note").iterdir()) == ["ok.svg"]


def test_import_warns_about_unsafe_markup(kb_repo, inbox):
    (inbox / "note.md").write_text('# 笔记\n\n<details ontoggle="alert(1)" open><summary>s</summary>x</details>\n\n'
                                   '<a href="jav&#x61;script:alert(1)">链接</a>\n\n```html\n<script>ok in code</script>\n```\n',
                                   encoding="utf-8")
    result = kb(kb_repo, "import", str(inbox / "note.md"))
    assert result.returncode == 0, result.stderr
    assert "unsafe HTML" in result.stderr and "ontoggle" in result.stderr and "javascript:" in result.stderr
    assert "<script>" not in result.stderr  # code is text, not HTML


# --- names, modes, interruptions, concurrency -------------------------------------------------------

def test_slug_too_long_is_an_error_not_a_traceback(kb_repo, inbox):
    (inbox / "note.md").write_text("# 笔记\n\n正文\n", encoding="utf-8")
    result = kb(kb_repo, "import", "--slug", "x" * 300, str(inbox / "note.md"))
    assert result.returncode != 0
    assert "Traceback" not in result.stderr and result.stderr.startswith("error: ")
    assert "longer than 200" in result.stderr


def test_imported_files_get_their_neighbours_mode(kb_repo, inbox):
    (inbox / "note.md").write_text("# 笔记\n\n![一](a/fig.png)\n", encoding="utf-8")
    assert kb(kb_repo, "import", str(inbox / "note.md")).returncode == 0
    neighbour = (kb_repo / "data" / "topics.yaml").stat().st_mode & 0o777
    for path in (kb_repo / "docs" / "notes" / "note.md", kb_repo / "assets" / "note" / "fig.png"):
        assert path.stat().st_mode & 0o777 == neighbour == 0o666 & ~_umask()


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _waiting_for_the_lock(root: Path) -> set[int]:
    """Pids of the processes blocked on the repository lock (flock on the folder), from /proc/locks."""
    inode = str(root.stat().st_ino)
    return {int(fields[5]) for fields in map(str.split, Path("/proc/locks").read_text().splitlines())
            if fields[1] == "->" and fields[2] == "FLOCK" and fields[6].rsplit(":", 1)[-1] == inode}


def _queued_at_the_lock(root: Path, runs: list[subprocess.Popen]) -> bool:
    """True once every run is blocked on the lock; False if one finished instead (it took no lock)."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if {run.pid for run in runs} <= _waiting_for_the_lock(root):
            return True
        if any(run.poll() is not None for run in runs):
            return False
        time.sleep(0.02)
    return False


def test_ctrl_c_while_an_import_writes_leaves_nothing(kb_repo, inbox):
    # A real SIGINT to a real kb import, after it has written its first image and while it reads
    # the second: the run is held at the lock while that image becomes a FIFO no one writes to.
    (inbox / "first.png").write_bytes(PNG_A)
    (inbox / "second.png").write_bytes(PNG_B)
    (inbox / "note.md").write_text("# 笔记\n\n![一](first.png)\n\n![二](second.png)\n", encoding="utf-8")
    topics = (kb_repo / "data" / "topics.yaml").read_bytes()
    run = subprocess.Popen([sys.executable, "-m", "kb.cli", "import", str(inbox / "note.md")],
                           cwd=kb_repo, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        with repository_lock(kb_repo):
            assert _queued_at_the_lock(kb_repo, [run])
            (inbox / "second.png").unlink()
            os.mkfifo(inbox / "second.png")
        first = kb_repo / "assets" / "note" / "first.png"
        deadline = time.monotonic() + 60
        while not first.exists() and run.poll() is None and time.monotonic() < deadline:
            time.sleep(0.01)
        assert first.read_bytes() == PNG_A  # written: the run is now blocked opening second.png
        run.send_signal(signal.SIGINT)
        stdout, stderr = run.communicate(timeout=60)
    finally:
        if run.poll() is None:  # a failed assertion above: no process left blocked on the FIFO
            run.kill()
            run.wait()
    assert run.returncode == 130
    assert stderr == "error: interrupted; nothing half-written was left\n" and stdout == ""
    assert not (kb_repo / "docs" / "notes" / "note.md").exists()
    assert list((kb_repo / "assets").iterdir()) == []
    assert [p for p in kb_repo.rglob("*") if ".tmp" in p.name] == []
    assert (kb_repo / "data" / "topics.yaml").read_bytes() == topics
    folder = os.open(kb_repo, os.O_RDONLY)
    try:
        fcntl.flock(folder, fcntl.LOCK_EX | fcntl.LOCK_NB)  # the lock went with the process
    finally:
        os.close(folder)


def test_two_imports_to_one_slug_at_once_one_fails(kb_repo, inbox):
    # Another writer holds the lock (as a kb new would) while two imports to one slug plan: both find
    # the page free and queue. Released, exactly one may write; the other must find the page taken.
    # Each note has an image of the same name with its own content, and one of its own name: a page
    # of one note with the other's figure, or the loser's figure left in assets/, would show.
    for name, png in (("one", PNG_A), ("two", PNG_B)):
        (inbox / name).mkdir()
        (inbox / name / "fig.png").write_bytes(png)
        (inbox / name / f"{name}.png").write_bytes(png)
        (inbox / name / "note.md").write_text(f"# {name}\n\n{name} 正文\n\n![图](fig.png)\n\n![图]({name}.png)\n",
                                              encoding="utf-8")
    with repository_lock(kb_repo):
        runs = [subprocess.Popen([sys.executable, "-m", "kb.cli", "import", "--slug", "same",
                                  str(inbox / name / "note.md")],
                                 cwd=kb_repo, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                for name in ("one", "two")]
        queued = _queued_at_the_lock(kb_repo, runs)
    results = [(run.wait(timeout=300), run.stderr.read()) for run in runs]
    assert queued, f"the imports did not wait for the repository lock: {results}"
    assert sorted(code for code, _ in results) == [0, 1], results
    winner = ("one", "two")[[code for code, _ in results].index(0)]
    failed = next(err for code, err in results if code)
    assert failed.count("\n") == 1 and failed.startswith("error: ")
    assert "docs/notes/same.md exists (written meanwhile by another command)" in failed
    page = (kb_repo / "docs" / "notes" / "same.md").read_text(encoding="utf-8")
    assert f"{winner} 正文" in page and page.count("正文") == 1
    png = PNG_A if winner == "one" else PNG_B
    assets = {p.name: p.read_bytes() for p in (kb_repo / "assets" / "same").iterdir()}
    assert assets == {"fig.png": png, f"{winner}.png": png}


def test_two_kb_new_at_once_keep_both_topic_entries(kb_repo):
    errors = []

    def new(slug):
        try:
            create_note(kb_repo, section="foundations", title=f"页面 {slug}", slug=slug, tags=[])
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=new, args=(f"page-{n}",)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    topics = (kb_repo / "data" / "topics.yaml").read_text(encoding="utf-8")
    assert all(f"path: foundations/page-{n}.md" in topics for n in range(6))


# --- Obsidian and Hexo ----------------------------------------------------------------------------

from kb.frontmatter import MalformedFrontMatter, split_front_matter, to_site_schema  # noqa: E402
from kb.rules.links import mark_unwritten_links  # noqa: E402


@pytest.mark.parametrize("raw,exists,expected", [
    ("见 [[CoT]]。", {"CoT.md"}, "见 [CoT](CoT.md)。"),
    ("见 [[CoT|思维链]]。", {"CoT.md"}, "见 [思维链](CoT.md)。"),
    ("见 [[CoT#Zero shot|零样本]]。", {"CoT.md"}, "见 [零样本](CoT.md#zero-shot)。"),
    ("见 [[Chain of Thought]]。", {"Chain of Thought.md"}, "见 [Chain of Thought](Chain%20of%20Thought.md)。"),
    ("见 [[缺失的笔记|别名]]。", set(), "见 别名（待撰写：`缺失的笔记.md`）。"),
    ("![[附录]]", {"附录.md"}, "（嵌入的笔记：[附录](附录.md)）"),
    ("`[[code]]` 与 <code>[[x]]</code>", set(), "`[[code]]` 与 <code>[[x]]</code>"),
    ("```\n[[fenced]]\n```", set(), "```\n[[fenced]]\n```"),
])
def test_obsidian_wikilinks_and_embeds_become_links(raw, exists, expected):
    from urllib.parse import unquote

    assert mark_unwritten_links(raw, lambda target: unquote(target) in exists) == expected


@pytest.mark.parametrize("yaml_text,tags", [
    ("categories:\n  - [机器学习, 深度学习]\n  - 笔记\n", ["机器学习", "深度学习", "笔记"]),
    ("categories: [[A, B], [A, C]]\ntags: D\n", ["D", "A", "B", "C"]),
    ("tags: 'x, y'\ncategory: z\n", ["x", "y", "z"]),
])
def test_hexo_nested_categories_are_tags(yaml_text, tags):
    meta, _ = split_front_matter(f"---\ntitle: t\n{yaml_text}---\nbody")
    assert to_site_schema(meta, title=None, source="s")["tags"] == tags


@pytest.mark.parametrize("date,words", [
    ("2023-02-30", "(in 'date': '2023-02-30')"),
    ("2023/13/01", "'date': front matter date '2023/13/01' is not a date"),
])
def test_invalid_date_names_the_key(date, words):
    with pytest.raises(MalformedFrontMatter, match=re.escape(words)):
        meta, _ = split_front_matter(f"---\ntitle: t\ndate: {date}\n---\nbody")
        to_site_schema(meta, title=None, source="s")


def test_import_names_dropped_front_matter_fields(kb_repo, inbox):
    (inbox / "note.md").write_text("---\ntitle: 笔记\nabbrlink: 123\nlayout: post\ndate: 2023-01-02\n---\n\n正文\n",
                                   encoding="utf-8")
    result = kb(kb_repo, "import", str(inbox / "note.md"))
    assert result.returncode == 0, result.stderr
    assert "front matter field(s) not kept on the page: abbrlink, layout" in result.stderr


def test_import_with_invalid_date_is_an_error_naming_the_key(kb_repo, inbox):
    (inbox / "note.md").write_text("---\ntitle: 笔记\ndate: 2023-02-30\n---\n\n正文\n", encoding="utf-8")
    result = kb(kb_repo, "import", str(inbox / "note.md"))
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert "(in 'date': '2023-02-30')" in result.stderr
    assert not (kb_repo / "docs" / "notes").exists()


def test_import_says_when_a_date_names_no_day(kb_repo, inbox):
    (inbox / "note.md").write_text("---\ntitle: 笔记\ndate: March 2023\n---\n\n正文\n", encoding="utf-8")
    result = kb(kb_repo, "import", str(inbox / "note.md"))
    assert result.returncode == 0, result.stderr
    assert "front matter 'date' (March 2023) names no day: not kept on the page" in result.stderr
