"""FMT001: a page is in normal form, the form `kb import` / `kb fmt` writes."""

from .. import fmt
from ..paths import terms_file
from ..problems import Problem
from ..rules.terms import load_terms
from .base import Context, Page, Rule

RULES = (
    Rule("FMT001", "页面符合规范格式（kb import / kb fmt 的写法）；运行 kb fmt 页面路径 即可自动修正",
         "- 第一项\n* 第二项\n", "- 第一项\n- 第二项\n"),
)


def check(page: Page, ctx: Context) -> list[Problem]:
    terms = ctx.cache("terms", lambda: load_terms(terms_file(ctx.root)))
    wanted = fmt.formatted(page.text, terms)
    if wanted == page.text:
        return []
    return [Problem(page.path, fmt.first_difference(page.text, wanted), "FMT001",
                    f"not in normal form (run: kb fmt {page.path})")]
