"""NAV001 (a page missing from data/topics.yaml) and the CITE002 note."""

from checkkit import check_page, ids, make_repo, run_checks


def test_page_outside_the_topic_map_fails_nav001(tmp_path):
    root = make_repo(tmp_path)
    problems = check_page(root, "正文。", "NAV001", uri="foundations/orphan.md")
    assert ids(problems) == ["NAV001"]
    assert "NAV001" not in ids(run_checks(root, ["foundations/scaling-laws.md", "index.md", "sources.md"], {"NAV001"}))


def test_uncited_entry_is_a_note_not_a_failure(tmp_path):
    root = make_repo(tmp_path)
    (root / "bib" / "zz.bib").write_text("@misc{zzuncited2024,\n  title = {Nobody Cites Me},\n"
                                         "  url = {https://example.org/zz}\n}\n", encoding="utf-8")
    notes = [p for p in run_checks(root, [], {"CITE002"}) if p.rule == "CITE002" and "zzuncited2024" in p.message]
    assert len(notes) == 1 and not notes[0].blocking
    check_page(root, "见 [@zzuncited2024]。", "CITE002")
    assert not [p for p in run_checks(root, [], {"CITE002"}) if "zzuncited2024" in p.message]
