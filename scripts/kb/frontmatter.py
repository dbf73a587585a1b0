"""Front matter: split it from the body, map Hexo/Obsidian keys to the site's schema, render it."""

import datetime as dt
import re

import yaml

FENCE = re.compile(r"\A---[ \t]*\n(?:(.*?)\n)?(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.S)
OPENING = re.compile(r"\A---[ \t]*(?:\n|\Z)")  # `----` or `---x` opens no front matter
# Keys of the site's schema, in the order they are written.
SCHEMA_KEYS = ("title", "tags", "source", "date")
# Hexo/Obsidian keys that carry tags; each value may be a string or a list.
TAG_KEYS = ("tags", "categories", "category", "tag")


class MalformedFrontMatter(ValueError):
    pass


def split_front_matter(text: str) -> tuple[dict, str]:
    """Return (metadata, body). A note without front matter has empty metadata."""
    if not OPENING.match(text):
        return {}, text
    match = FENCE.match(text)
    if not match:
        raise MalformedFrontMatter("front matter opened with '---' is never closed")
    try:
        # The pure-Python loader: its error marks give the line a contributor must fix (libyaml's
        # are one line later), and front matter is a few lines.
        meta = yaml.safe_load(match.group(1) or "")
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 2})" if mark else ""
        raise MalformedFrontMatter(f"front matter is not valid YAML{where}") from None
    except ValueError as exc:  # PyYAML builds `date: 2023-02-30` and fails
        raise MalformedFrontMatter(f"front matter has an invalid value: {exc}{_named_key(match.group(1) or '')}") from None
    if meta is None:
        meta = {}
    if not isinstance(meta, dict):
        raise MalformedFrontMatter("front matter is not a key: value mapping")
    return meta, text[match.end():]


def _named_key(yaml_text: str) -> str:
    """` (in 'date': '2023-02-30')`: the key whose date-like value PyYAML could not build."""
    try:
        raw = yaml.load(yaml_text, Loader=yaml.BaseLoader)  # every value a string: nothing is built
    except yaml.YAMLError:
        return ""
    if isinstance(raw, dict):
        for key, value in raw.items():
            if isinstance(value, str) and re.match(r"\s*\d{4}-\d{1,2}-\d{1,2}", value):
                try:
                    _as_date(value)
                except MalformedFrontMatter:
                    return f" (in '{key}': '{value.strip()}')"
    return ""


def _as_list(value) -> list[str]:
    """Tags of a Hexo/Obsidian field: a string, a comma list, or a list (Hexo's nested categories
    `[[Parent, Child], Other]` give every name, not one bogus tag)."""
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        return [tag for item in value for tag in _as_list(item)]
    if isinstance(value, dict):
        return [tag for item in value.values() for tag in _as_list(item)]
    return [part.strip() for part in str(value).split(",") if part.strip()]


def _as_date(value) -> str | None:
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        found = re.match(r"\s*(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})", value)
        if found:
            year, month, day = map(int, found.groups())
            try:
                return dt.date(year, month, day).isoformat()
            except ValueError as exc:
                raise MalformedFrontMatter(f"front matter date '{value.strip()}' is not a date: {exc}") from None
    return None  # no day named ("March 2023"): left out, and kb import says so (importer.py)


# Keys the import reads (the others are named in a warning by kb import: nothing dropped unsaid).
READ_KEYS = {*SCHEMA_KEYS, *TAG_KEYS, "created"}


def to_site_schema(meta: dict, *, title: str | None, source: str) -> dict:
    """Map an exported note's metadata to {title, tags, source, date}.

    Keys the site does not use (Hexo's abbrlink, layout ...) are dropped on purpose.
    """
    tags: list[str] = []
    for key in TAG_KEYS:
        for tag in _as_list(meta.get(key)):
            if tag not in tags:
                tags.append(tag)
    result = {"title": str(meta.get("title") or title or "").strip(), "tags": tags, "source": source}
    date_key = "date" if meta.get("date") else "created"
    try:
        date = _as_date(meta.get(date_key))
    except MalformedFrontMatter as exc:
        raise MalformedFrontMatter(f"'{date_key}': {exc}") from None
    if date:
        result["date"] = date
    return result


def render_front_matter(meta: dict) -> str:
    ordered = {key: meta[key] for key in SCHEMA_KEYS if key in meta}
    ordered.update({k: v for k, v in meta.items() if k not in ordered})
    body = yaml.safe_dump(ordered, allow_unicode=True, sort_keys=False, default_flow_style=False)
    return f"---\n{body}---\n"


def page_title(markdown: str, fallback: str) -> str:
    """The page's title as its front matter or first heading says, else `fallback`."""
    for line in markdown.split("\n")[:40]:
        if line.startswith("title:"):
            return line.split(":", 1)[1].strip().strip("'\"")
        if line.startswith("# "):
            return line[2:].strip()
    return fallback
