"""Each page's search document (buildtools/search_text.py), kept between builds and made again only
for a page whose bytes changed; the kept documents of a shard are what its index is made from
(buildtools/search_index.py).

Making a document is pure-Python HTML parsing: ~8 ms for an article, ~16-25 ms for a ledger month.
Made afresh for every page of a re-indexed shard, one corrected ledger cost ~50 s of a ten-year
build (3,240 pages in its year's shard); kept, it costs the pages that changed.

    <store>/<shard>/<page path>   the page's document (pages without a content area have none)
    <store>/<shard>.json          {"rules": …, "format": 2, "pages": {page: [digest of its bytes, has a document, its filters]}}
    <store>/<shard>.previous/<page path>
                                  the document a page had when its shard was last indexed, kept when
                                  the page's document is rewritten, so that buildtools/search_shards.py
                                  can patch the index with the page's old and new terms

A document is a function of the page's bytes and the rules alone, so a recorded digest equal to the
page's digest means the document on disk is the one a clean build makes. Before a document is
rewritten, its page is dropped from the saved record, so an interrupted build leaves no document
under a digest it does not match.
"""

from __future__ import annotations

import os
import re
import shutil

from buildtools import search_text
from plugins.portal_data import fast_json
from plugins.portal_data.atomic import write_json_atomically
from plugins.portal_data.collector import collector_paused
from plugins.portal_data.digests import bytes_digest, file_digest
from plugins.portal_data.downloads import has_bytes
from plugins.portal_data.workers import process_pool

# Whether a page has a content area depends on its template alone: a page without the marker has
# no document, and is not parsed at all.
_SEARCHABLE = re.compile(rb"<[a-zA-Z][^>]*\sdata-pagefind-body[\s=/>]")
# Below this many documents to make, forking workers costs more than it saves.
_POOL_MINIMUM = 100


# Beside a shard's documents: the documents its index was last made from (see above).
PREVIOUS = ".previous"
# The record's layout: a record of another layout is made again, like one of other rules.
RECORD_FORMAT = 2


def rules_digest() -> str:
    """The document rules' version: a change to search_text.py makes every document again."""
    return file_digest(search_text.__file__)


def update_shard(
    store: str, shard: str, site_path: str, pages: list[str], check: set[str] | None, rules: str, workers: int = 1
) -> set[str]:
    """Bring `<store>/<shard>/` to the documents of `pages` (the shard's HTML pages, relative paths);
    returns the pages whose document was added, changed or removed.

    `check`: the pages that may have changed since the last update (the build's record of what it
    wrote); pages the record does not know are checked too. None checks every page's bytes."""
    record_path = os.path.join(store, f"{shard}.json")
    documents = os.path.join(store, shard)
    record = _load_record(record_path, rules)
    if record is None:  # documents of unknown pages or rules may lie there: start from nothing
        shutil.rmtree(documents, ignore_errors=True)
        record = {}
    if check is None:
        check = set(pages)
    listed = set(pages)
    removed = [page for page in record if page not in listed]
    due = []
    for page in pages:
        if page in check or page not in record:
            with open(os.path.join(site_path, page), "rb") as handle:
                digest = bytes_digest(handle.read())
            if record.get(page, [None])[0] != digest:
                due.append((page, digest))
    if not due and not removed:
        return set()
    changed = {page for page in removed if record[page][1]}
    for page in removed:
        del record[page]
        _remove(os.path.join(documents, *page.split("/")))
    for page, _digest in due:
        record.pop(page, None)
    _save_record(record_path, rules, record)
    items = [
        (
            os.path.join(site_path, page),
            os.path.join(documents, *page.split("/")),
            os.path.join(documents + PREVIOUS, *page.split("/")),
        )
        for page, _ in due
    ]
    for (page, digest), (has_document, document_changed, filters) in zip(due, _make_all(items, workers)):
        record[page] = [digest, has_document, filters]
        if document_changed:
            changed.add(page)
    _save_record(record_path, rules, record)
    return changed


def shard_record(store: str, shard: str, rules: str) -> dict[str, list]:
    """A shard's record as update_shard left it (empty when there is none): read once per shard
    for has_documents and shard_totals, half a megabyte of JSON each at ten years."""
    return _load_record(os.path.join(store, f"{shard}.json"), rules) or {}


def has_documents(record: dict[str, list]) -> bool:
    return any(has_document for _digest, has_document, _filters in record.values())


def documented_pages(record: dict[str, list]) -> list[str]:
    """The pages of a shard's record (shard_record) that have a document: the files of its
    documents folder, which update_shard keeps to the record, named without listing the folder
    (search_shards patches a news shard's index for one correction without walking its 5,000
    documents)."""
    return sorted(page for page, (_digest, has_document, _filters) in record.items() if has_document)


def shard_totals(record: dict[str, list]) -> tuple[int, dict[str, dict[str, int]]]:
    """(pages with a document, {filter: {value: pages}}) of one shard, from its record."""
    pages, filters = 0, {}
    for _digest, has_document, page_filters in record.values():
        pages += bool(has_document)
        for key, values in page_filters.items():
            counts = filters.setdefault(key, {})
            for value in values:
                counts[value] = counts.get(value, 0) + 1
    return pages, filters


def _make_all(items: list[tuple[str, str]], workers: int) -> list[tuple[bool, bool, dict]]:
    if workers == 1 or len(items) < _POOL_MINIMUM:
        return [make_document(item) for item in items]
    # Chunks in order, so results come back in the order of `items`.
    size = -(-len(items) // (workers * 4))
    chunks = [items[start : start + size] for start in range(0, len(items), size)]
    with process_pool(workers) as pool:
        return [result for chunk in pool.map(_make_chunk, chunks) for result in chunk]


def _make_chunk(items):
    return [make_document(item) for item in items]


def make_document(item: tuple[str, str, str]) -> tuple[bool, bool, dict[str, list[str]]]:
    """Write the document of the page at `page_path` to `document_path` (or remove it when the page
    has none); returns (it has one, its bytes changed, its filters). An unchanged document keeps
    its file; a rewritten one's old file goes to `previous_path`, unless one is there already (the
    document the index was last made from)."""
    page_path, document_path, previous_path = item
    with open(page_path, "rb") as handle:
        data = handle.read()
    document = None
    if _SEARCHABLE.search(data):
        document = search_text.search_document(data.decode("utf-8", errors="replace"))
    if document is None:
        return False, _remove(document_path), {}
    filters = search_text.document_filters(document)
    encoded = document.encode("utf-8")
    if has_bytes(document_path, encoded):
        return True, False, filters
    if os.path.exists(document_path) and not os.path.exists(previous_path):
        os.makedirs(os.path.dirname(previous_path), exist_ok=True)
        os.rename(document_path, previous_path)
    os.makedirs(os.path.dirname(document_path), exist_ok=True)
    # Not through a temporary file: nothing reads the store during a build, and the record
    # already names no digest for this page.
    with open(document_path, "wb") as handle:
        handle.write(encoded)
    return True, True, filters


def _remove(path: str) -> bool:
    try:
        os.remove(path)
        return True
    except FileNotFoundError:
        return False


def _load_record(path: str, rules: str) -> dict[str, list] | None:
    """The pages' [digest, has a document, filters], or None when the record is missing, unreadable
    or was made under other rules or in another layout (then every document is made again)."""
    try:
        with open(path, "rb") as handle, collector_paused():
            saved = fast_json.loads(handle.read())
        if (
            saved.get("rules") == rules
            and saved.get("format") == RECORD_FORMAT
            and isinstance(saved.get("pages"), dict)
        ):
            return saved["pages"]
    except (OSError, ValueError, AttributeError):
        pass
    return None


def _save_record(path: str, rules: str, record: dict[str, list]) -> None:
    os.makedirs(os.path.dirname(path), exist_ok=True)
    write_json_atomically(path, {"rules": rules, "format": RECORD_FORMAT, "pages": record}, sort_keys=True)
