"""A folder of JSON values by content key, kept in .cache/ between builds.

One file per key (so `mkdocs serve` reads and writes only what an edit touched), written
atomically (a build killed half-way leaves no torn entry). Each entry carries its key and a digest
of its value: an entry that is missing, damaged, of another key or of the wrong shape is a miss,
computed again, never a wrong page. `prune()` after a complete build removes the entries that build
did not use, so the folder does not grow with every edit.
"""

import hashlib
import json
import logging
from pathlib import Path

from kb import atomic

log = logging.getLogger("mkdocs.plugins.kb.build_cache")


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
        """The value stored under key, or None (also for an entry that is not key's, or damaged)."""
        self.used.add(key)
        path = self._path(key)
        try:
            entry = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            if not isinstance(exc, FileNotFoundError):
                log.debug(f"{path}: unreadable cache entry ({exc.__class__.__name__}), computed again")
            self.misses += 1
            return None
        if (not isinstance(entry, dict) or entry.get("key") != key or "value" not in entry
                or entry.get("sha256") != _value_digest(entry["value"])):
            log.debug(f"{path}: cache entry of another key or damaged, computed again")
            self.misses += 1
            return None
        self.hits += 1
        return entry["value"]

    def put(self, key: str, value) -> None:
        self.used.add(key)
        entry = {"key": key, "sha256": _value_digest(value), "value": value}
        try:
            atomic.write_text(self._path(key), json.dumps(entry, ensure_ascii=False, separators=(",", ":")))
        except OSError as exc:  # the folder deleted meanwhile: the next build computes it again
            log.debug(f"{self._path(key)}: cache entry not written ({exc})")

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


def _value_digest(value) -> str:
    return hashlib.sha256(json.dumps(value, ensure_ascii=False, sort_keys=True).encode("utf-8")).hexdigest()
