"""Publish a release atomically: build into a new folder, check it, then swap the `live` symlink.

    releases/
      20260101T180000Z-1a2b3c4/site/      one complete build (nginx root: releases/live/site)
      20260101T180000Z-1a2b3c4/build-report.json
      20260101T180000Z-1a2b3c4/RELEASED   written once live points at it
      live -> 20260101T180000Z-1a2b3c4    swapped with os.replace (rename(2) is atomic on POSIX)
      .publish.lock                       a lock (lockf): one publish or rollback at a time
      .rolled-back.json                   the release a rollback took off line and the inputs it was built from

Until the swap, nothing the web server reads has changed, so a failing, refused or killed build
leaves the live site exactly as it was; the next publish removes what an interrupted one left.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
from contextlib import contextmanager
from dataclasses import dataclass, field

from buildtools.build import build_site
from buildtools.checks import check_links, check_page_count, check_search_index, page_count
from buildtools.incremental import retarget_manifest
from buildtools.locks import LockHeld, exclusive_lock
from buildtools.report import write_report
from buildtools.stages import load_settings
from plugins.portal_data.atomic import replacing, write_atomically, write_json_atomically

DEFAULTS = {
    "PUBLISH_ROOT": "releases",  # relative to the repository root
    "PUBLISH_KEEP": 5,  # releases kept, the live one included
    "PUBLISH_SEARCH_INDEX": None,  # e.g. "search-index/shards.json": it and every shard it lists
    "PUBLISH_MAX_PAGE_DROP": 0.05,  # refuse when pages drop by more than this, unless --force
}
LIVE = "live"
SITE = "site"
MARKER = "RELEASED"
LOCK = ".publish.lock"
ROLLED_BACK = ".rolled-back.json"
REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class PublishError(Exception):
    """A publish or rollback that did not happen; the message says why and what to do."""


@dataclass
class PublishResult:
    release: str
    site_path: str
    problems: list[str] = field(default_factory=list)
    report: dict | None = None
    unchanged: bool = False  # nothing changed since the live release, which stays live

    @property
    def ok(self) -> bool:
        return not self.problems


def publish_settings(settings: dict) -> dict:
    config = {key: settings.get(key, default) for key, default in DEFAULTS.items()}
    keep, drop, index = config["PUBLISH_KEEP"], config["PUBLISH_MAX_PAGE_DROP"], config["PUBLISH_SEARCH_INDEX"]
    if isinstance(keep, bool) or not isinstance(keep, int) or keep < 2:
        raise PublishError(f"PUBLISH_KEEP 应为不小于 2 的整数（保留上一版才能回滚），现在是 {keep!r}")
    if isinstance(drop, bool) or not isinstance(drop, int | float) or not 0 <= drop < 1:
        raise PublishError(f"PUBLISH_MAX_PAGE_DROP 应为 0 到 1 之间的小数（例：0.05 即 5%），现在是 {drop!r}")
    if index is not None and not (isinstance(index, str) and index.strip()):
        raise PublishError(
            f'PUBLISH_SEARCH_INDEX 应为文件路径（例："search-index/shards.json"）或 None，现在是 {index!r}'
        )
    return config


@contextmanager
def publish_lock(root: str):
    """Hold an exclusive lock for one publish; a second one at the same time is refused, not queued."""
    try:
        with exclusive_lock(os.path.join(root, LOCK)):
            yield
    except LockHeld as held:
        raise PublishError(f"另一个发布或回滚正在进行（{held.holder}）；请等它结束后再试。") from None


def live_release(root: str) -> str | None:
    link = os.path.join(root, LIVE)
    return os.readlink(link) if os.path.islink(link) else None


def publishing_order(name: str) -> tuple[str, int]:
    """Sort key of a release name: its UTC time, then the number a second release in the same
    second carries (`….2`, `….10`), compared as a number so ten releases still sort in time order."""
    stem, dot, number = name.rpartition(".")
    return (stem, int(number)) if dot and number.isdigit() else (name, 1)


def completed_releases(root: str) -> list[str]:
    """Release names in publishing order, oldest first, counting the live one even before its marker."""
    if not os.path.isdir(root):
        return []
    live = live_release(root)
    return sorted(
        (
            name
            for name in os.listdir(root)
            if name != LIVE
            and not name.startswith(".")
            and (name == live or os.path.isfile(os.path.join(root, name, MARKER)))
        ),
        key=publishing_order,
    )


def switch_live(root: str, release: str) -> None:
    """Point `live` at `release` in one rename: readers see the old site or the new, never a mix.

    Everything written so far reaches the disk first, so a power cut cannot leave `live` pointing at
    a release whose files were still in memory; the folder is synced after, so the switch itself lasts."""
    if hasattr(os, "sync"):
        os.sync()
    with replacing(os.path.join(root, LIVE)) as temporary:
        os.symlink(release, temporary)
    _sync_folder(root)


def _sync_folder(path: str) -> None:
    try:
        folder = os.open(path, os.O_RDONLY)
    except OSError:  # Windows cannot open a folder; there the rename is all we have
        return
    try:
        os.fsync(folder)
    finally:
        os.close(folder)


def input_key(report: dict | None) -> str | None:
    """What a release was built from (settings, code and every content file), as the build reported it."""
    return (report or {}).get("incremental", {}).get("input_key")


def rolled_back(root: str) -> dict | None:
    try:
        with open(os.path.join(root, ROLLED_BACK), encoding="utf-8") as handle:
            return json.load(handle)
    except (OSError, ValueError):
        return None


def refuse_rolled_back_inputs(root: str, report: dict | None, force: bool) -> None:
    """A rollback is a decision: the next scheduled publish must not quietly put the same site back."""
    record = rolled_back(root)
    if force or record is None or input_key(report) is None or input_key(report) != record.get("input_key"):
        return
    raise PublishError(
        f"版本 {record['release']} 已于 {record['at']} 回滚，这次发布的内容与它相同，所以没有发布，"
        "线上网站保持原样。要重新发布：提交新的修改（新的 commit）后再发布，"
        "或确认无误后运行 invoke publish --force。"
    )


def remove_unfinished(root: str) -> list[str]:
    """Folders of publishes that never completed (killed, failed). Safe: we hold the lock."""
    live = live_release(root)
    removed = []
    for name in sorted(os.listdir(root)):
        path = os.path.join(root, name)
        if name.startswith(".") or name == LIVE or name == live or not os.path.isdir(path):
            continue
        if not os.path.isfile(os.path.join(path, MARKER)):
            shutil.rmtree(path, ignore_errors=True)
            removed.append(name)
    return removed


def prune(root: str, keep: int) -> list[str]:
    """Keep the newest `keep` releases; the live one is never removed, whatever its age."""
    live = live_release(root)
    releases = completed_releases(root)
    doomed = [name for name in releases[:-keep] if name != live] if len(releases) > keep else []
    for name in doomed:
        shutil.rmtree(os.path.join(root, name), ignore_errors=True)
    return doomed


def release_name(root: str, now: dt.datetime | None = None) -> str:
    now = now or dt.datetime.now(dt.UTC)
    name = f"{now:%Y%m%dT%H%M%S}Z-{_commit()}"
    suffix = 1
    while os.path.exists(os.path.join(root, name if suffix == 1 else f"{name}.{suffix}")):
        suffix += 1
    return name if suffix == 1 else f"{name}.{suffix}"


def _commit() -> str:
    try:
        return (
            subprocess.run(
                ["git", "rev-parse", "--short", "HEAD"], cwd=REPO_ROOT, capture_output=True, text=True, check=True
            ).stdout.strip()
            or "nogit"
        )
    except (OSError, subprocess.CalledProcessError):
        return "nogit"


def publish(
    settings_file: str, root: str | None = None, force: bool = False, overrides: dict | None = None
) -> PublishResult:
    """Build, check and switch live; raises PublishError (live untouched) when anything fails."""
    settings = load_settings(settings_file, overrides)
    config = publish_settings(settings)
    root = os.path.abspath(root or os.path.join(REPO_ROOT, config["PUBLISH_ROOT"]))
    with publish_lock(root):
        remove_unfinished(root)
        release = release_name(root)
        release_path = os.path.join(root, release)
        site_path = os.path.join(release_path, SITE)
        live = live_release(root)
        live_site = os.path.join(root, live, SITE) if live else None
        # One work folder for every release: unchanged pages are hard links to the live release.
        overrides = {"INCREMENTAL_WORK_PATH": os.path.join(root, ".work"), **(overrides or {})}
        built = build_site(
            settings_file,
            site_path,
            overrides,
            report_path=os.path.join(release_path, "build-report.json"),
            compare_with=live_site,
        )
        if not built.ok:
            raise PublishError("构建失败，线上网站保持原样：\n" + "\n".join(built.problems))
        refuse_rolled_back_inputs(root, built.report, force)
        if live_site and same_as_live(built.report, live_site):
            # Nothing a page is made from changed since the live release: another copy of it would
            # only cost a link check and a slot in PUBLISH_KEEP. The live release stays live.
            shutil.rmtree(release_path, ignore_errors=True)
            retarget_manifest(overrides["INCREMENTAL_WORK_PATH"], live_site)
            return PublishResult(live, live_site, [], built.report, unchanged=True)
        problems = run_checks(site_path, settings, config, live_site, force)
        _record_checks(release_path, built.report, problems)
        if problems:
            raise PublishError(
                f"检查未通过，线上网站保持原样（新版本留在 {release_path} 供查看，下次发布时删除）：\n"
                + "\n".join(problems)
            )
        switch_live(root, release)
        write_atomically(os.path.join(release_path, MARKER), f"{release}\n")
        if os.path.exists(os.path.join(root, ROLLED_BACK)):
            os.remove(os.path.join(root, ROLLED_BACK))  # a release went live after it: the rollback is history
        prune(root, config["PUBLISH_KEEP"])
        return PublishResult(release, site_path, [], built.report)


def same_as_live(report: dict | None, live_site: str) -> bool:
    """The build skipped everything (nothing it reads changed) and its files are the live release's."""
    return bool(
        report
        and report.get("incremental", {}).get("unchanged_inputs")
        and report.get("compared_with") == live_site
        and report.get("files_changed") == {"added": 0, "removed": 0, "changed": 0}
    )


def run_checks(site_path: str, settings: dict, config: dict, live_site: str | None, force: bool) -> list[str]:
    site_url = settings.get("SITEURL", "") if not settings.get("RELATIVE_URLS") else ""
    return [
        *check_links(site_path, site_url),
        *check_search_index(site_path, config["PUBLISH_SEARCH_INDEX"]),
        *check_page_count(page_count(site_path), page_count(live_site), config["PUBLISH_MAX_PAGE_DROP"], force),
    ]


def _record_checks(release_path: str, report: dict | None, problems: list[str]) -> None:
    if report is None:
        return
    report["checks"] = {"ok": not problems, "problems": problems}
    write_report(os.path.join(release_path, "build-report.json"), report)


def rollback(root: str) -> str:
    """Point live at the release published before the live one; returns its name."""
    root = os.path.abspath(root)
    with publish_lock(root):
        live = live_release(root)
        releases = completed_releases(root)
        older = releases[: releases.index(live)] if live in releases else releases
        if not older:
            raise PublishError("没有更早的版本可以回滚（保留的版本：" + ("、".join(releases) or "无") + "）")
        switch_live(root, older[-1])
        if live is not None:
            record = {
                "release": live,
                "input_key": input_key(_read_report(os.path.join(root, live))),
                "at": f"{dt.datetime.now(dt.timezone(dt.timedelta(hours=8))):%Y-%m-%d %H:%M}（北京时间）",
            }
            write_json_atomically(os.path.join(root, ROLLED_BACK), record)
        return older[-1]


def _read_report(release_path: str) -> dict | None:
    try:
        with open(os.path.join(release_path, "build-report.json"), encoding="utf-8") as handle:
            return json.load(handle)
    except (OSError, ValueError):
        return None


def main(argv: list[str] | None = None) -> int:
    import argparse
    import logging

    from pelican.log import init as init_logging

    parser = argparse.ArgumentParser(description="发布或回滚醴陵新闻网站")
    parser.add_argument("action", nargs="?", default="publish", choices=["publish", "rollback"])
    parser.add_argument("--settings", default=os.path.join(REPO_ROOT, "publishconf.py"))
    parser.add_argument("--root", default=None, help="releases folder (default: PUBLISH_ROOT)")
    parser.add_argument("--force", action="store_true", help="publish even if the page count dropped")
    args = parser.parse_args(argv)
    init_logging(level=logging.WARNING)
    try:
        if args.action == "rollback":
            root = args.root or os.path.join(REPO_ROOT, publish_settings(load_settings(args.settings))["PUBLISH_ROOT"])
            print(f"已回滚：live → {rollback(root)}")
            return 0
        result = publish(args.settings, args.root, args.force)
    except PublishError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    from buildtools.report import summary

    print(summary(result.report))
    if result.unchanged:
        print(f"内容没有变化，线上版本 {result.release} 保持不变。")
        return 0
    print(f"已发布：live → {result.release}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
