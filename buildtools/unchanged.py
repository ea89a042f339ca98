"""A rebuild with nothing changed: decided, reported and left as it is without importing Pelican.

`invoke build` (and every `invoke serve` rebuild) tries this first. It repeats the incremental
build's own checks from the last clean build's record (`<output>.work/inputs.json`): the settings,
theme and code files and the content files are the same by digest (reused while their stat says
so, buildtools/inputs.py), the work folder is complete, and the clock is still inside the
publishing window. The output is not looked at: only builds write it (they hold `<output>.lock`),
and the last sync's record (`synced.json`, buildtools/incremental.py) says it holds that build's
files. An output edited by hand is what `invoke audit` finds, not this check.

A publish (a new release folder) never comes here: it needs a sync (buildtools/incremental_build.py).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import time
from zoneinfo import ZoneInfo

from buildtools.incremental import NOT_SHAPING_OUTPUT, fingerprint, is_complete, read_synced
from buildtools.inputs import InputState, digest_content, input_key, load_state, save_state, within_window
from buildtools.report import make_report, previous_report, write_report
from buildtools.stages import BuildResult


def settings_record(
    settings_file: str, overrides: dict | None, settings: dict, final_path: str, time_rule: dict
) -> dict:
    """What quick_rebuild needs of the settings Pelican read, kept with the inputs of a clean build.

    While the fingerprint is the same (settings files, LILING_/PAGEFIND_ environment, overrides),
    these values are the same; `time_rule` says where the build time comes from (time_of)."""
    return {
        "settings_file": os.path.abspath(settings_file),
        "overrides": shaping_overrides(overrides),
        "output": os.path.abspath(final_path),
        "theme": os.path.abspath(settings["THEME"]),
        "extra_folders": [*settings.get("PLUGIN_PATHS", []), *settings.get("THEME_TEMPLATES_OVERRIDES", [])],
        "content": os.path.abspath(settings["PATH"]),
        "audit": bool(settings.get("RENDER_KEYS_AUDIT")),
        "time": time_rule,
    }


def shaping_overrides(overrides: dict | None) -> str:
    return json.dumps(
        {key: value for key, value in (overrides or {}).items() if key not in NOT_SHAPING_OUTPUT},
        sort_keys=True,
        default=str,
    )


def time_of(rule: dict) -> dt.datetime | None:
    """The build time by the last build's rule: none (time is no input), a fixed time, or the clock."""
    if "fixed" in rule:
        return dt.datetime.fromisoformat(rule["fixed"])
    if "clock" in rule:
        return dt.datetime.now(ZoneInfo(rule["clock"])).replace(microsecond=0)
    return None


def quick_rebuild(settings_file: str, final_path: str, overrides: dict | None = None) -> BuildResult | None:
    """The result of a rebuild in place with nothing changed, or None when a build must run."""
    started = time.monotonic()
    final_path = os.path.abspath(final_path)
    work_root = os.path.abspath((overrides or {}).get("INCREMENTAL_WORK_PATH") or f"{final_path}.work")
    previous = load_state(work_root)
    recorded = previous.settings
    if (
        not recorded
        or (overrides or {}).get("RENDER_KEYS_AUDIT")
        or recorded["audit"]
        or recorded["settings_file"] != os.path.abspath(settings_file)
        or recorded["overrides"] != shaping_overrides(overrides)
        or recorded["output"] != final_path
        or not os.path.isdir(final_path)
    ):
        return None
    taken_ns = time.time_ns()
    print_, code = fingerprint(
        settings_file, overrides, recorded["theme"], recorded["extra_folders"], previous, taken_ns
    )
    content = digest_content(recorded["content"], previous, taken_ns)
    if (
        input_key(print_, content) != previous.key
        or not is_complete(os.path.join(work_root, "site"), print_)
        or not within_window(previous, time_of(recorded["time"]))
    ):
        return None
    # Every digest reused: the record already vouches for each file, so it is not written again.
    save = bool(content.digested or code.digested)
    return reuse_in_place(work_root, final_path, previous, content, code, started, save=save)


def reuse_in_place(work_root, final_path, previous: InputState, content, code, started, report_path=None, save=True):
    """Nothing that decides a page changed, and the last sync made `final_path`: leave it as it is,
    write the report (the last build's facts and counts), keep the digests just taken (`save`).
    None when the sync's record does not describe `final_path` (a build must run and sync)."""
    synced = read_synced(work_root)
    if not synced or synced["target"] != final_path or synced["input_key"] != previous.key or "files" not in synced:
        return None
    checked = time.monotonic()
    phases = {"inputs": round(checked - started, 3)}
    facts = {
        **previous.facts,
        "incremental": {
            "unchanged_inputs": True,
            "content_files_digested": content.digested,
            "code_files_digested": code.digested,
            "pages_changed": False,
            "input_key": previous.key,
        },
    }
    report_path = report_path or f"{final_path}.build-report.json"
    report = make_report(
        ok=True,
        output=final_path,
        reference=final_path,
        problems=[],
        warnings=[],
        phases=phases,
        facts=facts,
        diff={"added": [], "removed": [], "changed": []},
        listed=[],
        previous=previous_report(report_path),
    )
    report.update(pages=synced["pages"], files=synced["files"], pages_by_kind=synced["pages_by_kind"])
    if save:  # the digests just taken are as good as the old ones and make the next check cheaper
        state = InputState(previous.key, content.files, content.taken_ns, previous.facts, code.files, previous.settings)
        save_state(work_root, state)
    phases["report"] = round(time.monotonic() - checked, 3)
    report["phases_s"], report["total_s"] = phases, round(sum(phases.values()), 3)
    report["output"] = final_path
    write_report(report_path, report)
    return BuildResult(True, final_path, [], time.monotonic() - started, report)
