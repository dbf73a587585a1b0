"""Build the navigation and the home page's topic map from data/topics.yaml."""

from pathlib import Path

from mkdocs.exceptions import PluginError

from kb.errors import KbError
from kb.topics import cards, load_topics, navigation

MARKER = "<!-- topic-map -->"


def _topics(config) -> list[dict]:
    try:
        return load_topics(Path(config["config_file_path"]).parent / "data" / "topics.yaml")
    except KbError as exc:  # a one-line error, not a traceback
        raise PluginError(f"error: {exc}") from exc


def on_config(config):
    config["nav"] = navigation(_topics(config))
    return config


def on_page_markdown(markdown: str, page, config, files) -> str:
    if MARKER in markdown:
        markdown = markdown.replace(MARKER, cards(_topics(config)))
    return markdown
