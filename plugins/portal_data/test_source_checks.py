"""The source checks run ahead in a worker while Pelican reads: the same problems, or run here."""

from __future__ import annotations

import logging
import os
import pathlib
import shutil
import signal
import time

import pytest

from plugins.portal_data import source_checks
from plugins.portal_data.errors import DataError
from plugins.portal_data.source_checks import (
    CONTEXT_KEY,
    ChecksAhead,
    connect_ahead,
    finish_source_checks,
    problems_found,
    start_source_checks,
)
from plugins.portal_data.workers import can_fork

ROOT = pathlib.Path(__file__).resolve().parent.parent.parent
needs_fork = pytest.mark.skipif(not can_fork(), reason="the checks run ahead only in a forked worker")
PARENT = os.getpid()


def found_in_which_process(settings):
    return [DataError("news/a.md", 1, 1, "pid", str(os.getpid()))]


def dies_in_a_worker(settings):
    if os.getpid() != PARENT:
        os.kill(os.getpid(), signal.SIGKILL)
    return [DataError("news/a.md", 1, 1, "pid", str(os.getpid()))]


def logs_a_warning(settings):
    logging.getLogger(__name__).warning("在 %s 里发现了问题", os.getpid())
    return [DataError("news/a.md", 1, 1, "pid", str(os.getpid()))]


def fails_in_a_worker(settings):
    if os.getpid() != PARENT:
        raise KeyError("PATH")
    return [DataError("news/a.md", 1, 1, "pid", str(os.getpid()))]


def takes_its_time(settings):
    if os.getpid() != PARENT:
        time.sleep(60)
    return []


class Reading:
    """What a page_generator_finalized handler is given: the generator's settings and context."""

    def __init__(self, workers: int):
        self.settings = {"BUILD_WORKERS": workers}
        self.context = {}


def found_in(*checks) -> list[str]:
    """Each check's one problem, taken as a two-worker build takes it (the worker started with
    reading, each result taken at page_generator_finalized, the worker finished): the process it
    was found in."""
    reading = Reading(workers=2)
    start_source_checks(reading.settings, reading.context)
    try:
        return [problem.message for check in checks for problem in problems_found(reading, check)]
    finally:
        finish_source_checks(reading.context)


@pytest.fixture
def connected():
    """Connect test checks for one test only: the signal is the process's, and every build in it
    would otherwise run them too."""
    added = []

    def connect(*checks):
        for check in checks:
            connect_ahead(check)
            added.append(check)

    yield connect
    for check in added:
        source_checks.AHEAD_CHECKS.disconnect(check)


@needs_fork
def test_a_check_runs_in_the_worker_started_with_reading_and_its_result_is_taken_there(connected):
    connected(found_in_which_process)
    reading = Reading(workers=2)
    start_source_checks(reading.settings, reading.context)
    assert isinstance(reading.context[CONTEXT_KEY], ChecksAhead)
    try:
        [problem] = problems_found(reading, found_in_which_process)
    finally:
        finish_source_checks(reading.context)
    assert problem.message != str(os.getpid())
    assert CONTEXT_KEY not in reading.context  # nothing of it is left for the writing


def test_with_one_worker_nothing_is_forked_and_the_check_runs_here(connected):
    connected(found_in_which_process)
    reading = Reading(workers=1)
    start_source_checks(reading.settings, reading.context)
    assert CONTEXT_KEY not in reading.context
    [problem] = problems_found(reading, found_in_which_process)
    assert problem.message == str(os.getpid())


def test_a_fork_refused_leaves_every_check_to_this_process(connected, monkeypatch):
    def refuse(run):
        raise BlockingIOError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(source_checks, "fork_worker", refuse)
    monkeypatch.setattr(source_checks, "build_workers", lambda settings: 2)
    connected(found_in_which_process)
    reading = Reading(workers=2)
    start_source_checks(reading.settings, reading.context)
    assert CONTEXT_KEY not in reading.context
    [problem] = problems_found(reading, found_in_which_process)
    assert problem.message == str(os.getpid())


@needs_fork
def test_a_worker_that_dies_leaves_the_check_to_this_process(connected):
    connected(dies_in_a_worker)
    assert found_in(dies_in_a_worker) == [str(os.getpid())]


@needs_fork
def test_a_check_that_raises_in_the_worker_runs_again_here_where_its_exception_fails_the_build(connected):
    """Never an empty result in its place: a check that crashed would pass the build silently."""
    connected(fails_in_a_worker, found_in_which_process)
    again, ahead = found_in(fails_in_a_worker, found_in_which_process)
    assert again == str(os.getpid()) != ahead  # the other check's result still came from the worker


@needs_fork
def test_a_check_that_logs_runs_again_here_where_the_build_collects_its_messages(connected, caplog):
    connected(logs_a_warning, found_in_which_process)
    logged, quiet = found_in(logs_a_warning, found_in_which_process)
    assert logged == str(os.getpid()) != quiet
    assert [record.getMessage() for record in caplog.records] == [f"在 {os.getpid()} 里发现了问题"]


@needs_fork
def test_reading_that_fails_before_the_checks_stops_and_reaps_the_worker(connected):
    connected(takes_its_time)
    reading = Reading(workers=2)
    start_source_checks(reading.settings, reading.context)
    pid = reading.context[CONTEXT_KEY].worker.pid
    started = time.monotonic()
    finish_source_checks(reading.context)
    assert time.monotonic() - started < 10
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)  # reaped: no zombie left


def a_site_with_a_problem_for_each_check(tmp_path) -> pathlib.Path:
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    article = (content / "news" / "2020-07-08" / "first-ciyi-post.md").read_text(encoding="utf-8")
    (content / "news" / "2020-07-08" / "first-ciyi-post.md").write_text(
        article.replace("Date: 2020-07-08", "Date: 2020-07-32", 1)  # the content checks
        + "\n联系人手机13907331234。\n"  # the personal-data guard
        + '\n<script>alert("x")</script>\n',  # the unsafe-HTML refusal
        encoding="utf-8",
    )
    return content


@needs_fork
def test_the_build_refuses_the_same_problems_with_the_checks_ahead_as_without(tmp_path, monkeypatch):
    from buildtools.check import all_problems
    from buildtools.stages import load_settings

    content = a_site_with_a_problem_for_each_check(tmp_path)
    taken = []
    result_of = ChecksAhead.result_of

    def spied(self, problems_of):
        found = result_of(self, problems_of)
        taken.append((problems_of.__module__, found is not None))
        return found

    monkeypatch.setattr(ChecksAhead, "result_of", spied)
    problems = {
        workers: all_problems(
            load_settings(str(ROOT / "pelicanconf.py"), {"PATH": str(content), "BUILD_WORKERS": workers})
        )
        for workers in (1, 2)
    }
    assert problems[1] == problems[2]
    text = "\n".join(problems[2])
    assert "2020-07-32" in text and "139****1234" in text and "script" in text
    assert sorted(taken) == [
        ("plugins.content_checks.content_checks", True),
        ("plugins.personal_data_guard.guard", True),
        ("plugins.safe_html.safe_html", True),
    ]
