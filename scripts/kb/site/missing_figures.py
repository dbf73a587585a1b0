"""The page that lists every missing figure, from the markers in the pages: generated at build
time, so it can never disagree with the pages."""

from kb.markers import parse_missing_figures

PAGE = "missing-figures.md"
INTRO = """---
title: 缺失图片清单
---

# 缺失图片清单

原始笔记中有些图片的文件已经丢失，或者链接到第三方的私人存储。本站不显示这些图片，
而是在原处放一个“图片缺失”提示框，并保留原始文件名或地址。下表由构建自动生成，列出全部缺失图片。

找回图片后：把文件放进 `assets/`，在页面里把提示框换成 `![说明文字](../assets/文件名)`，
这张表会自动更新。若能用站内自绘的图表代替，也请在图注中注明原图名称。

"""


def missing_figures_page(pages) -> str:
    """The page's Markdown, from (src_uri, Markdown) of the site's pages in any order."""
    rows = []
    total = 0
    for src_uri, text in sorted(pages):
        if src_uri == PAGE:
            continue
        originals = parse_missing_figures(text)
        if not originals:
            continue
        total += len(originals)
        rows.append(f"## [{src_uri}]({src_uri})\n")
        rows.append(f"共 {len(originals)} 张。\n")
        rows.extend(f"{i}. `{name}`" for i, name in enumerate(originals, start=1))
        rows.append("")
    summary = f"目前共缺失 **{total}** 张图片，分布在 {len([r for r in rows if r.startswith('## ')])} 个页面。\n\n"
    return INTRO + summary + "\n".join(rows) + "\n"
