"""Files written whole or not at all: the data goes to a file beside the target, which is then
renamed over it (atomic within one file system), so a build or command killed half-way leaves the
old file or the new one, never a torn one, and no temporary file (removed on any exception,
KeyboardInterrupt included). The file gets the mode the old one had, or for a new file the mode
the process's umask gives any new file (0644 under the usual umask), as its neighbours have."""

import os
import secrets
from pathlib import Path


def _new_file_mode() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def write_bytes(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        mode = path.stat().st_mode & 0o7777
    except OSError:
        mode = _new_file_mode()
    # Per writer (process and call): parallel writers never share one temporary file.
    tmp = path.with_name(f"{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    try:
        tmp.write_bytes(data)
        os.chmod(tmp, mode)
        tmp.replace(path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_text(path: Path, text: str) -> None:
    write_bytes(path, text.encode("utf-8"))
