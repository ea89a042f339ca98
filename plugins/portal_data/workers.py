"""Worker processes: how many a build may use, and the two ways it starts them.

Every Linux-only call of the build is here: `os.fork`, `prctl` (a worker dies with the build),
`os.sched_getaffinity` (the CPUs this process may use) and glibc's `malloc_trim`
(`return_freed_memory`). Where fork is missing (Windows) or
refused, `build_workers` answers 1 and every caller does its work in this one process instead:
the same pages, the same bytes, only slower. Where prctl or sched_getaffinity is missing (macOS),
workers still run; they just count CPUs with os.cpu_count and end with their work, not the build.

- `process_pool(workers, …)`: a pool of forked workers for independent items (Markdown
  conversion, precompression);
- `fork_worker(run)` / `ForkedWorker.result()`: one forked child that runs `run()` on the
  parent's state as it is after reading and pipes back its picklable result (the shared writing
  stage, buildtools/parallel_output.py).
"""

from __future__ import annotations

import ctypes
import functools
import gc
import multiprocessing
import os
import pickle
import signal
import sys
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

WORKERS_SETTING = "BUILD_WORKERS"
MAX_DEFAULT_WORKERS = 4
_PR_SET_PDEATHSIG = 1  # linux/prctl.h


def can_fork() -> bool:
    """Whether this platform starts workers by fork, which shares the parent's state after reading."""
    if not hasattr(os, "fork"):
        return False
    try:
        multiprocessing.get_context("fork")
    except ValueError:
        return False
    return True


def usable_cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux: every CPU counts
        return os.cpu_count() or 1


def build_workers(settings) -> int:
    """BUILD_WORKERS, or one per CPU this process may use, at most four: each worker holds a copy of
    what it touches, and beyond four the disk and the merge are the limit. 1 means no extra
    process, and so does a platform without fork, whatever the setting says."""
    configured = settings.get(WORKERS_SETTING)
    if configured is not None and (not isinstance(configured, int) or isinstance(configured, bool) or configured < 1):
        raise ValueError(f"{WORKERS_SETTING} 应为正整数（例：2），现为 {configured!r}")
    if not can_fork():
        return 1
    if configured is None:
        return max(1, min(usable_cpus(), MAX_DEFAULT_WORKERS))
    return configured


def die_with_parent(parent_pid: int) -> None:
    """In a worker just forked: be killed when the build process dies, so a killed build (CI
    timeout, an operator's kill -9) never leaves workers writing into its folders. If the parent
    is already gone, exit now."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError, TypeError):  # not Linux: the worker still ends with its work
        pass
    if os.getppid() != parent_pid:
        os._exit(1)


def _start_pool_worker(parent_pid: int, initializer, initargs) -> None:
    die_with_parent(parent_pid)
    if initializer is not None:
        initializer(*initargs)


def process_pool(workers: int, initializer=None, initargs=()) -> ProcessPoolExecutor:
    """`workers` forked processes that die with this one; call only when build_workers(...) > 1.
    Each starts as a copy of this process, so what this one has freed is given back first."""
    return_freed_memory()
    return ProcessPoolExecutor(
        workers,
        mp_context=multiprocessing.get_context("fork"),
        initializer=_start_pool_worker,
        initargs=(os.getpid(), initializer, initargs),
    )


@dataclass
class ForkedWorker:
    pid: int
    read_end: int

    def result(self) -> tuple[object | None, str]:
        """(what the child's `run()` returned, or None; how it ended), read to the end of its pipe
        and the child reaped (killed first if reading is interrupted, so none outlives the build)."""
        try:
            with os.fdopen(self.read_end, "rb") as pipe:
                data = pipe.read()
        except BaseException:
            self.stop(signal.SIGKILL)
            os.waitpid(self.pid, 0)
            raise
        _, status = os.waitpid(self.pid, 0)
        how = (
            f"被信号 {os.WTERMSIG(status)} 终止"
            if os.WIFSIGNALED(status)
            else f"退出码 {os.waitstatus_to_exitcode(status)}"
        )
        if data:
            try:
                return pickle.loads(data), how
            except Exception:  # noqa: BLE001 - a truncated result counts as none
                pass
        return None, how

    def stop(self, how: int = signal.SIGTERM) -> None:
        try:
            os.kill(self.pid, how)
        except ProcessLookupError:
            pass


def fork_worker(run) -> ForkedWorker:
    """A child process that runs `run()` and pipes its picklable result back; it never returns
    into the caller's code (no atexit handlers, no finally blocks up the stack)."""
    parent = os.getpid()
    sys.stdout.flush()
    sys.stderr.flush()
    read_end, write_end = os.pipe()
    try:
        pid = os.fork()
    except BaseException:
        os.close(read_end)
        os.close(write_end)
        raise
    if pid == 0:  # pragma: no cover - the child
        code = 1
        try:
            die_with_parent(parent)
            os.close(read_end)
            data = pickle.dumps(run(), protocol=pickle.HIGHEST_PROTOCOL)
            with os.fdopen(write_end, "wb") as pipe:
                pipe.write(data)
            code = 0
        finally:
            os._exit(code)
    os.close(write_end)
    return ForkedWorker(pid, read_end)


def return_freed_memory() -> bool:
    """Collect the cyclic garbage that is not frozen, then give the C library's freed heap back to
    the operating system: True where it could (glibc's malloc_trim), False elsewhere (Windows,
    macOS, musl), where the process just stays the size it grew to.

    glibc keeps what Python frees inside its heap, and a heap that millions of small strings and
    lists went through (one search shard's postings: up to a gigabyte at ten years' scale) stays
    that size, in holes between what is still alive. A worker forked from it maps all of it, and
    the build's resident memory counts those pages once per process: precompression's two workers
    took a ten-year full build's process tree from 1.1 to 3.2 GiB (benchmarks/RESULTS.md). A few
    tens of milliseconds; called before forking a pool and after each shard indexed whole."""
    gc.collect()  # what a build froze is not walked: only the garbage made since
    trim = _malloc_trim()
    if trim is None:
        return False
    trim(0)
    return True


@functools.cache
def _malloc_trim():
    if not sys.platform.startswith("linux"):
        return None
    try:
        return ctypes.CDLL(None).malloc_trim  # glibc's; musl has none
    except (OSError, AttributeError, TypeError):  # no C library to load (as die_with_parent)
        return None
