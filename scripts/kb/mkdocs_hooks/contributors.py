"""Each page's contributors, from git history (kb.contributors), for overrides/partials/source-file.html."""

import logging
from pathlib import Path

from kb.contributors import contributors

log = logging.getLogger("mkdocs.hooks.contributors")
state: dict = {}


def on_config(config):
    root = Path(config["config_file_path"]).parent
    docs = Path(config["docs_dir"]).resolve()
    state["by_path"] = contributors(root, docs.relative_to(root.resolve()).as_posix())
    state["prefix"] = docs.relative_to(root.resolve()).as_posix() + "/"
    if not state["by_path"]:
        log.info("no git history: pages show no contributors")
    return config


def on_page_context(context, page, config, nav):
    page.meta["git_contributors"] = state.get("by_path", {}).get(state.get("prefix", "docs/") + page.file.src_uri, [])
    return context
