"""Who wrote each page and when it last changed, from one `git log` (no network, no GitHub API).

`parse_log` and `parse_dates` are pure: they read the output of LOG_ARGS.
Authors and Co-authored-by trailers count; a page's contributors are ordered
by number of commits, then by name. Without git or history, every page has none.
"""

import subprocess
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

COMMIT = "\x1e"  # record separator before each commit
DATE_END = "\x1f"  # the commit date (YYYY-MM-DD) ends here
LOG_ARGS = ["log", f"--format={COMMIT}%cs{DATE_END}%aN%x00%(trailers:key=Co-authored-by,valueonly,separator=%x00)",
            "--name-only", "--no-renames"]


def _records(output: str) -> Iterator[tuple[str, list[str], list[str]]]:
    """(date, names, paths) per commit, newest first."""
    for record in output.split(COMMIT)[1:]:
        head, _, files = record.partition("\n")
        date, _, head = head.rpartition(DATE_END) if DATE_END in head else ("", "", head)
        names = []
        for part in head.split("\x00"):
            name = part.split("<")[0].strip()
            if name and name not in names:
                names.append(name)
        yield date, names, [line.strip() for line in files.split("\n") if line.strip()]


def parse_log(output: str) -> dict[str, list[str]]:
    """`git log` output of LOG_ARGS -> {path: [names, most commits first]}."""
    counts: dict[str, Counter] = defaultdict(Counter)
    for _, names, paths in _records(output):
        for path in paths:
            counts[path].update(names)
    return {path: [name for name, _ in sorted(c.items(), key=lambda item: (-item[1], item[0]))]
            for path, c in counts.items()}


def parse_dates(output: str) -> dict[str, str]:
    """`git log` output of LOG_ARGS -> {path: date of the newest commit that touched it}."""
    updated: dict[str, str] = {}
    for date, _, paths in _records(output):
        for path in paths:
            if date:
                updated.setdefault(path, date)
    return updated


@dataclass
class History:
    contributors: dict[str, list[str]] = field(default_factory=dict)
    updated: dict[str, str] = field(default_factory=dict)


def history(root: Path, folder: str = "docs") -> History:
    """Contributors and last-updated dates of the files under `folder`; empty without git or history."""
    try:
        result = subprocess.run(["git", *LOG_ARGS, "--", folder], cwd=root, capture_output=True, text=True,
                                timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return History()
    if result.returncode != 0:
        return History()
    return History(parse_log(result.stdout), parse_dates(result.stdout))


def contributors(root: Path, folder: str = "docs") -> dict[str, list[str]]:
    """{path relative to the repository: contributors}; empty without git or history."""
    return history(root, folder).contributors
