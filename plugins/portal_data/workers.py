"""How many processes a build may use (BUILD_WORKERS), read in one place for reading and writing."""

from __future__ import annotations

import os

WORKERS_SETTING = "BUILD_WORKERS"
MAX_DEFAULT_WORKERS = 4


def build_workers(settings) -> int:
    """BUILD_WORKERS, or one per CPU this process may use, at most four: each worker holds a copy of
    what it touches, and beyond four the disk and the merge are the limit. 1 means no extra process."""
    configured = settings.get(WORKERS_SETTING)
    if configured is None:
        return max(1, min(len(os.sched_getaffinity(0)), MAX_DEFAULT_WORKERS))
    if not isinstance(configured, int) or isinstance(configured, bool) or configured < 1:
        raise ValueError(f"{WORKERS_SETTING} 应为正整数（例：2），现为 {configured!r}")
    return configured


_PR_SET_PDEATHSIG = 1  # linux/prctl.h


def die_with_parent(parent_pid: int) -> None:
    """In a worker just forked: be killed when the build process dies, so a killed build (CI
    timeout, an operator's kill -9) never leaves workers writing into its folders. If the parent
    is already gone, exit now."""
    try:
        import ctypes
        import signal

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):  # not Linux: the worker still ends with its work
        pass
    if os.getppid() != parent_pid:
        os._exit(1)
