"""Worker processes: how many a build may use, and the two ways it starts them.

Every Linux-only call of the build is here: `os.fork`, `prctl` (a worker dies with the build)
and `os.sched_getaffinity` (the CPUs this process may use). Where fork is missing (Windows) or
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
        import ctypes

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
    """`workers` forked processes that die with this one; call only when build_workers(...) > 1."""
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
