"""`build_site` when INCREMENTAL_BUILD is on: render into the kept work folder, then sync (buildtools/incremental.py)."""

from __future__ import annotations

import os
import time

from buildtools.build import BuildResult, _phase_clock, _write_build_report, finish_output, load_settings, run_pelican
from buildtools.incremental import (COMPRESSED, fingerprint, load_manifest, mark_complete, prepare_work, remove_empty_folders,
                                    remove_stale, save_manifest, start_marker, sync)


def build_incremental(settings_file: str, final_path: str, overrides: dict | None, report_path: str | None,
                      compare_with: str | None) -> BuildResult:
    """Same promises as build_site: on any problem the output is untouched and a report is written.

    Rendered pages, Pelican's cache and the sync manifest sit in one folder beside the output
    (`<output>.work/site`, `/cache`, `/manifest.json`) unless INCREMENTAL_WORK_PATH names another,
    so a publish shares one between its releases.
    """
    started = time.monotonic()
    base = load_settings(settings_file, overrides)
    work_root = os.path.abspath(base.get("INCREMENTAL_WORK_PATH") or f"{final_path}.work")
    work, cache = os.path.join(work_root, "site"), os.path.join(work_root, "cache")
    reference = compare_with or (final_path if os.path.isdir(final_path) else None)
    print_ = fingerprint(settings_file, overrides, base["THEME"])
    reused = prepare_work(work, cache, print_)
    settings = load_settings(settings_file, {**(overrides or {}), "OUTPUT_PATH": work, "CACHE_PATH": cache,
                                             "DELETE_OUTPUT_DIRECTORY": False, "CACHE_CONTENT": True,
                                             "LOAD_CONTENT_CACHE": True})
    clock = _phase_clock(settings)
    record = _output_record(settings)
    threshold = start_marker(work_root)
    problems, warnings = run_pelican(settings)
    clock.facts["incremental"] = {"reused_work_folder": reused, **record.tally}
    report_args = dict(report_path=report_path or f"{final_path}.build-report.json", clock=clock,
                       warnings=warnings, compare_with=reference)
    if problems:  # the work folder stays marked incomplete: the next build starts from nothing
        result = BuildResult(False, final_path, problems, time.monotonic() - started)
        result.report = _write_build_report(result, work, **report_args)
        return result
    stale = remove_stale(work, threshold, record.paths)
    if stale and "seo" in settings.get("PLUGINS", []):
        from seo.seo import write_sitemap_files  # on sys.path via pelicanconf

        write_sitemap_files(work, settings)  # withdrawn pages were still on disk when it first ran
    clock.facts["incremental"]["stale_removed"] = len(stale)
    changed = changed_pages(work, record.written, stale)
    clock.facts["incremental"]["pages_changed"] = bool(changed)
    problems = finish_output(work, settings, changed if reused else None)  # a fresh work folder: index all
    if problems:  # a failed search index: the output is untouched, the next build redoes it
        result = BuildResult(False, final_path, problems, time.monotonic() - started)
        result.report = _write_build_report(result, work, **report_args)
        return result
    remove_empty_folders(work)  # after precompression has removed the withdrawn pages' copies
    clock.mark("search-and-precompress")
    manifest_path = os.path.join(work_root, "manifest.json")
    pages = {os.path.relpath(path, work).replace(os.sep, "/") for path in record.paths}

    def replaced_not_rewritten(relative: str) -> bool:
        return relative in pages or relative.endswith(COMPRESSED)

    manifest, diff = sync(work, final_path, reference, load_manifest(manifest_path), replaced_not_rewritten)
    clock.mark("sync")
    save_manifest(manifest_path, manifest)
    mark_complete(work, print_)
    result = BuildResult(True, final_path, [], time.monotonic() - started)
    result.report = _write_build_report(result, final_path, diff=diff, **report_args)
    return result


def _output_record(settings: dict):
    from incremental_writer.incremental_writer import RECORD_SETTING, OutputRecord  # on sys.path via pelicanconf

    record = OutputRecord()
    settings[RECORD_SETTING] = record
    return record


def changed_pages(work: str, written: set[str], stale: list[str]) -> set[str]:
    """HTML pages this build wrote or removed, as `/`-separated paths relative to the work folder."""
    paths = {os.path.relpath(path, work) for path in written} | set(stale)
    return {path.replace(os.sep, "/") for path in paths if path.endswith(".html")}
