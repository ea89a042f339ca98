"""The checks of editors' source files, run ahead in a forked worker while Pelican reads.

The content checks, the personal-data guard and the unsafe-HTML refusal each read every Markdown
(and CSV) file themselves, from the settings alone, and report at page_generator_finalized
(`connect_source_check`). At ten years' scale that was 0.7 s of every build's reading (three file
caches loaded, ten thousand files listed and stat'ed three times), spent in the one process that
reads while the other core waits for the writing; ahead, the read phase was 0.37 s shorter on
average (benchmarks/RESULTS.md).

So the build runner starts them all at once when reading starts (`start_source_checks`, in a
forked worker, where the build may use more than one process), and each plugin's handler takes
its own result from it (`problems_found`) where it would have computed it: the same problems in
the same order, found by the same code. Without fork (Windows), with one worker, in a plain
Pelican run, when the fork is refused, when the worker died, or for a check that raised or logged
there, the check runs where it always did, in this process, so its exception and its messages are
the ones a build without the worker would give.
"""

from __future__ import annotations

import functools
import logging

from blinker import ANY, Signal

from .workers import ForkedWorker, build_workers, fork_worker

# The checks that depend on the settings and the source files alone: `problems_of(settings)`.
# A signal holds its receivers weakly, as Pelican's do (plugins pass module-level functions); it
# lists them in no set order, and each result is taken by the check's name.
AHEAD_CHECKS = Signal("portal_data.source_checks")
# The worker running them, in the build's shared context while reading; gone before writing.
CONTEXT_KEY = "_source_checks_ahead"


def check_name(problems_of) -> str:
    return f"{problems_of.__module__}.{problems_of.__qualname__}"


def connect_ahead(problems_of) -> None:
    AHEAD_CHECKS.connect(problems_of)


class ChecksAhead:
    """The forked worker running every connected check; its results are taken once."""

    def __init__(self, worker: ForkedWorker):
        self.worker: ForkedWorker | None = worker
        self.results: dict[str, list] = {}

    def result_of(self, problems_of) -> list | None:
        """What the worker found for `problems_of`; None when it has no result for it (the worker
        failed or died, or the check was connected after it started)."""
        self._collect()
        return self.results.get(check_name(problems_of))

    def _collect(self) -> None:
        if self.worker is not None:
            worker, self.worker = self.worker, None
            found, _how = worker.result()
            if isinstance(found, dict):
                self.results = found

    def stop(self) -> None:
        """Reap the worker if its results were never taken (reading failed before the checks)."""
        if self.worker is not None:
            worker, self.worker = self.worker, None
            worker.stop()
            worker.result()


class _Logged(logging.Handler):
    def __init__(self):
        super().__init__(logging.DEBUG)
        self.records = 0

    def emit(self, record):
        self.records += 1


def _run_all(checks: list, settings: dict) -> dict[str, list]:
    """In the worker: each check's problems. One that raises or logs is left out, to run again in
    the build's process, where its exception fails the build as it always did and its messages
    reach the build's log (a warning fails the build: buildtools/stages.run_pelican)."""
    found = {}
    root = logging.getLogger()
    handlers = root.handlers
    for problems_of in checks:
        logged = _Logged()
        root.handlers = [logged]  # only counted here: the build's run prints and collects them
        try:
            problems = list(problems_of(settings))
        except Exception:  # noqa: BLE001
            continue
        finally:
            root.handlers = handlers
        if not logged.records:
            found[check_name(problems_of)] = problems
    return found


def start_source_checks(settings: dict, context: dict) -> None:
    """Fork a worker running every connected check, when the build may use more than one
    process; `finish_source_checks(context)` must follow, however reading ends."""
    checks = list(AHEAD_CHECKS.receivers_for(ANY))
    if not checks or build_workers(settings) < 2:
        return
    try:
        worker = fork_worker(functools.partial(_run_all, checks, settings))
    except OSError:  # no process to spare now (EAGAIN, ENOMEM): each check runs where it always did
        return
    context[CONTEXT_KEY] = ChecksAhead(worker)


def finish_source_checks(context: dict) -> None:
    ahead = context.pop(CONTEXT_KEY, None)
    if ahead is not None:
        ahead.stop()


def problems_found(generator, problems_of) -> list:
    """`problems_of(generator.settings)`: taken from the worker started with reading, or run here."""
    ahead = generator.context.get(CONTEXT_KEY)
    found = ahead.result_of(problems_of) if ahead is not None else None
    return found if found is not None else problems_of(generator.settings)
