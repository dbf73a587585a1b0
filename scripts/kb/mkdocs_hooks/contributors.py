"""Each page's contributors and last-updated date, from one `git log` (kb.contributors),
for overrides/partials/source-file.html, and from the same log the 最近更新 page and its Atom
feed (kb.changes). Pages git does not know (generated pages, a copy without history) show the
build date, as "last updated".
"""

import datetime as dt
import logging
from pathlib import Path

from mkdocs.structure.files import File, Files

from kb.changes import FEED, PAGE, atom_feed, changes_page
from kb.contributors import history

log = logging.getLogger("mkdocs.hooks.contributors")
state: dict = {}


def chinese_date(iso: str) -> str:
    day = dt.date.fromisoformat(iso)
    return f"{day.year}年{day.month}月{day.day}日"


def on_config(config):
    root = Path(config["config_file_path"]).parent
    docs = Path(config["docs_dir"]).resolve()
    state["history"] = history(root, docs.relative_to(root.resolve()).as_posix())
    state["prefix"] = docs.relative_to(root.resolve()).as_posix() + "/"
    state["build_date"] = dt.date.today().isoformat()
    if not state["history"].contributors:
        log.info("no git history: pages show the build date and no contributors")
    return config


def on_files(files: Files, config) -> Files:
    """Add the 最近更新 page and its feed: the commits that added or edited pages that still exist."""
    titles = {state["prefix"] + f.src_uri: _title(f) for f in files.documentation_pages()}
    changes = [c for c in state["history"].changes if all(p in titles for p in (*c.added, *c.changed))]
    title_of = titles.__getitem__
    files.append(File.generated(config, PAGE, content=changes_page(changes, title_of, state["prefix"])))
    files.append(File.generated(config, FEED, content=atom_feed(
        changes, title_of, site_url=config["site_url"] or "", site_name=config["site_name"], docs_prefix=state["prefix"])))
    return files


def _title(file: File) -> str:
    """The page's title as its front matter or first heading says, else its path."""
    for line in file.content_string.split("\n")[:40]:
        if line.startswith("title:"):
            return line.split(":", 1)[1].strip().strip("'\"")
        if line.startswith("# "):
            return line[2:].strip()
    return file.src_uri


def on_page_context(context, page, config, nav):
    path = state["prefix"] + page.file.src_uri
    page.meta["git_contributors"] = state["history"].contributors.get(path, [])
    updated = state["history"].updated.get(path, state["build_date"])
    page.meta["kb_updated"] = chinese_date(updated)
    page.meta["kb_updated_iso"] = updated  # for the page's citation (overrides/partials/source-file.html)
    return context
