"""`invoke audit`: the safety net under the incremental build in production.

A clean build of the same inputs, at the live release's own build time (so a scheduled article
that has come due since does not count as a difference), into a temporary folder with a work folder
of its own, compared file by file with the live release: every file, the search index included
(buildtools/search_index.py writes the same bytes for the same pages), must be the same bytes.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile

from buildtools.build import build_site
from plugins.portal_data.digests import file_digest
from plugins.portal_data.tree import tree_files


def comparable_digests(root: str) -> dict[str, str]:
    """Every file of a site by relative path, as the digest of its bytes."""
    return {relative: file_digest(path) for relative, path in tree_files(root)}


def differences(clean: dict[str, str], live: dict[str, str]) -> list[str]:
    """One line per differing file, in path order."""
    lines = []
    for name in sorted(clean.keys() | live.keys()):
        if name not in live:
            lines.append(f"线上版本缺少：{name}")
        elif name not in clean:
            lines.append(f"线上版本多出：{name}")
        elif clean[name] != live[name]:
            lines.append(f"内容不同：{name}")
    return lines


def audit(settings_file: str, live_site: str) -> list[str]:
    """Build from scratch and compare with `live_site`; returns the differences (empty: identical)."""
    try:
        with open(os.path.join(os.path.dirname(live_site), "build-report.json"), encoding="utf-8") as handle:
            built_at = json.load(handle).get("build_time")
    except (OSError, ValueError):
        built_at = None
    with tempfile.TemporaryDirectory(prefix="liling-audit-") as scratch:
        overrides = {"INCREMENTAL_WORK_PATH": os.path.join(scratch, "work")}
        if built_at:
            overrides["BUILD_TIME"] = built_at
        site = os.path.join(scratch, "site")
        built = build_site(settings_file, site, overrides, report_path=os.path.join(scratch, "report.json"))
        if not built.ok:
            return ["从头构建失败，无法核对：", *built.problems]
        return differences(comparable_digests(site), comparable_digests(live_site))


def main(argv: list[str] | None = None) -> int:
    import argparse
    import logging

    from pelican.log import init as init_logging

    from buildtools.build import load_settings
    from buildtools.publish import REPO_ROOT, publish_settings

    parser = argparse.ArgumentParser(description="从头构建一遍，与线上版本逐个文件核对")
    parser.add_argument("--settings", default=os.path.join(REPO_ROOT, "publishconf.py"))
    parser.add_argument("--root", default=None, help="releases folder (default: PUBLISH_ROOT)")
    args = parser.parse_args(argv)
    init_logging(level=logging.WARNING)
    root = os.path.abspath(
        args.root or os.path.join(REPO_ROOT, publish_settings(load_settings(args.settings))["PUBLISH_ROOT"])
    )
    live = os.path.join(root, "live", "site")
    if not os.path.isdir(live):
        print(f"{root} 里没有线上版本（live），无法核对。", file=sys.stderr)
        return 1
    found = audit(args.settings, os.path.realpath(live))
    if found:
        print("\n".join(found))
        print(
            f"核对不通过：从头构建的网站与线上版本有 {len(found)} 处不同（见上）。增量构建漏掉了修改："
            f"删除 {os.path.join(root, '.work')} 后运行 invoke publish（从头构建并发布），并报告这个问题。",
            file=sys.stderr,
        )
        return 1
    print(f"核对通过：从头构建的网站与线上版本 {os.readlink(os.path.join(root, 'live'))} 完全相同。")
    return 0


if __name__ == "__main__":
    sys.exit(main())
