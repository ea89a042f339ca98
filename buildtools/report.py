"""The build report: what a build produced, what changed since the live release, and how long it took.

Written as JSON beside the served files, never inside them (`<output>.build-report.json` for
`invoke build`, `releases/<id>/build-report.json` for a publish), so it is not put on the web;
a short summary in Chinese goes to the log for the people reading CI output.
"""

from __future__ import annotations

import json
import os

from buildtools.incremental import COMPRESSED, work_files
from plugins.portal_data.atomic import write_atomically
from plugins.portal_data.digests import file_digest

# Output files that are pages a reader can open (the rest are assets, feeds, downloads).
PAGE_SUFFIX = ".html"
SHOWN_CHANGES = 50  # the JSON lists at most this many changed paths per kind of change


def output_files(root: str, hashed: bool = True) -> dict[str, str | None]:
    """Relative path -> BLAKE2 digest (None unless `hashed`) of every served file, precompressed copies excluded."""
    if not root or not os.path.isdir(root):
        return {}
    return {
        relative: file_digest(path) if hashed else None
        for relative, path in work_files(root)
        if not relative.endswith(COMPRESSED)
    }


def page_kind(relative_path: str) -> str:
    """'news/2020/07/x/index.html' -> 'news'; 'index.html' and 'page/2/…' -> 'index'."""
    first = relative_path.split("/", 1)[0]
    if first in ("index.html", "page"):
        return "index"
    return first if "/" in relative_path else "other"


def pages_by_kind(files: dict[str, str]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for path in files:
        if path.endswith(PAGE_SUFFIX):
            kind = page_kind(path)
            counts[kind] = counts.get(kind, 0) + 1
    return dict(sorted(counts.items()))


def changes(current: dict[str, str], previous: dict[str, str]) -> dict[str, list[str]]:
    return {
        "added": sorted(set(current) - set(previous)),
        "removed": sorted(set(previous) - set(current)),
        "changed": sorted(path for path in current.keys() & previous.keys() if current[path] != previous[path]),
    }


def make_report(
    *,
    ok: bool,
    output: str,
    reference: str | None,
    problems: list[str],
    warnings: list[str],
    phases: dict[str, float],
    facts: dict,
    diff: dict | None = None,
    listed: list[str] | None = None,
    previous: dict | None = None,
) -> dict:
    """`diff` (added/removed/changed paths) may come from an incremental sync that already knows it;
    `listed`, the output's files, from a build that has just walked it; `previous`, the report of
    the output this one replaces, to say when the front page has a new 头条."""
    if diff is not None:
        if listed is not None:
            current = dict.fromkeys(path for path in listed if not path.endswith(COMPRESSED)) if ok else {}
        else:
            current = output_files(output, hashed=False) if ok else {}
    else:
        current = output_files(output) if ok else {}
        previous = output_files(reference) if reference else {}
        diff = changes(current, previous) if ok and reference else None
    diff = {key: [p for p in paths if not p.endswith(COMPRESSED)] for key, paths in diff.items()} if diff else diff
    report = {
        "ok": ok,
        "output": output,
        "compared_with": reference if diff is not None else None,
        "pages": sum(pages_by_kind(current).values()),
        "files": len(current),
        "pages_by_kind": pages_by_kind(current),
        "problems": problems,
        "warnings": warnings,
        "phases_s": phases,
        "total_s": round(sum(phases.values()), 3),
        **facts,
    }
    report.update(lead_change(facts, previous or {}))
    if diff is not None:
        pages_changed = [p for key in ("added", "removed", "changed") for p in diff[key] if p.endswith(PAGE_SUFFIX)]
        report["pages_changed"] = len(pages_changed)
        report["files_changed"] = {key: len(paths) for key, paths in diff.items()}
        report["changed_paths"] = {key: paths[:SHOWN_CHANGES] for key, paths in diff.items()}
    return report


def lead_change(facts: dict, previous: dict) -> dict:
    """The 头条 this output shows, and the one it replaces when that was another story.

    A build that failed read no lead and keeps the previous one: the live front page still shows it.
    """
    before = previous.get("front_page_lead")
    lead = facts["front_page_lead"] if "front_page_lead" in facts else before
    changed = bool(before and lead and (lead["source"], lead["edition"]) != (before["source"], before["edition"]))
    return {"front_page_lead": lead, "front_page_lead_before": before if changed else None}


def previous_report(*paths: str | None) -> dict | None:
    """The first of `paths` that holds a readable report: the report of the output a build replaces."""
    for path in paths:
        try:
            with open(path, encoding="utf-8") as handle:
                return json.load(handle)
        except (OSError, TypeError, ValueError):
            continue
    return None


def write_report(path: str, report: dict) -> None:
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    write_atomically(path, json.dumps(report, ensure_ascii=False, indent=1) + "\n")


def summary(report: dict) -> str:
    """A few lines for the log: enough to see at a glance what tonight's build did."""
    kinds = "，".join(f"{kind} {count}" for kind, count in report["pages_by_kind"].items()) or "无"
    phases = "，".join(f"{name} {seconds:.1f}s" for name, seconds in report["phases_s"].items())
    lines = [f"构建报告：{'成功' if report['ok'] else '失败'}，页面 {report['pages']} 个（{kinds}）"]
    if report.get("compared_with"):
        changed = report["files_changed"]
        lines.append(
            f"与 {report['compared_with']} 相比：页面变化 {report['pages_changed']} 个"
            f"（新增文件 {changed['added']}，删除 {changed['removed']}，修改 {changed['changed']}）"
        )
    if report.get("front_page_lead_before"):
        lead, before = report["front_page_lead"], report["front_page_lead_before"]
        lines.append(
            f"首页头条换成了《{lead['title']}》（{lead['edition']} 这一期，{lead['source']}），"
            f"原头条《{before['title']}》"
        )
    if report.get("scheduled"):
        lines.append(f"定时发布待上线 {len(report['scheduled'])} 篇，最早 {report['scheduled'][0]['date']}")
    if report.get("estimated_deadlines"):
        numbers = "、".join(item["编号"] for item in report["estimated_deadlines"])
        lines.append(
            f"问题清单中 {len(report['estimated_deadlines'])} 个问题的办理期限按周末估算（放假安排未公布）：{numbers}"
        )
    lines.append(f"警告 {len(report['warnings'])} 条；用时 {report['total_s']:.1f}s（{phases}）")
    return "\n".join(lines)
