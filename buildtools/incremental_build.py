"""`build_site` when INCREMENTAL_BUILD is on: render into the kept work folder, then sync (buildtools/incremental.py)."""

from __future__ import annotations

import dataclasses
import os
import time

from buildtools.articles_reading import ArticlesReading
from buildtools.incremental import (
    COMPRESSED,
    SEARCH_FOLDER,
    fingerprint,
    forget_synced,
    is_complete,
    load_manifest,
    mark_complete,
    mark_synced,
    prepare_work,
    read_synced,
    remove_emptied_folders,
    remove_stale,
    save_manifest,
    start_marker,
    stat_or_none,
    sync,
)
from buildtools.inputs import InputState, digest_content, forget_state, input_key, load_state, save_state, within_window
from buildtools.settings import runner_settings
from buildtools.stages import BuildResult, finish_output, load_settings, phase_clock, run_pelican, write_build_report
from buildtools.unchanged import reuse_in_place, settings_record, time_of
from plugins.incremental_writer.incremental_writer import GENERATOR_GROUP, OutputRecord
from plugins.portal_data import fast_json
from plugins.portal_data.atomic import write_json_atomically
from plugins.portal_data.collector import collector_paused
from plugins.portal_data.plugin_list import plugin_listed
from plugins.portal_data.tree import tree_files
from plugins.scheduled_publishing import scheduled_publishing

# What the report says of the content; a build that reuses the last output repeats it from there.
CONTENT_FACTS = (
    "articles",
    "standing_pages",
    "build_time",
    "scheduled",
    "pages_change_at",
    "estimated_deadlines",
    "unexplained_corrections",
    "front_page_lead",
)

# Pelican's content cache, kept in the work folder's cache (the build's and the preview's readings).
# Not compressed: gzip cost more time (0.4 s to load and 0.6 s to save ten thousand articles'
# entries) than the disk it saves is worth in a folder of the build's own.
WORK_CACHE_SETTINGS = {"CACHE_CONTENT": True, "LOAD_CONTENT_CACHE": True, "GZIP_CACHE": False}


def build_incremental(
    settings_file: str, final_path: str, overrides: dict | None, report_path: str | None, compare_with: str | None
) -> BuildResult:
    """Same promises as build_site: on any problem the output is untouched and a report is written.

    Rendered pages, Pelican's cache and the sync manifest sit in one folder beside the output
    (`<output>.work/site`, `/cache`, `/manifest.json`) unless INCREMENTAL_WORK_PATH names another,
    so a publish shares one between its releases.
    """
    started = time.monotonic()
    base = load_settings(settings_file, overrides)
    config = runner_settings(base)
    work_root = os.path.abspath(config["INCREMENTAL_WORK_PATH"] or f"{final_path}.work")
    work, cache = os.path.join(work_root, "site"), os.path.join(work_root, "cache")
    reference = compare_with or (final_path if os.path.isdir(final_path) else None)
    previous = load_state(work_root)
    taken_ns = time.time_ns()
    extra_folders = [*base.get("PLUGIN_PATHS", []), *base.get("THEME_TEMPLATES_OVERRIDES", [])]
    print_, code = fingerprint(settings_file, overrides, base["THEME"], extra_folders, previous, taken_ns)
    content = digest_content(os.path.abspath(base["PATH"]), previous, taken_ns)
    key = input_key(print_, content)
    recorded_settings = settings_record(settings_file, overrides, base, final_path, _time_rule(base))
    if (
        is_complete(work, print_)
        and previous.key == key
        and within_window(previous, _build_time(base))
        and reference is not None
        and not config["RENDER_KEYS_AUDIT"]
    ):
        previous = dataclasses.replace(previous, settings=recorded_settings)
        if os.path.abspath(reference) == final_path:
            unchanged = reuse_in_place(work_root, final_path, previous, content, code, started, report_path)
        else:
            unchanged = _sync_unchanged(
                work, work_root, final_path, reference, previous, content, code, report_path, started
            )
        if unchanged is not None:
            return unchanged
    forget_state(work_root)
    reused = prepare_work(work, cache, print_)
    settings = load_settings(
        settings_file,
        {
            **(overrides or {}),
            "OUTPUT_PATH": work,
            "CACHE_PATH": cache,
            "DELETE_OUTPUT_DIRECTORY": False,
            **WORK_CACHE_SETTINGS,
        },
    )
    clock = phase_clock()
    keys_path, groups_path = os.path.join(cache, RENDER_KEYS_FILE), os.path.join(cache, FILE_GROUPS_FILE)
    record = OutputRecord(
        load_render_keys(keys_path) if reused else {},
        audit=config["RENDER_KEYS_AUDIT"],
        previous_groups=load_file_groups(groups_path) if reused else {},
    )
    threshold = start_marker(work_root)
    # An audit trusts nothing kept: it reads the articles as a build from nothing would.
    articles = ArticlesReading.for_build(cache, print_, content.files, use=not config["RENDER_KEYS_AUDIT"])
    problems, warnings = run_pelican(settings, clock, record, articles_reading=articles)
    if record.key_misses:  # audit mode (tests): a key that matched while the page changed is a bug here
        problems += [f"渲染键漏掉了页面的输入（页面已按新内容重写）：{path}" for path in sorted(record.key_misses)]
    clock.facts["incremental"] = {
        "reused_work_folder": reused,
        "input_key": key,
        "articles_reading_reused": articles.reused,
        "articles_not_read_again": articles.articles_not_read_again,
        "articles_spliced": articles.articles_spliced,
        **record.tally,
    }
    report_args = dict(
        report_path=report_path or f"{final_path}.build-report.json",
        clock=clock,
        warnings=warnings,
        compare_with=reference,
    )
    if problems:
        if reused and not written_since(work, threshold):
            # Refused before writing (an editor's mistake is found while reading): the work folder
            # is still exactly the last clean build's, so the build after the fix stays incremental.
            save_state(work_root, previous)
            mark_complete(work, print_)
        # Otherwise the work folder stays marked incomplete: the next build starts from nothing.
        articles.discard()
        result = BuildResult(False, final_path, problems, time.monotonic() - started)
        result.report = write_build_report(result, work, **report_args)
        return result
    sweep = remove_stale(work, threshold, record.paths, record.written)
    # The sitemap needs no second writing for withdrawn pages: it was made from the writer's
    # record (plugins/seo), which never holds them, and it was written after the start, so the
    # sweep counts it among the files this build touched.
    stale, touched = sweep.removed, sweep.touched
    clock.facts["incremental"]["stale_removed"] = len(stale)
    changed = changed_pages(work, record.written, stale)
    clock.facts["incremental"]["pages_changed"] = bool(changed)
    manifest_path = os.path.join(work_root, "manifest.json")
    # The manifest describes the reference only when the sync that wrote it finished (its record).
    synced = read_synced(work_root)
    previous_manifest = load_manifest(manifest_path) if synced and synced["target"] == reference else {}
    documents = os.path.join(work_root, "search-documents")
    # A fresh work folder (None): every page's search document is checked, every shard indexed,
    # every file compressed and synced.
    problems, written = finish_output(
        work,
        settings,
        documents,
        changed if reused else None,
        clock,
        touched | set(stale) if reused else None,
        pages=sweep.pages,
    )
    clock.facts["incremental"]["pages_changed_for_search"] = clock.facts.get("search", {}).get("documents_changed")
    if problems:  # a failed search index: the output is untouched, the next build redoes it
        articles.discard()
        result = BuildResult(False, final_path, problems, time.monotonic() - started)
        result.report = write_build_report(result, work, **report_args)
        return result
    remove_emptied_folders(work, stale)  # after precompression has removed the withdrawn pages' copies
    clock.mark("search-and-precompress")
    prefix = len(os.path.abspath(work).rstrip(os.sep)) + 1
    pages = {path[prefix:].replace(os.sep, "/") for path in record.paths}  # paths are absolute, under work

    def replaced_not_rewritten(relative: str) -> bool:
        return relative in pages or relative.endswith(COMPRESSED)

    if written is not None:
        written |= replaced_search_files(work, previous_manifest)
    forget_synced(work_root)
    manifest, diff = sync(work, final_path, reference, previous_manifest, replaced_not_rewritten, written)
    clock.mark("sync")
    save_manifest(manifest_path, manifest)
    reading_kept = articles.save(os.path.abspath(base["PATH"]), content.files, content.taken_ns)
    clock.facts["incremental"]["articles_reading_kept"] = reading_kept
    groups, render_keys = record.groups, record.render_keys
    if not reading_kept:
        # A content file saved while the build read it: the pages may show bytes the reading's key
        # does not name, and the generator groups are keyed by it (their pages' own keys are not).
        groups = {name: group for name, group in groups.items() if not name.startswith(GENERATOR_GROUP)}
        if record.read_from:
            # So are the keys that name an article by its file's digest
            # (parallel_output.read_from_identities): none is kept, the next build renders afresh.
            render_keys = {}
    save_render_keys(keys_path, render_keys, manifest["files"])
    save_file_groups(groups_path, groups, manifest["files"])
    save_state(
        work_root,
        InputState(
            key,
            content.files,
            content.taken_ns,
            {name: clock.facts[name] for name in CONTENT_FACTS if name in clock.facts},
            code.files,
            recorded_settings,
        ),
    )
    mark_complete(work, print_)
    result = BuildResult(True, final_path, [], time.monotonic() - started)
    result.report = write_build_report(result, final_path, diff=diff, listed=list(manifest["files"]), **report_args)
    mark_synced(work_root, final_path, key, report_counts(result.report))
    return result


def report_counts(report: dict) -> dict:
    """What a report says of the files of an output, for a later report on the same files."""
    return {name: report[name] for name in ("pages", "files", "pages_by_kind")}


def replaced_search_files(work: str, manifest: dict) -> set[str]:
    """Files the last sync put in the search folder that may be gone or different now although
    this build's search step did not name them: the files beside the shards and the shards that
    are gone (the search step names each file it writes or removes in a shard it indexes,
    buildtools/search_shards.py). Found in the manifest, with one listing of the search folder."""
    index = os.path.join(work, SEARCH_FOLDER)
    present = {entry.name for entry in os.scandir(index) if entry.is_dir()} if os.path.isdir(index) else set()
    prefix = f"{SEARCH_FOLDER}/"
    found = set()
    for relative in manifest.get("files", {}):
        if relative.startswith(prefix):
            parts = relative.split("/", 2)
            if len(parts) == 2 or parts[1] not in present:
                found.add(relative)
    return found


def written_since(work: str, threshold_ns: int) -> bool:
    """Whether any file in the work folder was written or touched by this build (inode change time)."""
    for _relative, path in tree_files(work):
        stat = stat_or_none(path)
        if stat is not None and stat.st_ctime_ns >= threshold_ns:
            return True
    return False


def _time_rule(settings: dict) -> dict:
    """Where this build's build time comes from, for buildtools/unchanged.time_of: none (time is no
    input), a fixed time (BUILD_TIME or LILING_BUILD_TIME, both covered by the fingerprint) or the
    clock in a time zone."""
    if not plugin_listed(settings, "scheduled_publishing"):
        return {} if settings.get("WITH_FUTURE_DATES", True) else {"clock": settings.get("TIMEZONE") or "UTC"}
    if settings.get("BUILD_TIME") or os.environ.get(scheduled_publishing.ENV_BUILD_TIME):
        return {"fixed": scheduled_publishing.build_time(settings).isoformat()}
    return {"clock": settings.get("TIMEZONE") or scheduled_publishing.DEFAULTS["TIMEZONE"]}


def _build_time(settings: dict):
    """The build time scheduled publishing would use, or None when no article can wait for one."""
    if not plugin_listed(settings, "scheduled_publishing"):
        return time_of(_time_rule(settings))
    return scheduled_publishing.build_time(settings)


def _sync_unchanged(work, work_root, final_path, reference, previous, content, code, report_path, started):
    """Nothing that decides a page changed, into a new folder (a release): no Pelican run, no
    search index, no compression; the work folder is synced as after any build."""
    clock = phase_clock()
    clock.started = started  # settings, fingerprint and content digests are this build's first phase
    clock.mark("inputs")
    manifest_path = os.path.join(work_root, "manifest.json")
    synced = read_synced(work_root)
    manifest = load_manifest(manifest_path) if synced and synced["target"] == reference else {}
    forget_synced(work_root)
    manifest, diff = sync(work, final_path, reference, manifest, lambda relative: relative.endswith(COMPRESSED), set())
    save_manifest(manifest_path, manifest)
    clock.mark("sync")
    clock.facts.update(previous.facts)
    clock.facts["incremental"] = {
        "unchanged_inputs": True,
        "content_files_digested": content.digested,
        "code_files_digested": code.digested,
        "pages_changed": False,
        "input_key": previous.key,
    }
    save_state(
        work_root,
        InputState(previous.key, content.files, content.taken_ns, previous.facts, code.files, previous.settings),
    )
    result = BuildResult(True, final_path, [], time.monotonic() - started)
    result.report = write_build_report(
        result,
        final_path,
        report_path=report_path or f"{final_path}.build-report.json",
        clock=clock,
        warnings=[],
        compare_with=reference,
        diff=diff,
        listed=list(manifest["files"]),
    )
    mark_synced(work_root, final_path, previous.key, report_counts(result.report))
    return result


RENDER_KEYS_FILE = "render-keys.json"
FILE_GROUPS_FILE = "file-groups.json"


def load_file_groups(path: str) -> dict[str, list]:
    """The file groups saved by save_file_groups; any entry not of that shape is left out (its
    group is then written as if new), so a damaged file costs time, never a wrong page."""

    def well_formed(group) -> bool:
        return (
            isinstance(group, list)
            and len(group) in (4, 5)
            and isinstance(group[0], str)
            and isinstance(group[1], list)
            and all(isinstance(name, str) for name in group[1])
            and isinstance(group[2], list)
            and all(
                isinstance(entry, list)
                and len(entry) == 3
                and all(isinstance(part, str) for part in entry)
                and not entry[0].startswith(("/", "../"))
                and "/../" not in entry[0]
                for entry in group[2]
            )
            and (group[3] is None or isinstance(group[3], str))
            and (len(group) == 4 or well_formed_reach(group[4], len(group[2])))
        )

    def well_formed_reach(reach, files: int) -> bool:  # a generator group's (incremental_writer)
        return (
            isinstance(reach, dict)
            and isinstance(reach.get("names"), list)
            and all(isinstance(name, str) for name in reach["names"])
            and isinstance(reach.get("reach"), list)
            and len(reach["reach"]) == files
            and all(
                row is None
                or (isinstance(row, list) and all(type(at) is int and 0 <= at < len(reach["names"]) for at in row))
                for row in reach["reach"]
            )
        )

    return {folder: group for folder, group in load_render_keys(path).items() if well_formed(group)}


def load_render_keys(path: str) -> dict[str, list]:
    try:
        with open(path, "rb") as handle, collector_paused():
            keys = fast_json.loads(handle.read())
        return keys if isinstance(keys, dict) else {}
    except (OSError, ValueError):
        return {}


def save_render_keys(path: str, keys: dict[str, str], synced: dict[str, list]) -> None:
    """Each page's key with the size and mtime its file has now, after a clean build, taken from
    the sync's manifest entries ([size, mtime, …] of every work file, made just now); a key whose
    file is not in the work folder is dropped."""
    recorded = {
        relative: [key, synced[relative][0], synced[relative][1]]
        for relative, key in keys.items()
        if relative in synced
    }
    write_json_atomically(path, recorded, sort_keys=True)


def save_file_groups(path: str, groups: dict[str, list], synced: dict[str, list]) -> None:
    """Each file group's record (plugins/incremental_writer: key, templates, files) after a clean
    build; a group with a file that is not in the work folder is dropped, as its key would be."""
    kept = {folder: group for folder, group in groups.items() if all(entry[0] in synced for entry in group[2])}
    write_json_atomically(path, kept, sort_keys=True)


def changed_pages(work: str, written: set[str], stale: list[str]) -> set[str]:
    """HTML pages this build wrote or removed, as `/`-separated paths relative to the work folder."""
    paths = {os.path.relpath(path, work).replace(os.sep, "/") for path in written} | set(stale)
    return {path for path in paths if path.endswith(".html")}
