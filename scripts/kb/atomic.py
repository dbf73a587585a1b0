"""Files written whole or not at all: the data goes to a file beside the target, which is then
renamed over it (atomic within one file system), so a build or command killed half-way leaves the
old file or the new one, never a torn one."""

import os
from pathlib import Path


def write_bytes(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")  # per process: parallel writers never share one
    tmp.write_bytes(data)
    tmp.replace(path)


def write_text(path: Path, text: str) -> None:
    write_bytes(path, text.encode("utf-8"))
