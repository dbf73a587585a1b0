"""NAV001: every page is in the navigation (data/topics.yaml), so readers can reach it."""

from ..problems import Problem
from .base import Context, Page, Rule

RULES = (
    Rule("NAV001", "每个页面都登记在 data/topics.yaml（导航和首页卡片由它生成）；kb new 会自动登记",
         "docs/foundations/example.md 存在，但 data/topics.yaml 中没有 path: foundations/example.md",
         "在 data/topics.yaml 对应的 section 下加入 path: foundations/example.md 及其 title、en、summary",
         example="custom"),
)


def check(page: Page, ctx: Context) -> list[Problem]:
    if page.uri in ctx.topic_pages or page.uri in ctx.site_pages:
        return []
    return [Problem(page.path, 1, "NAV001", f"{page.uri} is not in data/topics.yaml: readers cannot reach it "
                                            "from the navigation (kb new adds pages there)")]
