"""Build the site into a staging folder and put it in place only when the build is clean.

Editors' mistakes arrive as ContentError (positioned messages, printed without a traceback);
any Pelican warning that means broken content fails the build too. Either way the previous
output folder stays exactly as it was, so nothing half-built is ever served.
"""

from __future__ import annotations

import logging
import os
import shutil
import sys
import time
from dataclasses import dataclass, field

from buildtools.parallel_output import SharedOutputPelican
from buildtools.pelican_version import require_pelican_version
from pelican.log import init as init_logging
from pelican.settings import read_settings

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
    require_pelican_version()  # every build, check and publish reads its settings here first
    return read_settings(settings_file, override=overrides or {})


def build_site(settings_file: str = "pelicanconf.py", output_path: str | None = None,
               overrides: dict | None = None, report_path: str | None = None,
               compare_with: str | None = None) -> BuildResult:
    """Build with `settings_file` into `output_path` (default: the settings' OUTPUT_PATH).

    A build report goes to `report_path` (default `<output>.build-report.json`), comparing the
    new output with `compare_with` (default: the output it replaces).
    """
    started = time.monotonic()
    settings = load_settings(settings_file, overrides)
    final_path = os.path.abspath(output_path or settings["OUTPUT_PATH"])
    if settings.get("INCREMENTAL_BUILD"):
        from buildtools.incremental_build import build_incremental

        return build_incremental(settings_file, final_path, overrides, report_path, compare_with)
    staging_path = f"{final_path}.building-{os.getpid()}"
    shutil.rmtree(staging_path, ignore_errors=True)
    settings = load_settings(settings_file, {**(overrides or {}), "OUTPUT_PATH": staging_path})
    clock = _phase_clock(settings)
    problems, warnings = run_pelican(settings)

    report_args = dict(report_path=report_path or f"{final_path}.build-report.json", clock=clock,
                       warnings=warnings,
                       compare_with=compare_with or (final_path if os.path.isdir(final_path) else None))
    if problems:
        shutil.rmtree(staging_path, ignore_errors=True)
        result = BuildResult(False, final_path, problems, time.monotonic() - started)
        result.report = _write_build_report(result, staging_path, **report_args)
        return result
    problems = finish_output(staging_path, settings)
    clock.mark("search-and-precompress")
    if problems:
        shutil.rmtree(staging_path, ignore_errors=True)
        result = BuildResult(False, final_path, problems, time.monotonic() - started)
        result.report = _write_build_report(result, staging_path, **report_args)
        return result
    result = BuildResult(True, final_path, [], time.monotonic() - started)
    result.report = _write_build_report(result, staging_path, **report_args)
    replace_folder(staging_path, final_path)
    return result


def run_pelican(settings: dict) -> tuple[list[str], list[str]]:
    """Run Pelican once; returns (problems that fail the build, the warnings among them)."""
    collector = _WarningCollector()
    root = logging.getLogger()
    root.addHandler(collector)
    problems: list[str] = []
    try:
        SharedOutputPelican(settings).run()
    except Exception as exc:  # noqa: BLE001 - every failure must leave the live output untouched
        from portal_data import ContentError  # importable once pelicanconf has set the plugin path

        if isinstance(exc, ContentError):
            problems.append(exc.report())
        else:
            problems.append(f"构建失败：{exc.__class__.__name__}: {exc}")
    finally:
        root.removeHandler(collector)
    # Each output worker runs every generator, so a warning not tied to one page (logged before
    # the share is decided) arrives once per worker: report each message once.
    messages = list(dict.fromkeys(collector.messages))
    problems.extend(messages)
    return problems, messages


def _phase_clock(settings: dict):
    """The build_report plugin marks Pelican's phases on this clock."""
    from build_report.build_report import CLOCK_SETTING, PhaseClock  # on sys.path once pelicanconf ran

    clock = PhaseClock()
    settings[CLOCK_SETTING] = clock
    return clock


def _write_build_report(result: BuildResult, built_path: str, *, report_path, clock, warnings, compare_with,
                        diff=None, listed=None) -> dict:
    from buildtools.report import make_report, write_report

    report = make_report(ok=result.ok, output=built_path, reference=compare_with, problems=result.problems,
                         warnings=warnings, phases=clock.phases, facts=clock.facts, diff=diff, listed=listed)
    clock.mark("report")
    report["phases_s"] = dict(clock.phases)
    report["output"] = result.output_path
    write_report(report_path, report)
    return report


def finish_output(path: str, settings: dict, pages_changed: set[str] | None = None) -> list[str]:
    """Steps on the finished output that Pelican does not do: the search index, then precompressed
    copies of everything (the index included). Returns problems that must fail the build.

    `pages_changed` holds the pages (relative, `/`-separated paths) this build wrote or removed;
    only the search shards holding one of them are indexed again (buildtools/search_shards.py).
    None means unknown, as in a fresh or first build: every shard is indexed.
    """
    if settings.get("SEARCH_INDEX", True):
        problems = index_for_search(path, settings, pages_changed)
        if problems:
            return problems
    if settings.get("PRECOMPRESS", True):
        from buildtools.precompress import precompress_tree

        precompress_tree(path)
    return []


def index_for_search(site_path: str, settings: dict, pages_changed: set[str] | None = None) -> list[str]:
    """Build the Pagefind shards (extended binary: it segments Chinese words) in site_path/pagefind/.

    Each shard is written into a fresh folder that then replaces the old one by rename: files of
    the kept work folder may be hard-linked into a live release and must never be rewritten in
    place. A failed shard returns a problem, so the live site and its old index stay as they were.
    The shards indexed again, and seconds for each, are in the build report (`search.reindexed`).
    """
    from buildtools.search_shards import index_shards

    started = time.monotonic()
    try:
        problems, seconds = index_shards(site_path, settings, pages_changed)
    except ValueError as exc:  # a wrong SEARCH_SHARDS setting: fail the build with its message
        return [f"搜索索引设置有误：{exc}"]
    clock = settings.get("BUILD_PHASE_CLOCK")  # build_report's CLOCK_SETTING, when the runner set one
    if clock is not None:
        clock.facts["search"] = {"reindexed": sorted(seconds), "seconds": round(time.monotonic() - started, 2),
                                 "seconds_by_shard": seconds}
    return problems


def replace_folder(new_path: str, final_path: str) -> None:
    """Swap the finished build in; the old folder is removed only after the new one is in place."""
    old_path = f"{final_path}.old-{os.getpid()}"
    if os.path.exists(final_path):
        os.rename(final_path, old_path)
    os.rename(new_path, final_path)
    shutil.rmtree(old_path, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(description="构建醴陵新闻网站")
    parser.add_argument("--settings", default="pelicanconf.py")
    parser.add_argument("--output", default=None)
    parser.add_argument("--audit", action="store_true", help="渲染每一页，核对渲染键（见 README）")
    args = parser.parse_args(argv)
    init_logging(level=logging.WARNING)
    result = build_site(args.settings, args.output, {"RENDER_KEYS_AUDIT": True} if args.audit else None)
    if not result.ok:
        print("\n".join(result.problems), file=sys.stderr)
        print(f"构建失败，{result.output_path} 保持原样。", file=sys.stderr)
        return 1
    print(f"构建完成：{result.output_path}（用时 {result.seconds:.1f} 秒）")
    if result.report:
        from buildtools.report import summary

        print(summary(result.report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
