"""IMG001-IMG002: a page's images are files of the repository, under assets/.

Remote images are EXT001 (kb.checks.external): the site loads nothing from
third-party hosts. A figure that is lost is a missing-figure marker, not a
broken image (see kb.markers).
"""

import posixpath
from urllib.parse import unquote, urlsplit

from ..problems import Problem
from .base import Context, Page, Rule
from .text import SCHEME, targets

RULES = (
    Rule("IMG001", "图片文件存在（放在 assets/ 中，路径相对于页面）",
         "![损失曲线](../assets/loss-curv.png)", "![损失曲线](../assets/loss-curve.png)"),
    Rule("IMG002", "图片放在 assets/ 下（docs/assets 即仓库的 assets/），不用其它文件夹或内嵌 data: 图片",
         "![损失曲线](img/loss-curve.png)", "![损失曲线](../assets/loss-curve.png)"),
)


def check(page: Page, ctx: Context) -> list[Problem]:
    out = []
    for target in targets(page.text):
        if not target.image or target.attr not in ("", "src"):
            continue
        url = target.url
        if url.lower().startswith("data:"):
            out.append(Problem(page.path, target.line, "IMG002",
                               "an image embedded as data: put the file in assets/ and link it"))
            continue
        if SCHEME.match(url) or url.startswith("//"):
            continue  # remote: EXT001
        path = unquote(urlsplit(url).path)
        resolved = posixpath.normpath(posixpath.join(posixpath.dirname(page.uri), path))
        if not resolved.startswith("assets/"):
            out.append(Problem(page.path, target.line, "IMG002",
                               f"'{url}' is not under assets/ (write ../assets/NAME from a page in a section folder)"))
        elif not (ctx.docs / resolved).is_file():
            out.append(Problem(page.path, target.line, "IMG001", f"'{url}': no file {resolved}"))
    return out
