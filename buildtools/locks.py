"""One process at a time on a folder: a build, a preview rebuild or a publish holds a lock file beside
what it writes, and a second one is refused with the holder's name instead of writing into the same files.

A POSIX record lock (lockf), not flock: it belongs to the locking process alone, so a build's forked
workers do not hold it, and it ends the moment that process does, even when it is killed. Windows has
msvcrt's byte-range lock instead; where neither exists the lock is skipped, as a build there is one process.
"""

from __future__ import annotations

import datetime as dt
import errno
import os
from contextlib import contextmanager

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None
try:
    import msvcrt
except ImportError:  # everywhere else
    msvcrt = None

BUSY = (errno.EACCES, errno.EAGAIN, getattr(errno, "EDEADLK", errno.EAGAIN))


class LockHeld(Exception):
    """Another process holds the lock; `holder` says which and since when."""

    def __init__(self, holder: str):
        super().__init__(holder)
        self.holder = holder


@contextmanager
def exclusive_lock(path: str):
    """Hold the lock file `path` for the block; raises LockHeld at once when another process holds it."""
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    handle = open(path, "a+", encoding="utf-8")
    try:
        try:
            _lock(handle)
        except OSError as exc:
            if exc.errno not in BUSY:
                raise
            try:
                handle.seek(0)
                holder = handle.read().strip()
            except OSError:  # Windows: the locked byte cannot be read either
                holder = ""
            raise LockHeld(holder or "未知进程") from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"进程 {os.getpid()}，开始于 {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M:%S} UTC\n")
        handle.flush()
        yield
    finally:
        handle.close()  # closing releases the lock; a killed process releases it too


def _lock(handle) -> None:
    if fcntl is not None:
        fcntl.lockf(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    elif msvcrt is not None:
        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
