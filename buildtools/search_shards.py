"""The search index in shards: one Pagefind bundle per part of the site, merged by the browser.

Pagefind has no incremental mode, and indexing the whole ten-year site takes ~45 s and 3.6 GiB.
So pages are grouped into shards by their path (news in five-year blocks, village ledgers by year, the rest
as `site`; see DEFAULTS); each shard is its own bundle in `pagefind/<shard>/`, built from only its pages'
search documents (kept between builds, buildtools/search_documents.py), and only the shards where one of
those documents changed are indexed again. `pagefind/shards.json` lists
the shards, the number of searchable pages and each filter's values with their page counts;
theme/static/js/search.js reads it, merges the shards with Pagefind's `mergeIndex` and lists the
filters from it (asking Pagefind for them fetches every filter's page list of every shard).

    pagefind/shards.json            {"shards": ["ledgers-2020", "news-2020-2024", "site"], "pages": 113,
                                     "filters": {"栏目": {"村务公开": 72, …}, "年份": {"2020": 77, …}}}
    pagefind/pagefind-ui.js, .css   Pagefind's UI, the same for every shard (the search page loads them)
    pagefind/<shard>/               one complete Pagefind bundle, replaced only by rename
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

from buildtools.search_documents import has_documents, rules_digest, shard_totals, update_shard
from plugins.portal_data.atomic import remove_folder, replace_folder, write_atomically
from plugins.portal_data.downloads import has_bytes
from plugins.portal_data.tree import tree_files

DEFAULTS = {
    # (regular expression on the page's path, shard name with \1 or \g<1> for its groups); first
    # match wins. Chosen by measuring a ten-year site (benchmarks/RESULTS.md, "Search shards"):
    # news in five-year blocks (≤ ~5,000 articles: ~8 s and ~0.7 GiB to index) and ledgers by year
    # (3,240 pages at 270 villages: ~8 s, ~0.6 GiB); yearly news shards index one article's change
    # in ~2 s but make a first search cost ~1.5x the bytes, a shard per kind peaks at 1.6 GiB.
    "SEARCH_SHARDS": [
        (r"^news/(\d{3})[0-4]/", r"news-\g<1>0-\g<1>4"),
        (r"^news/(\d{3})[5-9]/", r"news-\g<1>5-\g<1>9"),
        (r"^disclosures/villages/[^/]+/(\d{4})-\d\d/", r"ledgers-\1"),
    ],
    "SEARCH_SHARD_DEFAULT": "site",  # every page no rule matches
}
MANIFEST = "shards.json"
UI_FILES = ("pagefind-ui.js", "pagefind-ui.css")
ENTRY = "pagefind-entry.json"
_SHARD_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*")  # a folder name, and part of a URL


def shard_settings(settings: dict) -> dict:
    """The shard rules, read once with their defaults and compiled; ValueError names a bad one."""
    rules = settings.get("SEARCH_SHARDS", DEFAULTS["SEARCH_SHARDS"])
    default = settings.get("SEARCH_SHARD_DEFAULT", DEFAULTS["SEARCH_SHARD_DEFAULT"])
    if not isinstance(default, str) or not _SHARD_NAME.fullmatch(default):
        raise ValueError(f"SEARCH_SHARD_DEFAULT = {default!r}：分片名只能含字母、数字、- 和 _")
    compiled = []
    for rule in rules:
        try:
            pattern, name = rule
            compiled.append((re.compile(pattern), name))
        except (TypeError, ValueError, re.error) as exc:
            raise ValueError(f"SEARCH_SHARDS 的规则 {rule!r} 无效（应为 (正则表达式, 分片名)）：{exc}") from None
    return {"rules": compiled, "default": default}


def shard_for(relative_path: str, config: dict) -> str:
    """`news/2021/07/x/index.html` -> `news-2020-2024`: the shard a page's search entry lives in."""
    for pattern, name in config["rules"]:
        match = pattern.match(relative_path)
        if match:
            shard = match.expand(name)
            if not _SHARD_NAME.fullmatch(shard):
                raise ValueError(
                    f"SEARCH_SHARDS 的规则 “{pattern.pattern}” 把 {relative_path} 归入分片 “{shard}”："
                    "分片名只能含字母、数字、- 和 _"
                )
            return shard
    return config["default"]


def pages_by_shard(site_path: str, config: dict) -> dict[str, list[str]]:
    """Every HTML page of the site (not under pagefind/) by shard, as relative `/`-separated paths."""
    found: dict[str, list[str]] = {}
    for path, _ in tree_files(site_path, skip_folders={"pagefind"}):
        if path.endswith(".html"):
            found.setdefault(shard_for(path, config), []).append(path)
    return found


def has_bundle(site_path: str, shard: str) -> bool:
    return os.path.isfile(os.path.join(site_path, "pagefind", shard, ENTRY))


def index_shards(
    site_path: str, settings: dict, changed: set[str] | None, store: str, workers: int = 1
) -> tuple[list[str], dict[str, float], int]:
    """Bring `site_path/pagefind/` up to date; returns (problems, seconds per shard indexed again,
    how many pages' search documents changed).

    Each page's search document is kept in `store` (buildtools/search_documents.py); a shard is
    indexed again when one of its documents changed, or every shard when `changed` is None.
    On a problem the bundles already in place stay as they were, and so does the manifest.
    """
    index_root = os.path.join(site_path, "pagefind")
    listed = read_manifest(index_root)
    if changed is not None and not changed and listed is not None and all(has_bundle(site_path, s) for s in listed):
        return [], {}, 0  # no page written or removed: every bundle is built from the pages as they are
    config = shard_settings(settings)
    by_shard = pages_by_shard(site_path, config)
    rules = rules_digest()
    _remove_unlisted_documents(store, set(by_shard))
    documents_changed = {
        shard: update_shard(store, shard, site_path, pages, _in_shard(changed, shard, config), rules, workers)
        for shard, pages in by_shard.items()
    }
    shards = sorted(shard for shard in by_shard if has_documents(store, shard, rules))
    os.makedirs(index_root, exist_ok=True)
    indexed: dict[str, float] = {}
    # An old bundle is thousands of small files: a thread removes it while the next shard's
    # Pagefind runs (it waits on a child process), and the build waits for it at the end.
    with ThreadPoolExecutor(max_workers=1) as remover:
        for shard in shards:
            if changed is not None and not documents_changed[shard] and has_bundle(site_path, shard):
                continue
            started = time.monotonic()
            problems = index_one_shard(
                site_path, shard, os.path.join(store, shard), remove=lambda path: remover.submit(remove_folder, path)
            )
            if problems:
                return problems, indexed, sum(map(len, documents_changed.values()))
            indexed[shard] = round(time.monotonic() - started, 2)
    if shards:
        _copy_ui_files(os.path.join(index_root, shards[0]), index_root)
    _replace_bytes(
        os.path.join(index_root, MANIFEST), manifest_bytes(shards, [shard_totals(store, s, rules) for s in shards])
    )
    _remove_unlisted(index_root, set(shards))
    return [], indexed, sum(map(len, documents_changed.values()))


def _in_shard(changed: set[str] | None, shard: str, config: dict) -> set[str] | None:
    return None if changed is None else {page for page in changed if shard_for(page, config) == shard}


def _remove_unlisted_documents(store: str, shards: set[str]) -> None:
    """The kept documents of a shard that no longer has a page (or that an older rule named)."""
    if not os.path.isdir(store):
        return
    for name in os.listdir(store):
        shard = name[: -len(".json")] if name.endswith(".json") else name
        if shard not in shards:
            path = os.path.join(store, name)
            shutil.rmtree(path, ignore_errors=True) if os.path.isdir(path) else os.remove(path)


def index_one_shard(site_path: str, shard: str, documents: str, remove=remove_folder) -> list[str]:
    """Pagefind over `documents` (this shard's search documents, at the pages' relative paths, so
    the URLs in the index are the site's), written fresh and renamed over the old bundle, which is
    handed to `remove`."""
    final = os.path.join(site_path, "pagefind", shard)
    fresh = f"{final}.new-{os.getpid()}"
    shutil.rmtree(fresh, ignore_errors=True)
    command = [sys.executable, "-m", "pagefind", "--site", documents, "--output-path", fresh, "--quiet"]
    result = subprocess.run(command, capture_output=True, text=True, encoding="utf-8", errors="replace")
    if result.returncode != 0 or not os.path.isfile(os.path.join(fresh, ENTRY)):
        shutil.rmtree(fresh, ignore_errors=True)
        detail = (result.stderr.strip() or result.stdout.strip())[-2000:]
        return [f"搜索索引 {shard} 构建失败（pagefind 退出码 {result.returncode}）：{detail}"]
    # Files of the kept work folder may be hard-linked into a live release: replace, never rewrite.
    replace_folder(fresh, final, remove)
    return []


def manifest_bytes(shards: list[str], totals: list[tuple[int, dict[str, dict[str, int]]]]) -> bytes:
    """The manifest of `shards`, given each one's (pages, filter counts) in the same order."""
    filters: dict[str, dict[str, int]] = {}
    for _pages, shard_filters in totals:
        for key, counts in shard_filters.items():
            merged = filters.setdefault(key, {})
            for value, count in counts.items():
                merged[value] = merged.get(value, 0) + count
    manifest = {
        "shards": shards,
        "pages": sum(pages for pages, _filters in totals),
        "filters": {key: dict(sorted(counts.items())) for key, counts in sorted(filters.items())},
    }
    return (json.dumps(manifest, ensure_ascii=False) + "\n").encode("utf-8")


def read_manifest(index_root: str) -> list[str] | None:
    try:
        with open(os.path.join(index_root, MANIFEST), encoding="utf-8") as handle:
            return list(json.load(handle)["shards"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _copy_ui_files(bundle: str, index_root: str) -> None:
    for name in UI_FILES:
        with open(os.path.join(bundle, name), "rb") as handle:
            _replace_bytes(os.path.join(index_root, name), handle.read())


def _replace_bytes(path: str, data: bytes) -> None:
    """Same bytes: leave the file (and its mtime) alone; else write beside it and rename over it."""
    if not has_bytes(path, data):
        write_atomically(path, data)


def _remove_unlisted(index_root: str, shards: set[str]) -> None:
    """Shards whose pages all went, and anything an older layout or an interrupted run left."""
    keep = {MANIFEST, *UI_FILES}
    for name in os.listdir(index_root):
        path = os.path.join(index_root, name)
        if os.path.isdir(path) and name not in shards:
            shutil.rmtree(path, ignore_errors=True)
        elif not os.path.isdir(path) and re.sub(r"\.(gz|br)$", "", name) not in keep:
            os.remove(path)
