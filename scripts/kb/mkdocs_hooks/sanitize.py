"""Every page's content through the allowlist sanitiser (kb.sanitize), after every other transform.

What it removes is a WARNING naming the page's file and each construct, so the strict build fails;
a non-strict build (`mkdocs serve`) publishes the sanitised page. Only the page's own content (the
<article> of Material's main.html) is sanitised: the rest is the theme's, with the fields that
come from data files and front matter escaped where they are read (kb.topics, kb.glossary,
on_page_markdown below) and in overrides/main.html. The offline build's print
page gathers every page's content and is sanitised the same way.
"""

import logging
from pathlib import Path

from mkdocs.plugins import event_priority

from kb.sanitize import escape_front_matter, sanitize_html

log = logging.getLogger("mkdocs.hooks.sanitize")
ARTICLE = '<article class="md-content__inner md-typeset">'


def sanitize_page(output: str, src_uri: str) -> str:
    """The page with its content sanitised: from the theme's <article> start tag to the document's
    last </article> (the theme's: the content may close elements, never reopen the theme's)."""
    start = output.find(ARTICLE)
    end = output.rfind("</article>")
    if start < 0 or end < start:
        return output  # not a content page (404, redirects): the theme's own HTML
    start += len(ARTICLE)
    clean, removed = sanitize_html(output[start:end])
    if removed:
        log.warning(f"Doc file '{src_uri}': unsafe HTML removed: {', '.join(removed)}")
    return output[:start] + clean + output[end:]


@event_priority(100)  # before any other hook reads the page's title
def on_page_markdown(markdown: str, page, config, files) -> str:
    escape_front_matter(page.meta)
    return markdown


@event_priority(-1000)  # the last of every on_post_page handler
def on_post_page(output: str, page, config) -> str:
    return sanitize_page(output, page.file.src_uri)


@event_priority(-1000)  # after the print-site plugin wrote the print page, and the other hooks changed it
def on_post_build(config):
    plugin = config["plugins"].get("print-site")
    print_page = getattr(plugin, "print_page", None) if plugin and plugin.config.get("enabled") else None
    if print_page is not None:
        path = Path(print_page.file.abs_dest_path)
        if path.is_file():
            path.write_text(sanitize_page(path.read_text(encoding="utf-8"), print_page.file.src_uri),
                            encoding="utf-8")
