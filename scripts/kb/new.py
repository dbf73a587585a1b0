"""`kb new`: a note from the template, in its section, added to the topic map.

The page and the topic map are both prepared in memory and checked before
anything is written; an existing page is never overwritten.
"""

import datetime as dt
import re
from pathlib import Path

import yaml

from kb import atomic, yamlio
from kb.lock import repository_lock
from kb.topics import load_topics

from .errors import KbError
from .frontmatter import render_front_matter
from .markers import to_be_written

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
SECTION = re.compile(r"^[a-z0-9]+(?:[-/][a-z0-9]+)*$")


def template(title: str, tags: list[str], source: str | None, today: dt.date) -> str:
    meta = {"title": title, "tags": tags}
    if source:
        meta["source"] = source
    meta["date"] = today.isoformat()
    source_line = (f"来源：{source}" if source else
                   "<!-- 来源：在前言的 source 中写明出处（原始笔记、课程或文章），或在每一节开头写“来源：……”。 -->")
    return (render_front_matter(meta) + f"\n# {title}\n\n{source_line}\n\n"
            + to_be_written("本页尚未写完：在这里写下笔记，完成后删除这个提示框。") + "\n")


def _topic_entry(path: str, title: str, en: str, summary: str) -> str:
    entry = [{"path": path, "title": title, "en": en, "icon": "material/file-document", "summary": summary}]
    dumped = yaml.safe_dump(entry, allow_unicode=True, sort_keys=False, default_flow_style=False, width=1000)
    return "".join("    " + line + "\n" for line in dumped.rstrip("\n").split("\n"))


def add_to_topics(text: str, topic: str, entry: str) -> str:
    """Insert a page entry at the end of a section's `pages:` in data/topics.yaml, keeping its comments."""
    lines = text.split("\n")
    start = next((i for i, line in enumerate(lines)
                  if re.match(rf"^- section:\s*['\"]?{re.escape(topic)}['\"]?\s*$", line)), None)
    if start is None:
        raise ValueError(topic)
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("- ")), len(lines))
    while end > start + 1 and not lines[end - 1].strip():
        end -= 1
    return "\n".join(lines[:end] + entry.rstrip("\n").split("\n") + lines[end:])


def create_note(root: Path, *, section: str, title: str, slug: str, tags: list[str], topic: str | None = None,
                en: str | None = None, summary: str | None = None, source: str | None = None,
                today: dt.date | None = None) -> Path:
    docs = root / "docs"
    if not SECTION.match(section):
        raise KbError(section, "a section is a folder under docs/: lower-case letters, digits and '-'")
    if not SLUG.match(slug):
        raise KbError(slug, "a slug is lower-case letters, digits and '-' (it becomes the page's URL)")
    title = title.strip()
    if not title:
        raise KbError(slug, "the title is empty")
    if len(slug) > 200:
        raise KbError(slug[:40] + "…", "a slug is at most 200 characters (the page's file name)")
    # Under the repository lock: two kb new (or kb import) at once cannot both take a page, and
    # neither loses the other's data/topics.yaml entry (each reads it after the other wrote it).
    with repository_lock(root):
        return _create(root, docs, section=section, title=title, slug=slug, tags=tags, topic=topic, en=en,
                       summary=summary, source=source, today=today)


def _create(root: Path, docs: Path, *, section: str, title: str, slug: str, tags: list[str], topic: str | None,
            en: str | None, summary: str | None, source: str | None, today: dt.date | None) -> Path:
    uri = f"{section}/{slug}.md"
    page = docs / uri
    if page.exists():
        raise KbError(f"docs/{uri}", "exists; kb new never overwrites a page (edit it, or choose another --slug)")
    allowed = yamlio.load((root / "data" / "tags.yaml").read_text(encoding="utf-8")) or []
    unknown = [t for t in tags if t not in allowed]
    if unknown:
        raise KbError("data/tags.yaml", f"unknown tag(s) {', '.join(unknown)}; allowed: {', '.join(allowed)}")
    topics_file = root / "data" / "topics.yaml"
    topics = load_topics(topics_file)  # of the agreed shape, or a KbError naming file:line
    topics_text = topics_file.read_text(encoding="utf-8")
    if topic is None:
        topic = next((s["section"] for s in topics
                      if any(p["path"].startswith(section + "/") for p in s.get("pages", []))), None)
        if topic is None:
            names = "、".join(s["section"] for s in topics)
            raise KbError(f"docs/{section}", f"no section of data/topics.yaml has pages in this folder; "
                                             f"name one with --topic ({names})")
    elif not any(s["section"] == topic or s.get("en") == topic for s in topics):
        raise KbError("data/topics.yaml", f"no section '{topic}'")
    topic = next(s["section"] for s in topics if s["section"] == topic or s.get("en") == topic)
    en = en or slug.replace("-", " ").capitalize()
    entry = _topic_entry(uri, title, en, summary or "待撰写")
    try:
        new_topics = add_to_topics(topics_text, topic, entry)
    except ValueError:
        raise KbError("data/topics.yaml", f"cannot find the line '- section: {topic}'") from None
    reread = yamlio.load(new_topics)
    if not any(p["path"] == uri for s in reread if s["section"] == topic for p in s["pages"]):
        raise KbError("data/topics.yaml", "the page could not be added to its section (unexpected layout)")
    atomic.write_text(page, template(title, tags, source, today or dt.date.today()))
    try:
        atomic.write_text(topics_file, new_topics)
    except BaseException:
        page.unlink(missing_ok=True)
        raise
    return page
