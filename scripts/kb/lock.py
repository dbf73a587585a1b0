"""One writer at a time in a repository: `kb import` and `kb new` hold this lock while they check
that a page is free and write it (and data/topics.yaml), so two commands started together cannot
both report success for one page, or lose one of two topic-map entries.

The lock is flock(2) on the repository's folder itself: no lock file to leave behind, and the
kernel releases it when a process dies.
"""

import fcntl
import os
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def repository_lock(root: Path):
    fd = os.open(root, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock
