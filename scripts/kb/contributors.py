"""Who wrote each page, when it last changed and what each commit changed, from one `git log`
(no network, no GitHub API).

`parse_log`, `parse_dates` and `parse_changes` are pure: they read the output of LOG_ARGS.
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
SUBJECT_END = "\x1d"  # then the commit's subject line
LOG_ARGS = ["log", f"--format={COMMIT}%cs{DATE_END}%s{SUBJECT_END}%aN%x00"
            "%(trailers:key=Co-authored-by,valueonly,separator=%x00)", "--name-status", "--no-renames"]


@dataclass(frozen=True)
class Change:
    """One commit that touched pages: what the "what's new" page and the feed list."""

    date: str  # YYYY-MM-DD
    subject: str
    added: tuple[str, ...]  # paths of the pages it created
    changed: tuple[str, ...]  # paths of the pages it edited


def _records(output: str) -> Iterator[tuple[str, list[str], str, list[tuple[str, str]]]]:
    """(date, names, subject, [(status, path)]) per commit, newest first. The status is git's
    letter (A added, M modified, D deleted); a bare path line (--name-only) counts as M."""
    for record in output.split(COMMIT)[1:]:
        head, _, files = record.partition("\n")
        date, _, head = head.partition(DATE_END) if DATE_END in head else ("", "", head)
        subject, _, head = head.partition(SUBJECT_END) if SUBJECT_END in head else ("", "", head)
        names = []
        for part in head.split("\x00"):
            name = part.split("<")[0].strip()
            if name and name not in names:
                names.append(name)
        paths = []
        for line in files.split("\n"):
            status, tab, path = line.strip().partition("\t")
            if line.strip():
                paths.append((status[:1], path.strip()) if tab else ("M", line.strip()))
        yield date, names, subject, paths


def parse_log(output: str) -> dict[str, list[str]]:
    """`git log` output of LOG_ARGS -> {path: [names, most commits first]}."""
    counts: dict[str, Counter] = defaultdict(Counter)
    for _, names, _, paths in _records(output):
        for _, path in paths:
            counts[path].update(names)
    return {path: [name for name, _ in sorted(c.items(), key=lambda item: (-item[1], item[0]))]
            for path, c in counts.items()}


def parse_dates(output: str) -> dict[str, str]:
    """`git log` output of LOG_ARGS -> {path: date of the newest commit that touched it}."""
    updated: dict[str, str] = {}
    for date, _, _, paths in _records(output):
        for _, path in paths:
            if date:
                updated.setdefault(path, date)
    return updated


def parse_changes(output: str, is_page=lambda path: path.endswith(".md")) -> list[Change]:
    """`git log` output of LOG_ARGS -> the commits that added or edited pages, newest first."""
    changes = []
    for date, _, subject, paths in _records(output):
        added = tuple(p for status, p in paths if status == "A" and is_page(p))
        changed = tuple(p for status, p in paths if status == "M" and is_page(p))
        if date and (added or changed):
            changes.append(Change(date, subject, added, changed))
    return changes


@dataclass
class History:
    contributors: dict[str, list[str]] = field(default_factory=dict)
    updated: dict[str, str] = field(default_factory=dict)
    changes: list[Change] = field(default_factory=list)


def history(root: Path, folder: str = "docs") -> History:
    """Contributors and last-updated dates of the files under `folder`; empty without git or history."""
    try:
        result = subprocess.run(["git", *LOG_ARGS, "--", folder], cwd=root, capture_output=True, text=True,
                                timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return History()
    if result.returncode != 0:
        return History()
    return History(parse_log(result.stdout), parse_dates(result.stdout), parse_changes(result.stdout))


def contributors(root: Path, folder: str = "docs") -> dict[str, list[str]]:
    """{path relative to the repository: contributors}; empty without git or history."""
    return history(root, folder).contributors
