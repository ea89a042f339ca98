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
