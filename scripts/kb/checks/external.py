"""EXT001: a page loads nothing from a third-party host.

Links to other sites are fine (they are checked nightly); what the browser
fetches by itself to show the page is not: images, scripts, stylesheets,
frames, media, fonts. The site serves all of these itself.
"""

import re

from ..problems import Problem
from .base import Context, Page, Rule
from .text import is_remote, line_of, mask_code, targets

FETCHING_TAGS = {"img", "script", "link", "iframe", "frame", "source", "video", "audio", "embed", "object",
                 "track", "input", "image", "use"}
FETCHING_ATTRS = {"src", "srcset", "poster", "data"}
CSS_URL = re.compile(r"(?:url\(\s*[\"']?|@import\s+[\"'])\s*(?P<url>(?:https?:)?//[^\s\"')]+)", re.I)

RULES = (
    Rule("EXT001", "页面不加载第三方主机上的图片、脚本、样式或嵌入内容；图片放进 assets/，找不到的图片写“图片缺失”提示框",
         "![架构图](https://example.com/arch.png)",
         '!!! missing-figure "图片缺失"\n\n    原图 `https://example.com/arch.png` 是外部链接，本站不加载第三方图片；'
         "请取得原图放入 `assets/` 并替换此处。"),
)


def check(page: Page, ctx: Context) -> list[Problem]:
    out = []
    for target in targets(page.text):
        urls = [u.strip().split()[0] for u in target.url.split(",") if u.strip()] if target.attr == "srcset" \
            else [target.url]
        loads = target.image or target.tag in FETCHING_TAGS and target.attr in FETCHING_ATTRS | {"href"} \
            or target.attr in FETCHING_ATTRS
        if loads and any(is_remote(u) for u in urls):
            what = f"<{target.tag}>" if target.tag else "image"
            out.append(Problem(page.path, target.line, "EXT001",
                               f"{what} loads '{target.url[:80]}' from another host: put the file in assets/ "
                               "(or write a missing-figure marker)"))
    masked = mask_code(page.text)
    for m in CSS_URL.finditer(masked):
        out.append(Problem(page.path, line_of(masked, m.start()), "EXT001",
                           f"CSS loads '{m.group('url')[:80]}' from another host"))
    return out
