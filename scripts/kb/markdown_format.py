"""Canonical Markdown, by mdformat with the mkdocs plugin.

The raw notes are CommonMark (Typora, Obsidian); the site renders with
Python-Markdown, which needs 4-space list nesting and blank lines before
lists. mdformat parses CommonMark and mdformat-mkdocs writes the form
Python-Markdown reads the same way.
"""

import mdformat

EXTENSIONS = {"mkdocs", "tables"}
OPTIONS = {"number": True, "wrap": "keep"}


def format_markdown(text: str) -> str:
    return mdformat.text(text, extensions=EXTENSIONS, options=OPTIONS)
