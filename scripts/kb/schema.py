"""The shapes of the data files, checked on the YAML node tree so that every problem has a line.

A schema is a Python value: `str` (a non-empty string), `[item]` (a non-empty list of item), a dict
of field -> schema (a mapping; a field ending in "?" is optional, "*" stands for any key), or a
callable(node) -> message | None for anything else. `problems(text, schema)` lists (line, message);
`load(text, schema, path)` returns the data or raises KbError("path:line", message) for the first.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import yaml

from kb import yamlio
from kb.errors import KbError

Schema = object


def _describe(node: yaml.Node) -> str:
    if isinstance(node, yaml.MappingNode):
        return "a mapping"
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    return f"'{str(node.value)[:40]}'" if node.value != "" else "an empty value"


def _walk(node: yaml.Node, schema: Schema, where: str) -> Iterator[tuple[int, str]]:
    line = node.start_mark.line + 1
    if schema is str:
        if not isinstance(node, yaml.ScalarNode) or node.tag != "tag:yaml.org,2002:str" or not node.value.strip():
            yield line, f"{where}: expected a non-empty text, found {_describe(node)}"
    elif isinstance(schema, list):
        if not isinstance(node, yaml.SequenceNode) or not node.value:
            yield line, f"{where}: expected a non-empty list, found {_describe(node)}"
            return
        for n, item in enumerate(node.value, start=1):
            yield from _walk(item, schema[0], f"{where}[{n}]")
    elif isinstance(schema, dict):
        if not isinstance(node, yaml.MappingNode):
            yield line, f"{where}: expected a mapping, found {_describe(node)}"
            return
        fields = {key.rstrip("?"): value for key, value in schema.items()}
        seen = set()
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
            if key in seen:
                yield key_node.start_mark.line + 1, f"{where}: '{key}' given twice"
            seen.add(key)
            if key in fields:
                yield from _walk(value_node, fields[key], f"{where}.{key}")
            elif "*" in fields:
                yield from _walk(value_node, fields["*"], f"{where}.{key}")
            else:
                yield key_node.start_mark.line + 1, f"{where}: unknown field '{key}' (known: {', '.join(sorted(fields))})"
        for key in schema:
            if not key.endswith("?") and key != "*" and key not in seen:
                yield line, f"{where}: missing field '{key}'"
    elif callable(schema):
        message = schema(node)
        if message:
            yield line, f"{where}: {message}"


def problems(text: str, schema: Schema, top: str = "file") -> list[tuple[int, str]]:
    """(line, message) of every way `text` is not valid YAML of `schema`."""
    try:
        node = yaml.compose(text, Loader=yamlio.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        return [((mark.line + 1) if mark else 1, f"not valid YAML: {getattr(exc, 'problem', None) or exc}")]
    if node is None:
        return [(1, f"{top}: empty file")]
    return list(_walk(node, schema, top))


def load(text: str, schema: Schema, path: str):
    """The data of a valid file; KbError naming `path:line` and the first problem otherwise."""
    found = problems(text, schema)
    if found:
        line, message = found[0]
        raise KbError(f"{path}:{line}", message)
    return yamlio.load(text)


def read(path, schema: Schema, shown: str):
    """load() of a file, with an unreadable or non-UTF-8 file a KbError too."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise KbError(shown, f"cannot read ({exc.__class__.__name__})") from exc
    return load(text, schema, shown)


def matches(pattern: str, description: str) -> Callable[[yaml.Node], str | None]:
    """A text matching a regular expression."""
    import re

    compiled = re.compile(pattern)

    def check(node: yaml.Node) -> str | None:
        if not isinstance(node, yaml.ScalarNode) or not compiled.fullmatch(str(node.value)):
            return f"expected {description}, found {_describe(node)}"
        return None

    return check


PAGE_PATH = matches(r"[A-Za-z0-9_][A-Za-z0-9_./-]*\.md", "a page path under docs/ ending in .md")
ICON = matches(r"[a-z0-9-]+/[a-z0-9-]+", "a Material icon name such as material/chart-line")
