"""Who wrote each page, from the repository's own history (`git log`, no network, no GitHub API).

`parse_log` is pure: it reads the output of LOG_ARGS. Authors and
Co-authored-by trailers count; a page's contributors are ordered by number
of commits, then by name. Without git or history, every page has none.
"""

import subprocess
from collections import Counter, defaultdict
from pathlib import Path

COMMIT = "\x1e"  # record separator before each commit
LOG_ARGS = ["log", f"--format={COMMIT}%aN%x00%(trailers:key=Co-authored-by,valueonly,separator=%x00)", "--name-only",
            "--no-renames"]


def parse_log(output: str) -> dict[str, list[str]]:
    """`git log` output of LOG_ARGS -> {path: [names, most commits first]}."""
    counts: dict[str, Counter] = defaultdict(Counter)
    for record in output.split(COMMIT)[1:]:
        head, _, files = record.partition("\n")
        names = []
        for part in head.split("\x00"):
            name = part.split("<")[0].strip()
            if name and name not in names:
                names.append(name)
        for path in filter(None, (line.strip() for line in files.split("\n"))):
            counts[path].update(names)
    return {path: [name for name, _ in sorted(c.items(), key=lambda item: (-item[1], item[0]))]
            for path, c in counts.items()}


def contributors(root: Path, folder: str = "docs") -> dict[str, list[str]]:
    """{path relative to the repository: contributors}; empty without git or history."""
    try:
        result = subprocess.run(["git", *LOG_ARGS, "--", folder], cwd=root, capture_output=True, text=True,
                                timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return {}
    return parse_log(result.stdout) if result.returncode == 0 else {}
