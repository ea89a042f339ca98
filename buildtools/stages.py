"""The stages both build runners share: read settings, run Pelican collecting its warnings, index
for search and precompress the finished output, and write the build report.

buildtools/build.py (a fresh staging folder) and buildtools/incremental_build.py (the kept work
folder) each compose these; neither imports the other's internals.
"""

from __future__ import annotations

import logging
import os
import tempfile
import time
import traceback
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from buildtools.report import make_report, previous_report, write_report

if TYPE_CHECKING:
    from plugins.build_report.build_report import PhaseClock

# Pelican, the search index and compression are imported by the functions that run them, not
# here: a rebuild with nothing changed (buildtools/unchanged.py) uses BuildResult and must not pay
# for importing them.

# Pelican warnings that are not about content and do not break a page.
HARMLESS_WARNING_PREFIXES = ()


@dataclass
class BuildResult:
    ok: bool
    output_path: str
    problems: list[str] = field(default_factory=list)
    seconds: float = 0.0
    report: dict | None = None


class _WarningCollector(logging.Handler):
    """Remembers every warning or error Pelican logs during one build."""

    def __init__(self):
        super().__init__(level=logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record):
        message = record.getMessage()
        if not message.startswith(HARMLESS_WARNING_PREFIXES):
            self.messages.append(f"{record.levelname}: {message}")


def load_settings(settings_file: str, overrides: dict | None = None) -> dict:
    from pelican.settings import read_settings

    from buildtools.pelican_version import require_pelican_version

    require_pelican_version()  # every build, check and publish reads its settings here first
    return read_settings(settings_file, override=overrides or {})


def run_pelican(
    settings: dict, clock: PhaseClock | None = None, record=None, *, write: bool = True, articles_reading=None
) -> tuple[list[str], list[str]]:
    """Run Pelican once; returns (problems that fail the build, the warnings among them).

    `write=False` stops after reading (buildtools/check.py, `invoke check`): every problem the
    build refuses content for is found while reading, so the check and the build print the same
    lines; each content problem is then one item, without the build's closing count.

    `clock` gets the phases' seconds and the report's facts about what was read (the build_report
    plugin); `record` is the incremental writer's OutputRecord (plugins/incremental_writer);
    `articles_reading` the incremental build's kept reading (buildtools/articles_reading.py). They
    travel on the Pelican object, not in the settings, which hold only settings."""
    # Pelican logs each warning once per process (LimitFilter's class-wide sets): a second build in
    # one process (`invoke serve`, the tests) would pass silently what a new process refuses.
    from pelican.log import LimitFilter

    from buildtools.parallel_output import SharedOutputPelican
    from plugins.portal_data import ContentError

    LimitFilter._raised_messages.clear()
    LimitFilter._group_count.clear()
    collector = _WarningCollector()
    root = logging.getLogger()
    root.addHandler(collector)
    problems: list[str] = []
    content_refused = False
    try:
        pelican = SharedOutputPelican(
            settings, phase_clock=clock, output_record=record, articles_reading=articles_reading
        )
        pelican.run() if write else pelican.read_content()
    except Exception as exc:  # noqa: BLE001 - every failure must leave the live output untouched
        if isinstance(exc, ContentError):
            problems += [exc.report()] if write else [str(error) for error in exc.errors]
            content_refused = True
        else:
            problems.append(program_error(exc))
    finally:
        root.removeHandler(collector)
    # Each output worker runs every generator, so a warning not tied to one page (logged before
    # the share is decided) arrives once per worker: report each message once.
    messages = list(dict.fromkeys(collector.messages))
    if not content_refused:
        # Pelican's own messages (in English) while our checks refused content are its consequences:
        # "Could not process news/a.md", two items with one slug, a missing image's timestamp. The
        # editor reads each problem once, positioned and in Chinese; the report keeps them all.
        problems.extend(messages)
    return problems, messages


def program_error(exc: BaseException) -> str:
    """One Chinese line for a failure that is not the editor's: the traceback, which only a developer
    can use, goes to a log file of its own that the line names."""
    with tempfile.NamedTemporaryFile(
        "w", encoding="utf-8", prefix="liling-build-error-", suffix=".log", delete=False
    ) as log:
        log.write(traceback.format_exc())
    return (
        f"构建失败（程序出错，不是稿件的问题）：{exc.__class__.__name__}: {exc}；"
        f"完整的出错信息在 {log.name}，请交给网站的开发人员"
    )


def phase_clock() -> PhaseClock:
    """The runner's clock: its own phases, and Pelican's, marked by the build_report plugin."""
    from plugins.build_report.build_report import PhaseClock

    return PhaseClock()


def settings_problems(settings: dict) -> tuple[dict, list[str]]:
    """(the runner's settings, []) or ({}, [the problem]) for a wrong one, before anything is read."""
    from buildtools.settings import runner_settings

    try:
        return runner_settings(settings), []
    except ValueError as exc:
        return {}, [f"设置有误：{exc}"]


def write_build_report(
    result: BuildResult, built_path: str, *, report_path, clock, warnings, compare_with, diff=None, listed=None
) -> dict:
    report = make_report(
        ok=result.ok,
        output=built_path,
        reference=compare_with,
        problems=result.problems,
        warnings=warnings,
        phases=clock.phases,
        facts=clock.facts,
        diff=diff,
        listed=listed,
        # `invoke build` replaces its own report; a release's is beside the live site it replaces.
        previous=previous_report(
            report_path, compare_with and os.path.join(os.path.dirname(compare_with), "build-report.json")
        ),
    )
    clock.mark("report")
    report["phases_s"] = dict(clock.phases)
    report["output"] = result.output_path
    write_report(report_path, report)
    return report


def finish_output(
    path: str,
    settings: dict,
    documents: str,
    pages_changed: set[str] | None = None,
    clock: PhaseClock | None = None,
    written: set[str] | None = None,
    pages: list[str] | None = None,
) -> tuple[list[str], set[str] | None]:
    """Steps on the finished output that Pelican does not do: the search index, then precompressed
    copies of everything (the index included). Returns (problems that must fail the build, the
    files these steps and the build wrote or removed).

    `documents` is the folder that keeps each page's search document between builds
    (buildtools/search_documents.py). `pages_changed` holds the pages (relative, `/`-separated
    paths) this build wrote or removed: only their documents are made again, and only the shards
    where one changed are indexed again (buildtools/search_shards.py). None means unknown, as in a
    fresh or first build: every page's bytes are checked and every shard is indexed.

    `written`: every file (relative path) the build wrote or removed, so only those are compressed
    again; None compresses the whole tree and returns None (every file is new to the sync anyway).

    `pages`: every HTML page of the finished output (relative, `/`-separated), when the caller
    has just listed them (buildtools/incremental.remove_stale); None: the search step lists them.
    """
    from buildtools.precompress import precompress_changed, precompress_tree
    from buildtools.settings import runner_settings

    config = runner_settings(settings)
    search_written: set[str] = set()
    if config["SEARCH_INDEX"]:
        problems, search_written = index_for_search(
            path, settings, documents, pages_changed, clock, config["BUILD_WORKERS"], pages
        )
        if problems:
            return problems, None
    if written is None:
        if config["PRECOMPRESS"]:
            precompress_tree(path, workers=config["BUILD_WORKERS"])
        return [], None
    written = written | search_written
    if config["PRECOMPRESS"]:
        written |= precompress_changed(path, written, workers=config["BUILD_WORKERS"])
    return [], written


def index_for_search(
    site_path: str,
    settings: dict,
    documents: str,
    pages_changed: set[str] | None = None,
    clock: PhaseClock | None = None,
    workers: int = 1,
    pages: list[str] | None = None,
) -> tuple[list[str], set[str]]:
    """Build the search index's shards in site_path/search-index/ from the search documents kept in `documents`.

    A shard indexed again has only the files whose bytes changed replaced, each by rename (files
    of the kept work folder may be hard-linked into a live release and must never be rewritten in
    place). A failed shard returns a problem, so the build fails and the live site and its index
    stay as they were; the shard, left without its layout, is indexed again by the next build.
    The shards indexed again, and seconds for each, are in the build report (`search.reindexed`;
    `search.patched`: those whose index was patched for the changed pages, not made whole),
    with how many pages' documents changed (`search.documents_changed`) and how many index files
    were written or removed (`search.files_written`). Returns (problems, those files).
    """
    from buildtools.search_shards import index_shards

    started = time.monotonic()
    try:
        update = index_shards(site_path, settings, pages_changed, documents, workers, pages)
    except ValueError as exc:  # a wrong SEARCH_SHARDS setting: fail the build with its message
        return [f"搜索索引设置有误：{exc}"], set()
    if clock is not None:
        clock.facts["search"] = {
            "reindexed": sorted(update.seconds),
            "patched": sorted(update.patched),
            "seconds": round(time.monotonic() - started, 2),
            "seconds_by_shard": update.seconds,
            "documents_changed": update.documents_changed,
            "files_written": len(update.written),
        }
    return update.problems, update.written
