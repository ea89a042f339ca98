"""`invoke audit`: the safety net under the incremental build in production.

A clean build of the same inputs, at the live release's own build time (so a scheduled article
that has come due since does not count as a difference), into a temporary folder with a work folder
of its own, compared file by file with the live release. Pagefind's filter files are compared by
content, because Pagefind 1.5 writes them in hash-map order and names them after those bytes;
every other file, the search index included, must be the same bytes.
"""

from __future__ import annotations

import gzip
import json
import os
import re
import sys
import tempfile

from buildtools.build import build_site
from plugins.portal_data.digests import bytes_digest, file_digest
from plugins.portal_data.tree import tree_files

_UNSTABLE_SEARCH_FILE = re.compile(  # in pagefind/ or, since the index is sharded, pagefind/<shard>/
    r"^pagefind/([^/]+/)?(pagefind-entry\.json|filter/[^/]+\.pf_filter|pagefind\.[^/]+\.pf_meta)(\.gz|\.br)?$"
)


def comparable_name(name: str) -> str:
    """The key comparable_output() files a path under (the same path for every stable file)."""
    return "pagefind/ (unstable names)" if _UNSTABLE_SEARCH_FILE.match(name) else name


def comparable_output(files: dict[str, bytes]) -> dict[str, bytes]:
    """Output files keyed by path, with Pagefind's filter index compared by content, not bytes."""
    stable = {name: data for name, data in files.items() if not _UNSTABLE_SEARCH_FILE.match(name)}
    bundles = sorted({match.group(1) or "" for match in map(_UNSTABLE_SEARCH_FILE.match, files) if match})
    for bundle in bundles:  # each search shard's bundle on its own
        prefix = f"pagefind/{bundle}"
        filters = sorted(
            bytes(sorted(gzip.decompress(data)))
            for name, data in files.items()
            if re.match(rf"^{re.escape(prefix)}filter/[^/]+\.pf_filter$", name)
        )
        if filters:
            stable[f"{prefix}filter/*.pf_filter (by content)"] = b"\0".join(filters)
        if f"{prefix}pagefind-entry.json" in files:
            entry = json.loads(files[f"{prefix}pagefind-entry.json"])
            for language in entry.get("languages", {}).values():
                language.pop("hash", None)
            stable[f"{prefix}pagefind-entry.json (without hash)"] = json.dumps(entry, sort_keys=True).encode()
        # The metadata file names the filter files by their hashes: only its presence is comparable.
        stable[f"{prefix}*.pf_meta (count)"] = str(
            sum(1 for name in files if re.match(rf"^{re.escape(prefix)}pagefind\.[^/]+\.pf_meta$", name))
        ).encode()
    return stable


def comparable_digests(root: str) -> dict[str, str]:
    """comparable_output() of a whole site as digests, reading only Pagefind's unstable files whole."""
    digests, unstable = {}, {}
    for relative, path in tree_files(root):
        if _UNSTABLE_SEARCH_FILE.match(relative):
            with open(path, "rb") as handle:
                unstable[relative] = handle.read()
        else:
            digests[relative] = file_digest(path)
    for name, data in comparable_output(unstable).items():
        digests[name] = bytes_digest(data)
    return digests


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
