"""Images: Markdown syntax, one per block, and a visible marker where a figure cannot be shown."""

from kb import markers
from kb.rules.images import html_images_to_markdown, isolate_images, replace_unavailable_images

REMOTE = "https://cyan-1305222096.cos.ap-nanjing.myqcloud.com/Pasted%20image%2020240716155536.png"


def test_typora_img_tag_becomes_markdown_and_loses_its_zoom():
    assert html_images_to_markdown('<img src="assets/x.png" alt="x" style="zoom:45%;" />') == "![x](assets/x.png)"


def test_img_tag_without_alt_becomes_markdown():
    assert html_images_to_markdown('<img src="./fig/transformer.webp" style="zoom:80%;" />') == (
        "![](./fig/transformer.webp)"
    )


def test_obsidian_embed_becomes_markdown():
    assert html_images_to_markdown("![[a.png]]") == "![a.png](<a.png>)"


def test_obsidian_embed_with_a_space_and_a_width_becomes_markdown():
    assert html_images_to_markdown("![[Pasted image 20240716155536.png|300]]") == (
        "![Pasted image 20240716155536.png](<Pasted image 20240716155536.png>)"
    )


def test_two_images_on_one_line_are_split():
    # seed 000, item 5: two <img> separated by tabs, under a list item.
    raw = html_images_to_markdown(
        '5. 模型训练加速思路\n'
        '   <img src="assets/image-20230311162115824.png" alt="image-20230311162115824" style="zoom:50%;" />\t\t'
        '<img src="assets/image-20230311162203167.png" alt="image-20230311162203167" style="zoom:50%;" />'
    )
    assert isolate_images(raw) == (
        "5. 模型训练加速思路\n"
        "   ![image-20230311162115824](assets/image-20230311162115824.png)\n\n"
        "   ![image-20230311162203167](assets/image-20230311162203167.png)"
    )


def test_image_glued_before_a_sentence_is_split():
    raw = "![Pasted image 20240716155818](https://x.example/a.png)当模型参数较小时，模型能力与随机结果相差无几。"
    assert isolate_images(raw) == (
        "![Pasted image 20240716155818](https://x.example/a.png)\n\n当模型参数较小时，模型能力与随机结果相差无几。"
    )


def test_image_glued_after_a_sentence_is_split():
    raw = "540B的PaLM模型展现了U型曲线。![Pasted image 20240716165806](https://x.example/b.png)"
    assert isolate_images(raw) == "540B的PaLM模型展现了U型曲线。\n\n![Pasted image 20240716165806](https://x.example/b.png)"


def test_a_remote_image_becomes_a_missing_figure_that_keeps_its_address():
    assert replace_unavailable_images(f"![Pasted image 20240716155536]({REMOTE})", lambda src: None) == (
        '!!! missing-figure "图片缺失"\n\n'
        f"    原图 `{REMOTE}` 是外部链接，本站不加载第三方图片；请取得原图放入 `assets/` 并替换此处。"
    )


def test_a_remote_image_is_never_embedded_even_if_resolvable():
    assert replace_unavailable_images(f"![a]({REMOTE})", lambda src: "../assets/a.png").startswith("!!! missing-figure")


def test_a_missing_local_file_becomes_a_missing_figure_that_keeps_its_name():
    raw = "![image-20230311150404561](assets/image-20230311150404561.png)"
    assert replace_unavailable_images(raw, lambda src: None) == (
        '!!! missing-figure "图片缺失"\n\n'
        "    原图文件 `assets/image-20230311150404561.png` 已丢失；找回后请放入 `assets/` 并替换此处。"
    )


def test_a_missing_figure_inside_a_list_item_keeps_the_items_indentation():
    assert replace_unavailable_images("   ![x](assets/gone.png)", lambda src: None) == (
        '   !!! missing-figure "图片缺失"\n\n'
        "       原图文件 `assets/gone.png` 已丢失；找回后请放入 `assets/` 并替换此处。"
    )


def test_an_existing_image_keeps_its_rewritten_path():
    resolve = {"assets/x.png": "../assets/note/x.png"}.get
    assert replace_unavailable_images("![x](assets/x.png)", resolve) == "![x](../assets/note/x.png)"


def test_the_whole_pipeline_turns_an_img_tag_of_an_existing_file_into_markdown(normalize):
    raw = '数据过滤和提纯方法\n\n<img src="assets/image-20230311160635711-8521997.png" alt="image-20230311160635711" style="zoom:45%;" />\n'
    images = {"assets/image-20230311160635711-8521997.png": "../assets/seed-000/image-20230311160635711-8521997.png"}
    assert normalize(raw, images=images) == (
        "# 笔记\n\n数据过滤和提纯方法\n\n"
        "![image-20230311160635711](../assets/seed-000/image-20230311160635711-8521997.png)\n"
    )


def test_missing_figure_markers_are_read_back(normalize):
    page = normalize(f"![a]({REMOTE})\n\n1. 问题\n\n   ![b](assets/b.png)\n")
    assert markers.parse_missing_figures(page) == [REMOTE, "assets/b.png"]


def test_a_page_without_markers_has_no_missing_figures():
    assert markers.parse_missing_figures("# 笔记\n\n![x](../assets/note/x.png)\n") == []


def test_lost_figures_that_follow_each_other_share_one_collapsed_marker_naming_each():
    raw = "讲座幻灯片\n\n![a](assets/a.png)\n\n![b](assets/b.png)\n![c](assets/c.png)\n\n下一段"
    assert replace_unavailable_images(raw, lambda src: None) == (
        '讲座幻灯片\n\n??? missing-figure "此处缺失 3 张原图"\n\n'
        "    原图文件 `assets/a.png`、`assets/b.png`、`assets/c.png` 已丢失；找回后请放入 `assets/` 并替换此处。"
        "\n\n下一段"
    )


def test_a_figure_that_is_shown_or_text_between_them_ends_the_run():
    resolve = {"assets/ok.png": "../assets/ok.png"}.get
    raw = "![a](assets/a.png)\n\n![ok](assets/ok.png)\n\n![b](assets/b.png)\n\n文字\n\n![c](assets/c.png)"
    out = replace_unavailable_images(raw, resolve)
    assert out.count("!!! missing-figure") == 3 and "???" not in out
    assert "![ok](../assets/ok.png)" in out


def test_lost_figures_at_other_indentations_or_of_another_kind_are_not_merged():
    raw = f"![a](assets/a.png)\n\n    ![b](assets/b.png)\n\n    ![r]({REMOTE})"
    out = replace_unavailable_images(raw, lambda src: None)
    assert out.count("missing-figure") == 3


def test_a_collapsed_marker_is_read_back_name_by_name(normalize):
    page = normalize("![a](assets/a.png)\n\n![b](assets/b.png)\n\n文字\n\n![c](assets/c.png)\n")
    assert markers.parse_missing_figures(page) == ["assets/a.png", "assets/b.png", "assets/c.png"]
