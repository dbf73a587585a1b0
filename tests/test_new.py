"""`kb new`: a note from the template, in its section, in the navigation; refuses bad input."""

import datetime as dt
import subprocess
import sys

import yaml

from checkkit import make_repo, run_checks
from kb.frontmatter import split_front_matter
from kb.new import add_to_topics, create_note

KB = [sys.executable, "-m", "kb.cli"]
ARGS = ["new", "--section", "foundations", "--title", "缩放定律的推导", "--slug", "scaling-derivation"]


def kb(root, *args):
    return subprocess.run([*KB, *args], cwd=root, capture_output=True, text=True, timeout=120)


def test_creates_the_page_and_adds_it_to_its_section(tmp_path):
    root = make_repo(tmp_path)
    result = kb(root, *ARGS, "--tags", "缩放定律", "基础理论")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "docs/foundations/scaling-derivation.md"
    text = (root / result.stdout.strip()).read_text(encoding="utf-8")
    meta, body = split_front_matter(text)
    assert meta["title"] == "缩放定律的推导" and meta["tags"] == ["缩放定律", "基础理论"]
    assert dt.date.fromisoformat(str(meta["date"]))
    assert body.lstrip().startswith("# 缩放定律的推导\n")
    assert "<!-- 来源：" in body and '!!! todo "待撰写"' in body
    topics = yaml.safe_load((root / "data" / "topics.yaml").read_text(encoding="utf-8"))
    foundations = next(s for s in topics if s["en"] == "Foundations")
    assert foundations["pages"][-1]["path"] == "foundations/scaling-derivation.md"
    assert foundations["pages"][-1]["title"] == "缩放定律的推导"
    # The comments of the topic map are kept.
    assert (root / "data" / "topics.yaml").read_text(encoding="utf-8").startswith("# The topic map")


def test_new_note_passes_kb_check_once_it_names_its_source(tmp_path):
    root = make_repo(tmp_path)
    assert kb(root, *ARGS, "--tags", "缩放定律").returncode == 0
    problems = run_checks(root, ["foundations/scaling-derivation.md"])
    assert [p.rule for p in problems if p.blocking] == ["FM004"]  # the template asks for the source
    (tmp_path / "second").mkdir()
    root2 = make_repo(tmp_path / "second")
    assert kb(root2, *ARGS, "--tags", "缩放定律", "--source", "某课程第 3 讲").returncode == 0
    assert [str(p) for p in run_checks(root2, ["foundations/scaling-derivation.md"]) if p.blocking] == []


def test_refuses_to_overwrite(tmp_path):
    root = make_repo(tmp_path)
    page = root / "docs" / "foundations" / "emergence.md"
    before = page.read_text(encoding="utf-8")
    topics_before = (root / "data" / "topics.yaml").read_text(encoding="utf-8")
    result = kb(root, "new", "--section", "foundations", "--title", "x", "--slug", "emergence")
    assert result.returncode == 2
    assert result.stderr == "error: docs/foundations/emergence.md: exists; kb new never overwrites a page " \
                            "(edit it, or choose another --slug)\n"
    assert page.read_text(encoding="utf-8") == before
    assert (root / "data" / "topics.yaml").read_text(encoding="utf-8") == topics_before


def test_rejects_unknown_tags_bad_slugs_and_unknown_sections(tmp_path):
    root = make_repo(tmp_path)
    cases = [
        ([*ARGS, "--tags", "scaling"], "unknown tag(s) scaling"),
        (["new", "--section", "foundations", "--title", "x", "--slug", "Scaling Derivation"], "a slug is"),
        (["new", "--section", "quantum", "--title", "x", "--slug", "q"], "name one with --topic"),
        (["new", "--section", "quantum", "--title", "x", "--slug", "q", "--topic", "量子"], "no section '量子'"),
    ]
    for args, message in cases:
        result = kb(root, *args)
        assert result.returncode == 2 and result.stderr.startswith("error: ") and message in result.stderr, result.stderr
    assert not (root / "docs" / "quantum").exists()
    assert not (root / "docs" / "foundations" / "scaling-derivation.md").exists()


def test_new_folder_joins_a_named_topic(tmp_path):
    root = make_repo(tmp_path)
    page = create_note(root, section="theory", title="学习理论", slug="learning-theory", tags=[], topic="Foundations",
                       today=dt.date(2024, 5, 8))
    assert page == root / "docs" / "theory" / "learning-theory.md"
    assert "date: '2024-05-08'" in page.read_text(encoding="utf-8") or "date: 2024-05-08" in page.read_text(encoding="utf-8")
    topics = yaml.safe_load((root / "data" / "topics.yaml").read_text(encoding="utf-8"))
    assert any(p["path"] == "theory/learning-theory.md" for p in topics[0]["pages"])


def test_add_to_topics_inserts_before_the_next_section():
    text = "# c\n- section: A\n  en: A\n  pages:\n    - path: a/x.md\n\n- section: B\n  en: B\n  pages: []\n"
    out = add_to_topics(text, "A", "    - path: a/y.md\n")
    assert out == "# c\n- section: A\n  en: A\n  pages:\n    - path: a/x.md\n    - path: a/y.md\n\n- section: B\n  en: B\n  pages: []\n"
