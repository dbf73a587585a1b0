"""YAML reading for data files and front matter: the same safe schema as yaml.safe_load, through
libyaml's C parser when PyYAML was built with it (about six times faster on data/glossary.yaml,
which every build reads)."""

import yaml

SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load(text: str):
    """yaml.safe_load, faster."""
    return yaml.load(text, Loader=SafeLoader)  # noqa: S506 - a safe loader
