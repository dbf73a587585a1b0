"""Pure text rules of the import: each takes Markdown text and returns Markdown text."""
