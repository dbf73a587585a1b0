"""Each page's contributors and last-updated date, from one `git log` (kb.contributors),
for overrides/partials/source-file.html. Pages git does not know (generated pages, a
copy without history) show the build date, as "last updated".
"""

import datetime as dt
import logging
from pathlib import Path

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


def on_page_context(context, page, config, nav):
    path = state["prefix"] + page.file.src_uri
    page.meta["git_contributors"] = state["history"].contributors.get(path, [])
    page.meta["kb_updated"] = chinese_date(state["history"].updated.get(path, state["build_date"]))
    return context
