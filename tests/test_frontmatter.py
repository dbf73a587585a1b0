"""Front matter: split from the body, mapped to the site's {title, tags, source, date}."""

import datetime as dt
from pathlib import Path

import pytest

from kb.frontmatter import MalformedFrontMatter, render_front_matter, split_front_matter, to_site_schema

SEED_002 = Path("/work/shared/seeds/002_8d07678f107b80cd.txt")


def test_note_without_front_matter_has_empty_metadata():
    assert split_front_matter("## 大模型\n\n**scaling law**\n") == ({}, "## 大模型\n\n**scaling law**\n")


def test_hexo_front_matter_of_seed_002_is_split_from_the_body():
    meta, body = split_front_matter(SEED_002.read_text(encoding="utf-8"))
    assert meta == {"title": "LLM", "categories": ["Note", "AI", "NLP", "LLM"], "abbrlink": 8757,
                    "date": dt.datetime(2024, 5, 8, 11, 47, 19)}
    assert body.startswith("\n## 1 基础理论\n")


def test_hexo_front_matter_of_seed_002_maps_to_the_site_schema():
    meta, _ = split_front_matter(SEED_002.read_text(encoding="utf-8"))
    site = to_site_schema(meta, title=None, source="002_8d07678f107b80cd.txt")
    # categories become tags; abbrlink (Hexo's permalink id) is dropped; only the day is kept.
    assert site == {"title": "LLM", "tags": ["Note", "AI", "NLP", "LLM"],
                    "source": "002_8d07678f107b80cd.txt", "date": "2024-05-08"}
    assert render_front_matter(site) == (
        "---\ntitle: LLM\ntags:\n- Note\n- AI\n- NLP\n- LLM\n"
        "source: 002_8d07678f107b80cd.txt\ndate: '2024-05-08'\n---\n"
    )


def test_obsidian_tags_string_and_category_merge_without_duplicates():
    site = to_site_schema({"tags": "LLM, 涌现", "category": "LLM"}, title="t", source="s")
    assert site["tags"] == ["LLM", "涌现"]


@pytest.mark.parametrize("raw, day", [
    ("2024-05-08 11:47:19", "2024-05-08"),
    ("2023/3/11", "2023-03-11"),
    ("2023.03.11", "2023-03-11"),
    (dt.date(2023, 3, 11), "2023-03-11"),
    (dt.datetime(2024, 5, 8, 11, 47, 19), "2024-05-08"),
])
def test_date_forms_become_an_iso_day(raw, day):
    assert to_site_schema({"date": raw}, title="t", source="s")["date"] == day


def test_obsidian_created_is_used_as_the_date():
    assert to_site_schema({"created": "2023-03-11"}, title="t", source="s")["date"] == "2023-03-11"


def test_a_date_that_names_no_day_is_left_out():
    assert "date" not in to_site_schema({"date": "March 2023"}, title="t", source="s")


def test_an_impossible_date_string_is_refused():
    with pytest.raises(MalformedFrontMatter, match="2023-13-45"):
        to_site_schema({"date": "2023-13-45"}, title="t", source="s")


def test_an_impossible_yaml_date_is_refused():
    with pytest.raises(MalformedFrontMatter, match="invalid value"):
        split_front_matter("---\ndate: 2023-02-30\n---\n正文\n")


def test_unclosed_front_matter_is_refused():
    with pytest.raises(MalformedFrontMatter, match="never closed"):
        split_front_matter("---\ntitle: LLM\n\n## 1 基础理论\n")


def test_invalid_yaml_is_refused_with_its_line():
    with pytest.raises(MalformedFrontMatter, match=r"not valid YAML \(line 2\)"):
        split_front_matter("---\ntitle: [LLM\n---\n正文\n")


def test_a_yaml_list_instead_of_a_mapping_is_refused():
    with pytest.raises(MalformedFrontMatter, match="not a key: value mapping"):
        split_front_matter("---\n- Note\n- AI\n---\n正文\n")


def test_empty_front_matter_is_no_metadata():
    assert split_front_matter("---\n---\n正文\n") == ({}, "正文\n")


def test_yaml_end_marker_closes_front_matter():
    assert split_front_matter("---\ntitle: LLM\n...\n正文\n") == ({"title": "LLM"}, "正文\n")


def test_a_longer_dash_line_is_a_rule_not_front_matter():
    assert split_front_matter("----\n\n正文\n") == ({}, "----\n\n正文\n")
