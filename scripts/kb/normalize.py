"""The import pipeline: raw note text in, a page in normal form out.

Every step is a pure function from `kb.rules`; the two that need to know
about files (which images exist, which notes exist) get a callback.
"""

from collections.abc import Callable
from dataclasses import dataclass

from .frontmatter import render_front_matter, split_front_matter, to_site_schema
from .markdown_format import format_markdown
from .rules.emphasis import repair_emphasis
from .rules.headings import leading_title, normalize_headings, promote_bold_lines
from .rules.images import html_images_to_markdown, isolate_images, replace_unavailable_images
from .rules.indentation import dedent_indented_prose
from .rules.links import mark_task_items, mark_unwritten_links
from .rules.line_breaks import split_soft_breaks
from .rules.lists import continue_interrupted_lists
from .rules.math import demangle_formulas
from .rules.terms import Term, apply_terms
from .rules.typography import fix_typography


@dataclass
class Context:
    source: str  # shown in front matter: where the note came from
    title: str | None  # given on the command line; wins over the note's own
    fallback_title: str  # when the note names no title
    resolve_image: Callable[[str], str | None]
    note_exists: Callable[[str], bool]
    terms: list[Term]


def canonical_form(markdown: str, terms: list[Term]) -> str:
    """The context-free part: reviewed term fixes, Markdown layout, typography.

    `kb fmt` applies exactly this to pages in docs/, so it must be idempotent.
    """
    return fix_typography(format_markdown(apply_terms(markdown, terms)))


def normalize_body(body: str, title: str, ctx: Context) -> str:
    text = html_images_to_markdown(body)
    # Before the emphasis rules: a mangled formula's `**` (`*− k**−*`) is not bold.
    text = demangle_formulas(text)
    text = dedent_indented_prose(text)
    text = isolate_images(text)
    text = split_soft_breaks(text)
    text = continue_interrupted_lists(text)
    text = repair_emphasis(text)
    text = promote_bold_lines(text)
    text = normalize_headings(text, title)
    text = replace_unavailable_images(text, ctx.resolve_image)
    text = mark_unwritten_links(text, ctx.note_exists)
    text = mark_task_items(text)
    return canonical_form(text, ctx.terms)


def normalize_note(text: str, ctx: Context) -> str:
    """A decoded raw note -> front matter + normalised body."""
    meta, body = split_front_matter(text)
    title = str(ctx.title or meta.get("title") or leading_title(body) or ctx.fallback_title).strip()
    meta = to_site_schema({**meta, "title": title}, title=title, source=ctx.source)
    return render_front_matter(meta) + "\n" + normalize_body(body, meta["title"], ctx)
