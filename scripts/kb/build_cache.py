"""A folder of JSON values by content key, kept in .cache/ between builds.

One file per key (so `mkdocs serve` reads and writes only what an edit touched), written
atomically (a build killed half-way leaves no torn entry). `prune()` after a complete build
removes the entries that build did not use, so the folder does not grow with every edit.
"""

import hashlib
import json
from pathlib import Path

from kb import atomic


def digest(*parts: str | bytes) -> str:
    """sha256 of the parts, each length-prefixed so that ("ab", "c") and ("a", "bc") differ."""
    h = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "big") + data)
    return h.hexdigest()


class BuildCache:
    def __init__(self, folder: Path):
        self.folder = folder
        self.used: set[str] = set()
        self.hits = self.misses = 0

    def _path(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}.json"

    def get(self, key: str):
        """The value stored under key, or None."""
        self.used.add(key)
        try:
            value = json.loads(self._path(key).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            self.misses += 1
            return None
        self.hits += 1
        return value

    def put(self, key: str, value) -> None:
        self.used.add(key)
        atomic.write_text(self._path(key), json.dumps(value, ensure_ascii=False, separators=(",", ":")))

    def prune(self, expected: int) -> int:
        """Delete every entry not used since this object was made, if `expected` entries (one per
        page) were used: a partial build (`mkdocs serve --dirty`) removes nothing. The number deleted."""
        if len(self.used) < expected:
            return 0
        removed = 0
        for path in self.folder.glob("*/*.json"):
            if path.stem not in self.used:
                path.unlink(missing_ok=True)
                removed += 1
        for path in self.folder.glob("*/*.tmp"):  # left by a writer killed half-way (kb.atomic)
            path.unlink(missing_ok=True)
        return removed

