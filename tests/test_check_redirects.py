"""REDIR001/REDIR002: a published page does not disappear without a redirect."""

import yaml

from checkkit import ROOT, make_repo, run_checks
from kb.checks.redirects import RULES, page_url, published_urls, read_list, served_urls
from kb.checks.base import Context


def _set_redirects(root, maps: str):
    config = root / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace("    redirect_maps: {}\n", f"    redirect_maps:\n{maps}"), encoding="utf-8")


def test_the_list_holds_the_pages_of_the_deployed_site():
    urls = [url for _, url in read_list(ROOT / "data" / "published-pages.txt")]
    assert "/" in urls and "/foundations/scaling-laws/" in urls and "/references/" in urls
    assert set(urls) <= served_urls(Context(ROOT))


def test_removed_page_without_redirect_fails(tmp_path):
    root = make_repo(tmp_path)
    (root / "docs" / "foundations" / "emergence.md").unlink()
    problems = [p for p in run_checks(root, [], {"REDIR001"}) if p.rule == "REDIR001"]
    assert len(problems) == 1
    assert problems[0].path == "data/published-pages.txt" and "/foundations/emergence/" in problems[0].message
    lines = (root / "data" / "published-pages.txt").read_text(encoding="utf-8").split("\n")
    assert lines[problems[0].line - 1] == "/foundations/emergence/"


def test_moved_page_with_redirect_passes(tmp_path):
    root = make_repo(tmp_path)
    old = root / "docs" / "foundations" / "emergence.md"
    old.rename(old.with_name("emergent-abilities.md"))
    _set_redirects(root, "        foundations/emergence.md: foundations/emergent-abilities.md\n")
    assert [p for p in run_checks(root, [], {"REDIR001"}) if p.rule.startswith("REDIR")] == []


def test_redirect_to_a_missing_page_fails(tmp_path):
    root = make_repo(tmp_path)
    _set_redirects(root, "        foundations/old.md: foundations/emergent.md\n")
    problems = [p for p in run_checks(root, [], {"REDIR002"}) if p.rule == "REDIR002"]
    assert len(problems) == 1 and problems[0].path == "mkdocs.yml"
    assert "foundations/emergent.md" in problems[0].message


def test_page_urls_and_urls_of_a_built_site(tmp_path):
    assert [page_url(u) for u in ("index.md", "evaluation/index.md", "foundations/history.md")] == \
        ["/", "/evaluation/", "/foundations/history/"]
    for folder in ("", "a/b/", "c/"):
        (tmp_path / folder).mkdir(parents=True, exist_ok=True)
        (tmp_path / folder / "index.html").write_text("x")
    (tmp_path / "404.html").write_text("x")
    assert published_urls(tmp_path) == ["/", "/a/b/", "/c/"]


def test_the_guides_redirect_example_has_the_form_of_mkdocs_yml(tmp_path):
    # mkdocs.yml's plugins are a mapping (`redirects:`), not a list (`- redirects:`): the example
    # CONTRIBUTING.md shows for REDIR001, pasted into mkdocs.yml as it is, must be the redirect.
    example = next(rule.good for rule in RULES if rule.id == "REDIR001").split("\n\n", 1)[1]
    assert example.startswith("plugins:\n")
    root = make_repo(tmp_path)
    config = root / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    assert "  redirects:\n    redirect_maps: {}\n" in text
    config.write_text(text.replace("  redirects:\n    redirect_maps: {}\n",
                                   example.split("\n", 1)[1] + "\n"), encoding="utf-8")
    assert yaml.safe_load(example)["plugins"].keys() <= Context(root).mkdocs_config["plugins"].keys()
    assert Context(root).redirect_maps == {"foundations/emergence.md": "foundations/emergent-abilities.md"}
