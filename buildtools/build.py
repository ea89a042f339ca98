"""Build the site into a staging folder and put it in place only when the build is clean.

Editors' mistakes arrive as ContentError (positioned messages, printed without a traceback);
any Pelican warning that means broken content fails the build too. Either way the previous
output folder stays exactly as it was, so nothing half-built is ever served.
"""

from __future__ import annotations

import gc
import os
import shutil
import sys
import time

from buildtools.locks import LockHeld, exclusive_lock
from buildtools.report import summary
from buildtools.stages import (
    BuildResult,
    finish_output,
    load_settings,
    phase_clock,
    run_pelican,
    settings_problems,
    write_build_report,
)
from buildtools.unchanged import quick_rebuild
from plugins.portal_data.atomic import replace_folder
from plugins.portal_data.collector import build_heap

# Pelican and the incremental runner (which imports it) are imported where a build runs them: a
# rebuild with nothing changed (buildtools/unchanged.py) is decided without them.


def build_site(
    settings_file: str = "pelicanconf.py",
    output_path: str | None = None,
    overrides: dict | None = None,
    report_path: str | None = None,
    compare_with: str | None = None,
) -> BuildResult:
    """Build with `settings_file` into `output_path` (default: the settings' OUTPUT_PATH).

    A build report goes to `report_path` (default `<output>.build-report.json`), comparing the
    new output with `compare_with` (default: the output it replaces).
    """
    with build_heap():  # what the build reads is kept out of the collector's way (collector.py)
        return _build_site(settings_file, output_path, overrides, report_path, compare_with)


def _build_site(settings_file, output_path, overrides, report_path, compare_with) -> BuildResult:
    started = time.monotonic()
    settings = load_settings(settings_file, overrides)
    final_path = os.path.abspath(output_path or settings["OUTPUT_PATH"])
    config, problems = settings_problems(settings)
    if problems:  # nothing read, nothing written, no report: the output stays as it is
        return BuildResult(False, final_path, problems, time.monotonic() - started)
    if config["INCREMENTAL_BUILD"]:
        from buildtools.incremental_build import build_incremental

        return build_incremental(settings_file, final_path, overrides, report_path, compare_with)
    staging_path = f"{final_path}.building-{os.getpid()}"
    shutil.rmtree(staging_path, ignore_errors=True)
    settings = load_settings(settings_file, {**(overrides or {}), "OUTPUT_PATH": staging_path})
    clock = phase_clock()
    problems, warnings = run_pelican(settings, clock)

    report_args = dict(
        report_path=report_path or f"{final_path}.build-report.json",
        clock=clock,
        warnings=warnings,
        compare_with=compare_with or (final_path if os.path.isdir(final_path) else None),
    )
    if problems:
        shutil.rmtree(staging_path, ignore_errors=True)
        result = BuildResult(False, final_path, problems, time.monotonic() - started)
        result.report = write_build_report(result, staging_path, **report_args)
        return result
    # A build from nothing keeps nothing: its search documents go with it.
    documents = f"{staging_path}.search-documents"
    try:
        problems, _written = finish_output(staging_path, settings, documents, clock=clock)
    finally:
        shutil.rmtree(documents, ignore_errors=True)
    clock.mark("search-and-precompress")
    if problems:
        shutil.rmtree(staging_path, ignore_errors=True)
        result = BuildResult(False, final_path, problems, time.monotonic() - started)
        result.report = write_build_report(result, staging_path, **report_args)
        return result
    result = BuildResult(True, final_path, [], time.monotonic() - started)
    result.report = write_build_report(result, staging_path, **report_args)
    replace_folder(staging_path, final_path)
    return result


def _quiet_pelican_logging() -> None:
    """No console handler: run_pelican collects every Pelican message and main prints it once, with
    the build's problems, instead of also as it happens (an editor would read each problem twice)."""
    import logging

    from pelican.log import init as init_logging

    init_logging(level=logging.WARNING, handler=None)


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(description="构建醴陵新闻网站")
    parser.add_argument("--settings", default="pelicanconf.py")
    parser.add_argument("--output", default=None)
    parser.add_argument("--audit", action="store_true", help="渲染每一页，核对渲染键（见 README）")
    parser.add_argument("--workers", type=int, default=None, help="进程数（默认 BUILD_WORKERS）")
    args = parser.parse_args(argv)
    if args.output is None:
        _quiet_pelican_logging()
    output = os.path.abspath(args.output or load_settings(args.settings)["OUTPUT_PATH"])
    overrides = {"RENDER_KEYS_AUDIT": True} if args.audit else {}
    if args.workers is not None:
        overrides["BUILD_WORKERS"] = args.workers
    try:
        with exclusive_lock(f"{output}.lock"):  # `invoke build` and every `invoke serve` rebuild
            result = quick_rebuild(args.settings, output, overrides or None)
            if result is None:
                if args.output is not None:
                    _quiet_pelican_logging()
                result = build_site(args.settings, output, overrides or None)
    except LockHeld as held:
        print(f"另一个构建正在写入 {output}（{held.holder}）；请等它结束后再试。", file=sys.stderr)
        return 1
    if not result.ok:
        print("\n".join(result.problems), file=sys.stderr)
        print(f"构建失败，{result.output_path} 保持原样。", file=sys.stderr)
        return 1
    print(f"构建完成：{result.output_path}（用时 {result.seconds:.1f} 秒）")
    if result.report:
        print(summary(result.report))
    return 0


if __name__ == "__main__":
    code = main()
    # What the build left (half a gigabyte of articles, models and pages at ten years' scale, held
    # in reference cycles) would be traversed once more by the collector as Python exits, 1.5 s of
    # every rebuild; frozen, it is left to the operating system. Exit handlers still run.
    gc.freeze()
    sys.exit(code)
