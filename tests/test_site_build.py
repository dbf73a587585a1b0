"""The site builds with `mkdocs build --strict`, every topic page is published, nothing comes from a third-party host."""

import re
from html import unescape

from sitekit import article_text, page_url, topic_pages

# Elements that make the browser fetch something (a canonical <link> or an <a> does not).
EXTERNAL_ASSET = re.compile(
    r"""<(?:script|img|iframe|source|video|audio|embed)\b[^>]*?\bsrc=["'](?:https?:)?//"""
    r"""|<link\b(?=[^>]*\brel=["'](?:stylesheet|preload|modulepreload|icon|manifest|prefetch))[^>]*?\bhref=["'](?:https?:)?//""",
    re.I,
)


def test_build_is_strict_and_has_no_warnings(built_site):
    _, result = built_site
    assert result.returncode == 0
    assert "WARNING" not in result.stderr


def test_every_topic_page_is_built_with_one_h1(built_site):
    site, _ = built_site
    for path in topic_pages():
        html = (site / page_url(path) / "index.html").read_text(encoding="utf-8")
        article = html[html.find("<article"):html.find("</article>")]
        assert article.count("<h1") == 1, path


def test_no_page_loads_anything_from_another_host(built_site):
    site, _ = built_site
    offenders = {}
    for html_file in site.rglob("*.html"):
        found = EXTERNAL_ASSET.findall(html_file.read_text(encoding="utf-8"))
        if found:
            offenders[str(html_file.relative_to(site))] = found[:3]
    assert offenders == {}


def test_no_page_uses_google_fonts(built_site):
    site, _ = built_site
    for html_file in site.rglob("*.html"):
        assert "fonts.googleapis.com" not in html_file.read_text(encoding="utf-8"), html_file


def test_link_tooltips_are_in_chinese(built_site):
    """The ¶ and ↩ links' titles (Python-Markdown's defaults are English) are set in mkdocs.yml."""
    site, _ = built_site
    html = (site / "architecture" / "transformer" / "index.html").read_text(encoding="utf-8")
    assert 'class="headerlink" href="#' in html and 'title="本节的链接"' in html
    assert re.search(r'class="footnote-backref" href="#fnref:[^"]+" title="返回正文中引用 \[\d+\] 的位置"', html)
    for html_file in site.rglob("*.html"):
        text = html_file.read_text(encoding="utf-8")
        assert "Permanent link" not in text and "Jump back to footnote" not in text, html_file


def test_missing_figures_page_lists_every_marker(built_site):
    """Every original named by a marker on a page (a box, or a collapsed line naming several) is
    on the missing-figures page, and the count there is their number."""
    site, _ = built_site
    listing = article_text((site / "missing-figures" / "index.html").read_text(encoding="utf-8"))
    originals = []
    for path in topic_pages():
        html = (site / page_url(path) / "index.html").read_text(encoding="utf-8")
        for marker in re.findall(r'<(?:div|details) class="(?:admonition )?missing-figure">(.*?)</(?:div|details)>', html, re.S):
            originals += re.findall(r"<code>([^<]+)</code>", marker.split("已丢失")[0].split("是外部链接")[0])
    total = int(re.search(r"目前共缺失\s*(\d+)\s*张图片", listing).group(1))
    assert originals and total == len(originals)
    for name in originals:
        assert unescape(name) in listing, name


def test_raw_markdown_does_not_leak_into_pages(built_site):
    site, _ = built_site
    for path in ["index.md", *topic_pages()]:
        text = article_text((site / page_url(path) / "index.html").read_text(encoding="utf-8"))
        assert "<img" not in text, path
        assert "**" not in text, path
        assert "![" not in text, path
        assert "!!!" not in text, path
        # Leftovers of formulas mangled into emphasis (`*β*1`, `*−*`, `*×*`).
        assert not re.search(r"\*[−×.]|[−×]\*|\*[α-ωϵ]\*", text), path
