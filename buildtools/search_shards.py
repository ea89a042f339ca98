"""The search index in shards, each indexed on its own and all searched together by the browser.

Pages are grouped into shards by their path (news in five-year blocks, village ledgers by year, the
rest as `site`; see DEFAULTS); each shard is its own index in `search-index/<shard>/`
(buildtools/search_index.py), built from only its pages' search documents (kept between builds,
buildtools/search_documents.py), and only the shards where one of those documents changed are
indexed again, so one corrected page re-indexes a few thousand pages, not the site.
`search-index/shards.json` lists the shards with the layout of each (bucket counts and a version
that changes with its bytes), the number of searchable pages and each filter's values with their
page counts; theme/static/js/search.js reads it and nothing else before the first search.

    search-index/shards.json        {"shards": ["ledgers-2020", "news-2020-2024", "site"], "pages": 113,
                                     "layout": {"site": {"terms": 256, "characters": 64, "version": "…"}, …},
                                     "filters": {"栏目": {"村务公开": 72, …}, "年份": {"2020": 77, …}}}
    search-index/<shard>/           one shard's index, replaced only by rename; its `layout.json` is
                                    the manifest's entry for it
"""

from __future__ import annotations

import json
import os
import re
import shutil
import time
from dataclasses import dataclass, field

from buildtools import search_index
from buildtools.precompress import COPIES
from buildtools.search_documents import (
    PREVIOUS,
    documented_pages,
    has_documents,
    rules_digest,
    shard_record,
    shard_totals,
    update_shard,
)
from buildtools.search_index import read_shard_documents, shard_index
from plugins.portal_data.atomic import write_atomically, write_json_atomically
from plugins.portal_data.collector import collector_paused
from plugins.portal_data.digests import file_digest
from plugins.portal_data.downloads import has_bytes
from plugins.portal_data.tree import tree_files
from plugins.portal_data.workers import return_freed_memory

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
FOLDER = "search-index"
MANIFEST = "shards.json"
ENTRY = "layout.json"  # written last into a shard's folder: a folder without it is not an index
# Beside a shard's kept documents (buildtools/search_documents.py, which also keeps, under PREVIOUS,
# the documents the last index was made from): what a patch of the index needs of the last one.
STATE = ".index.json"
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
            compiled.append((re.compile(pattern), name, bool(_MAY_NAME_WHOLE_MATCH.search(name))))
        except (TypeError, ValueError, re.error) as exc:
            raise ValueError(f"SEARCH_SHARDS 的规则 {rule!r} 无效（应为 (正则表达式, 分片名)）：{exc}") from None
    # Each shard name worked out once per rule and groups: Python 3.11 parses the name's template
    # again on every match.expand, half a second of every rebuild's 30,000 pages at ten years.
    return {"rules": compiled, "default": default, "expanded": {}}


# A \g<…> in a shard name that is not plainly a group's number or name (\g<0>, \g<00>, \g< 0>):
# it may mean the whole match.
_MAY_NAME_WHOLE_MATCH = re.compile(r"\\g<(?![1-9][0-9]*>|[^\W\d]\w*>)")


def shard_for(relative_path: str, config: dict) -> str:
    """`news/2021/07/x/index.html` -> `news-2020-2024`: the shard a page's search entry lives in."""
    expanded = config["expanded"]
    for number, (pattern, name, reads_whole_match) in enumerate(config["rules"]):
        match = pattern.match(relative_path)
        if match:
            # A name reads the groups, or the whole match through a \g<…> that names no group:
            # keyed by the groups alone, a ledger rule's thousands of villages share one name.
            known = (number, match.group(0) if reads_whole_match else None, match.groups())
            shard = expanded.get(known)
            if shard is None:
                shard = match.expand(name)
                if not _SHARD_NAME.fullmatch(shard):
                    raise ValueError(
                        f"SEARCH_SHARDS 的规则 “{pattern.pattern}” 把 {relative_path} 归入分片 “{shard}”："
                        "分片名只能含字母、数字、- 和 _"
                    )
                expanded[known] = shard
            return shard
    return config["default"]


def pages_by_shard(site_path: str, config: dict, pages: list[str] | None = None) -> dict[str, list[str]]:
    """Every HTML page of the site (not in the index's folder) by shard, as relative `/`-separated
    paths: `pages` when the caller has listed them, else found by walking the site."""
    if pages is None:
        pages = [path for path, _ in tree_files(site_path, skip_folders={FOLDER}) if path.endswith(".html")]
    found: dict[str, list[str]] = {}
    for path in pages:
        found.setdefault(shard_for(path, config), []).append(path)
    return found


def has_index(site_path: str, shard: str) -> bool:
    return os.path.isfile(os.path.join(site_path, FOLDER, shard, ENTRY))


@dataclass
class IndexUpdate:
    """What one search step did: problems that fail the build, seconds per shard indexed again,
    the shards among them patched rather than made whole, how many pages' search documents
    changed, and the files written or removed (relative to the site)."""

    problems: list[str] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)
    patched: set[str] = field(default_factory=set)
    documents_changed: int = 0
    written: set[str] = field(default_factory=set)


def index_shards(
    site_path: str,
    settings: dict,
    changed: set[str] | None,
    store: str,
    workers: int = 1,
    pages: list[str] | None = None,
) -> IndexUpdate:
    """Bring `site_path/search-index/` up to date.

    Each page's search document is kept in `store` (buildtools/search_documents.py); a shard is
    indexed again when one of its documents changed, or every shard when `changed` is None.
    `pages`: every HTML page of the site, when the caller has listed them (pages_by_shard).
    """
    index_root = os.path.join(site_path, FOLDER)
    listed = read_manifest(index_root)
    if changed is not None and not changed and listed is not None and all(has_index(site_path, s) for s in listed):
        return IndexUpdate()  # no page written or removed: every shard is built from the pages as they are
    config = shard_settings(settings)
    by_shard = pages_by_shard(site_path, config, pages)
    rules = rules_digest()
    _remove_unlisted_documents(store, set(by_shard))
    documents_changed = {
        shard: update_shard(store, shard, site_path, in_shard, _in_shard(changed, shard, config), rules, workers)
        for shard, in_shard in by_shard.items()
    }
    records = {shard: shard_record(store, shard, rules) for shard in by_shard}
    shards = sorted(shard for shard in by_shard if has_documents(records[shard]))
    os.makedirs(index_root, exist_ok=True)
    update = IndexUpdate(documents_changed=sum(map(len, documents_changed.values())))
    for shard in shards:
        if changed is not None and not documents_changed[shard] and has_index(site_path, shard):
            continue
        started = time.monotonic()
        problems, files, patched = index_one_shard(
            site_path,
            shard,
            os.path.join(store, shard),
            None if changed is None else documents_changed[shard],
            documented_pages(records[shard]),
        )
        seconds = round(time.monotonic() - started, 2)
        if not patched:
            # The whole shard's postings are garbage now, in a heap grown by their size: given
            # back, so that the next shard and the precompression workers start small.
            return_freed_memory()
        update.written |= {f"{FOLDER}/{shard}/{relative}" for relative in files}
        if problems:
            update.problems = problems
            return update
        update.seconds[shard] = seconds
        if patched:
            update.patched.add(shard)
    manifest = manifest_bytes(
        shards,
        [shard_totals(records[s]) for s in shards],
        [read_layout(os.path.join(index_root, s)) for s in shards],
    )
    if _replace_bytes(os.path.join(index_root, MANIFEST), manifest):
        update.written.add(f"{FOLDER}/{MANIFEST}")
    update.written |= {f"{FOLDER}/{relative}" for relative in _remove_unlisted(index_root, set(shards))}
    return update


def _in_shard(changed: set[str] | None, shard: str, config: dict) -> set[str] | None:
    return None if changed is None else {page for page in changed if shard_for(page, config) == shard}


def _remove_unlisted_documents(store: str, shards: set[str]) -> None:
    """The kept documents of a shard that no longer has a page (or that an older rule named)."""
    if not os.path.isdir(store):
        return
    for name in os.listdir(store):
        shard = re.sub(r"(\.index)?\.json$|\.previous$", "", name)  # its record, state and previous documents
        if shard not in shards:
            path = os.path.join(store, name)
            shutil.rmtree(path, ignore_errors=True) if os.path.isdir(path) else os.remove(path)


def index_one_shard(
    site_path: str, shard: str, documents: str, changed: set[str] | None = None, listed: list[str] | None = None
) -> tuple[list[str], set[str], bool]:
    """Index `documents` (this shard's search documents, at the pages' relative paths, so the URLs in
    the index are the site's) into the shard's folder; returns (problems, the files written or
    removed, relative to the folder, whether the index was patched rather than made whole).

    `changed`: the pages whose documents changed since the last index. When each of them was edited
    (not added or removed) and the last index's state is at hand, only their terms are patched
    (search_index.patched_index); otherwise the shard is indexed whole. `listed`: the pages with a
    document, as the shard's record names them (documented_pages), else found in `documents`.
    Either way only the files whose bytes changed are written, each by rename (files of the kept
    work folder may be hard-linked into a live release: replace, never rewrite), so one correction
    compresses and syncs a few dozen files. The layout goes first and is written again last, and
    the state just before it, so a folder left half-updated by an interrupted build has none and is
    indexed whole by the next (`has_index`)."""
    folder = os.path.join(site_path, FOLDER, shard)
    previous, state_path = documents + PREVIOUS, documents + STATE
    written: set[str] = set()
    patched = False
    try:
        # The postings are millions of lists and dicts, all kept until the files are written, none
        # in a cycle: collections while they grow would walk them again and again and free nothing.
        with collector_paused():
            index = _patched(folder, documents, previous, state_path, changed, listed) if changed else None
        patched = index is not None
        entry = os.path.join(folder, ENTRY)
        if os.path.exists(entry):
            os.remove(entry)
        if index is None:
            with collector_paused():
                index = shard_index(read_shard_documents(documents))
            present = {relative for relative, _ in tree_files(folder) if not relative.endswith(COPIES)}
            for relative in sorted(present - index.files.keys() - {ENTRY}):
                os.remove(os.path.join(folder, *relative.split("/")))
                written.add(relative)
        made = set()
        for relative, data in index.files.items():
            path = os.path.join(folder, *relative.split("/"))
            if os.path.dirname(path) not in made:
                os.makedirs(os.path.dirname(path), exist_ok=True)
                made.add(os.path.dirname(path))
            if _replace_bytes(path, data):
                written.add(relative)
        # The kept previous documents go before the state is written, and not quietly: one left over
        # would be taken by the next patch for what the index holds.
        if os.path.isdir(previous):
            shutil.rmtree(previous)
        write_json_atomically(state_path, {"code": _index_code(), **index.state})
        write_atomically(entry, json.dumps(index.layout, sort_keys=True).encode() + b"\n")
        written.add(ENTRY)
    except (OSError, ValueError) as exc:  # ValueError: a document the index cannot read
        return [f"搜索索引 {shard} 构建失败：{exc}"], written, patched
    return [], written, patched


def _index_code() -> str:
    """The index code's version: a state written by other code is not patched."""
    return file_digest(search_index.__file__)


def _patched(folder: str, documents: str, previous: str, state_path: str, changed: set[str], listed=None):
    """search_index.patched_index for the `changed` pages, or None when the shard must be indexed
    whole: no state or layout from the last index, other code, pages added or removed, or a changed
    page whose previous document was not kept (search_documents keeps it when it rewrites one)."""
    try:
        with open(state_path, encoding="utf-8") as handle:
            state = json.load(handle)
        layout = read_layout(folder)
    except (OSError, ValueError):
        return None
    if not isinstance(state, dict) or not isinstance(layout, dict):
        return None
    pages = listed if listed is not None else sorted(relative for relative, _ in tree_files(documents))
    kept = {relative for relative, _ in tree_files(previous)}
    if state.get("code") != _index_code() or state.get("pages") != pages or kept != changed:
        return None
    ids = {page: page_id for page_id, page in enumerate(pages)}
    changes = {}
    for page in sorted(changed):
        if page not in ids:
            return None
        old = search_index.read_document_file(os.path.join(previous, *page.split("/")), page)
        new = search_index.read_document_file(os.path.join(documents, *page.split("/")), page)
        changes[ids[page]] = (old, new)
    return search_index.patched_index(folder, layout, state, changes)


def read_layout(shard_folder: str) -> dict:
    with open(os.path.join(shard_folder, ENTRY), encoding="utf-8") as handle:
        return json.load(handle)


def manifest_bytes(
    shards: list[str], totals: list[tuple[int, dict[str, dict[str, int]]]], layouts: list[dict]
) -> bytes:
    """The manifest of `shards`, given each one's (pages, filter counts) and layout in the same order."""
    filters: dict[str, dict[str, int]] = {}
    for _pages, shard_filters in totals:
        for key, counts in shard_filters.items():
            merged = filters.setdefault(key, {})
            for value, count in counts.items():
                merged[value] = merged.get(value, 0) + count
    manifest = {
        "shards": shards,
        "pages": sum(pages for pages, _filters in totals),
        "layout": dict(zip(shards, layouts)),
        "filters": {key: dict(sorted(counts.items())) for key, counts in sorted(filters.items())},
    }
    return (json.dumps(manifest, ensure_ascii=False) + "\n").encode("utf-8")


def read_manifest(index_root: str) -> list[str] | None:
    try:
        with open(os.path.join(index_root, MANIFEST), encoding="utf-8") as handle:
            return list(json.load(handle)["shards"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _replace_bytes(path: str, data: bytes) -> bool:
    """Same bytes: leave the file (and its mtime) alone; else write beside it and rename over it.
    Returns whether it wrote."""
    if has_bytes(path, data):
        return False
    write_atomically(path, data)
    return True


def _remove_unlisted(index_root: str, shards: set[str]) -> set[str]:
    """Shards whose pages all went, and anything an older layout or an interrupted run left;
    returns what was removed, relative to `index_root`."""
    keep = {MANIFEST}
    removed = set()
    for name in os.listdir(index_root):
        path = os.path.join(index_root, name)
        if os.path.isdir(path) and name not in shards:
            removed |= {f"{name}/{relative}" for relative, _ in tree_files(path)}
            shutil.rmtree(path, ignore_errors=True)
        elif not os.path.isdir(path) and re.sub(r"\.(gz|br)$", "", name) not in keep:
            os.remove(path)
            removed.add(name)
    return removed
