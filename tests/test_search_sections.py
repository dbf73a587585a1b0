"""kb.search_sections gives exactly the sections of Material's search Parser, faster."""

from material.plugins.search import plugin as material_search

from kb.search_sections import sections


def material_sections(html: str) -> list:
    parser = material_search.Parser()
    parser.feed(html)
    parser.close()
    return parser.data


def summary(found) -> list[tuple]:
    """What the index takes from a section (create_entry_for_section), plus its element."""
    return [(s.el.tag, s.id, "".join(s.title).strip(), "".join(s.text).strip(), s.is_excluded()) for s in found]


def same_as_material(html: str) -> list[tuple]:
    fast = sections(html)
    assert fast is not None, "declined markup it should handle"
    full = lambda found: [(s.el.tag, dict(s.el.attrs), s.depth, s.id, s.title, s.text) for s in found]  # noqa: E731
    assert full(fast) == full(material_sections(html))
    return summary(fast)


def test_a_page_becomes_one_section_per_heading_with_an_id():
    html = ('<p>导言 &amp; 背景</p>\n<h2 id="scaling">缩放定律 <a class="headerlink" href="#scaling">¶</a></h2>\n'
            '<p>损失随<code>N</code>下降。</p>\n<h3>无锚点的标题</h3><p>仍属上一节</p>')
    assert same_as_material(html) == [
        ("hx", None, "", "<p>导言 &amp; 背景</p>", False),
        ("h2", "scaling", "缩放定律", "<p>损失随<code>N</code>下降。</p> 无锚点的标题<p>仍属上一节</p>", False),
    ]


def test_excluded_elements_and_scripts_leave_no_text_and_empty_kept_tags_go():
    html = ('<h1 id="t">标题</h1><ul><li> </li></ul><div data-search-exclude><p>不索引</p><div>也不</div></div>'
            '<p>索引</p><script>var x = "<p>";</script><style>p{}</style><p> </p><ol><li>项</li></ol>')
    # Material looks for an empty element from the first opening tag of its name in the section:
    # the empty <ul> goes, the empty <p> after a full one stays.
    assert same_as_material(html) == [("h1", None, "标题", "<p>索引</p><p> </p><ol><li>项</li></ol>", False)]


def test_whitespace_collapses_outside_pre_and_stays_inside():
    html = '<p>a\nb</p>\n\n  <pre><code>x  =  1\n\ny</code></pre>&nbsp;<p>c</p>'
    assert same_as_material(html) == [("hx", None, "", "<p>a b</p> <pre><code>x  =  1\n\ny</code></pre> <p>c</p>", False)]


def test_quirks_are_kept_mismatched_end_tags_nested_headings_self_closing_tags():
    html = ('<h2 id="a">A</h2><div><h3 id="b">B</h3><p>in b</p></div><p>after div</p>'
            '</span><p>x<br/>y<span/>z</p><svg><path d="M0 0"/><text>t</text></svg>'
            '<h2 id="c" data-search-exclude>C</h2><p>excluded section</p>')
    assert same_as_material(html) == [
        ("hx", None, "", "", False),  # a page that starts with <h2> gets an empty top section
        ("h2", "a", "A", "<p>after div</p><p>xyz</p>t", False),  # back to it when the <div> closes
        ("h3", "b", "B", "<p>in b</p>", False),
        ("h2", "c", "", "<p>excluded section</p>", True),
    ]


def test_markup_it_does_not_model_is_left_to_material():
    assert sections("<p>1 < 2</p>") is None
    assert sections("<script>never closed") is None


def test_every_page_of_the_built_site(built_site):
    site, _ = built_site
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 15
    for path in pages:
        html = path.read_text(encoding="utf-8")
        fast = sections(html)
        assert fast is not None, path
        assert summary(fast) == summary(material_sections(html)), path
