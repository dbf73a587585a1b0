"""Every rule of the registry: its failing example fails it, its passing example passes it.

The examples are the ones CONTRIBUTING.md shows, so the guide cannot show an
example that does not do what it says. Rules whose example is not a page or a
BibTeX file ("custom") have their own tests (test_check_navigation.py,
test_check_redirects.py, test_check_citations_rules.py); this file checks that they do.
"""

import re
from pathlib import Path

import pytest

from checkkit import ROOT, check_page, ids, make_repo, run_checks
from kb.checks import guide, registry

RULES = registry.all_rules()
PAGE_RULES = [r for r in RULES if r.example in ("page", "file")]
BIB_RULES = [r for r in RULES if r.example == "bib"]


@pytest.fixture(scope="module")
def repo(tmp_path_factory):
    return make_repo(tmp_path_factory.mktemp("rules"))


def test_rule_ids_are_unique_and_well_formed():
    found = [r.id for r in RULES]
    assert len(found) == len(set(found))
    assert all(re.fullmatch(r"[A-Z]{2,5}\d{3}", r) for r in found), found


@pytest.mark.parametrize("rule", PAGE_RULES, ids=lambda r: r.id)
def test_page_rule_examples(repo, rule):
    whole = rule.example == "file"
    bad = check_page(repo, rule.bad, rule.id, whole=whole)
    assert rule.id in ids(bad), f"failing example of {rule.id} passed: {bad}"
    good = check_page(repo, rule.good, rule.id, whole=whole)
    assert rule.id not in ids(good), f"passing example of {rule.id} failed: {[str(p) for p in good]}"


@pytest.mark.parametrize("rule", BIB_RULES, ids=lambda r: r.id)
def test_bibliography_rule_examples(repo, rule):
    bib = repo / "bib" / "zz-example.bib"
    try:
        bib.write_text(rule.bad + "\n", encoding="utf-8")
        bad = [p for p in run_checks(repo, [], {rule.id}) if p.path == "bib/zz-example.bib"]
        assert rule.id in ids(bad), f"failing example of {rule.id} passed: {bad}"
        bib.write_text(rule.good + "\n", encoding="utf-8")
        good = [p for p in run_checks(repo, [], {rule.id}) if p.path == "bib/zz-example.bib"]
        assert rule.id not in ids(good), [str(p) for p in good]
    finally:
        bib.unlink(missing_ok=True)


def test_custom_examples_have_their_own_tests():
    tested = "".join(p.read_text(encoding="utf-8") for p in Path(__file__).parent.glob("test_check_*.py")
                     if p.name != Path(__file__).name)
    for rule in RULES:
        if rule.example == "custom":
            assert f'"{rule.id}"' in tested, f"{rule.id} has no test of its own"


def test_the_guide_shows_every_rule_from_the_registry():
    """CONTRIBUTING.md's rule section is the registry's (kb check --write-guide writes it)."""
    text = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    assert guide.current_section(text) == guide.section(), "run: kb check --write-guide"
    for rule in RULES:
        assert f"#### {rule.id}" in text
