"""A line break between two Chinese characters is no space on the page (kb.site.cjk_spacing)."""

import re

from kb.site.cjk_spacing import join_wide_line_breaks
from sitekit import article_text, page_url, topic_pages


def test_a_break_between_chinese_characters_goes_also_around_tags():
    assert join_wide_line_breaks("<p>很少。\n怎样得到</p>") == "<p>很少。怎样得到</p>"
    assert join_wide_line_breaks("<p>模型，\n<a href=x>在</a>通用</p>") == "<p>模型，<a href=x>在</a>通用</p>"
    assert join_wide_line_breaks("<p><strong>模型</strong>\n在</p>") == "<p><strong>模型</strong>在</p>"


def test_latin_text_and_code_keep_their_breaks():
    assert join_wide_line_breaks("<p>English\nwords 和\n中文</p>") == "<p>English\nwords 和中文</p>"
    code = "<pre><code>注释一\n注释二</code></pre>"
    assert join_wide_line_breaks(code + "<p>甲\n乙</p>") == code + "<p>甲乙</p>"


def test_no_page_shows_a_space_between_chinese_characters_from_a_line_break(built_site):
    site, _ = built_site
    for path in topic_pages():
        html = (site / page_url(path) / "index.html").read_text(encoding="utf-8")
        body = re.sub(r"<pre\b.*?</pre>", "", html[html.index("<article"):html.index("</article>")], flags=re.S)
        assert not re.search(r"[\u4e00-\u9fff。，；：、）]\n[\u4e00-\u9fff（]", body), path
