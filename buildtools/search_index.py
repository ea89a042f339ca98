"""The site's own search index: one shard's search documents as static JSON files that
theme/static/js/search.js reads with `fetch`, with no WASM and no search engine in the browser.

Why not Pagefind: its first search on the ten-year site fetched 437–595 KB (a metadata file per
shard listing every chunk, the WASM, one index chunk per query bigram per shard), against the
300 KB target, and 217 KB on today's 113-page site. A static index of exactly the terms the
documents hold fetches one small file per query term per shard (benchmarks/RESULTS.md, "Our own
search index"). It also removes a mechanism: its output is the same bytes for the same documents,
so the audit compares it like any other file, and the search page runs under a CSP without
'wasm-unsafe-eval'.

A shard's folder (`search-index/<shard>/`, buildtools/search_shards.py writes it):

    t/<n>.json      the terms whose FNV-1a hash falls in bucket n: {term: postings}
    c/<n>.json      the same for a Han character asked alone: every term that starts with it
    f/<id>.json     one page: {"url": "/news/…/", "meta": {"title": …, "text": …, …}}
    filters.json    {filter: {value: [page ids]}}: fetched only when a filter is chosen

Postings are one flat list per term: for each page, its id (as a step from the previous page's),
the summed weight of the elements the term is in, the number of positions, then the positions (as
steps). A position is the term's place in the page's sequence of tokens, so two bigrams of a
phrase stand at p and p + 1. The browser scores a page per term as BM25 does with no length
normalisation (k1 = 1.4, Pagefind's default): what ranks above what is decided in search.js.

Terms, from buildtools/search_text.py's tokens (the browser asks for the same, `queryPlan`):
- a bigram `q` + 8 letters as itself; a headline's abbreviation pair (`…z`) under its bigram, at its
  own weight, as Pagefind's prefix match found it;
- a Han character alone (`q` + 4 letters) in `c/`: every bigram it starts and a run's last
  character, as Pagefind's prefix match found them;
- a number as itself, and a number with a date unit (5月) also as the plain number, so 5 finds 5月
  while 5月 finds only 5月; a number never finds a longer one (12 is not 123);
- an ASCII word (`x…`) as itself.
"""

from __future__ import annotations

import hashlib
import html
import json
import os
import re
from dataclasses import dataclass, field

from buildtools.search_text import ABBREVIATION_END, END, document_filters
from plugins.portal_data import fast_json
from plugins.portal_data.digests import bytes_digest
from plugins.portal_data.tree import tree_files

# A bucket holds at most about this many bytes of postings (before compression) and this many terms:
# a query fetches one bucket per term per shard, so smaller buckets make the first search smaller
# and the folder larger. Bytes decide in a shard of few words on many pages (a year of ledgers: 128
# buckets by terms averaged 67 KB), terms in a small one (today's news: 4 buckets by bytes doubled
# the first search). A term whose own postings are longer is a bucket of its own size.
BUCKET_BYTES = 8192
TERMS_PER_BUCKET = 16
MAX_BUCKETS = 4096
FOLDERS = {"terms": "t", "characters": "c", "fragments": "f"}
FILTERS_FILE = "filters.json"
_BLOCK = re.compile(r'^<p(?: data-pagefind-weight="([^"]*)")?>(.*)</p>$', re.MULTILINE)
_META = re.compile(r'^<div data-pagefind-meta="([^"]*)">(.*)</div>$', re.MULTILINE)
_UNITS = "vwx"  # buildtools/search_text.py's DATE_UNITS letters


@dataclass
class Document:
    """What one search document says: its tokens with their weights, metadata and filters."""

    tokens: list[tuple[str, float]] = field(default_factory=list)
    meta: dict[str, str] = field(default_factory=dict)
    filters: dict[str, list[str]] = field(default_factory=dict)


def read_document(text: str) -> Document:
    """A document as buildtools/search_text.py wrote it (one `<p>` of tokens per block, one `<div>`
    per field)."""
    document = Document()
    for weight, tokens in _BLOCK.findall(text):
        try:
            value = float(weight) if weight else 1.0
        except ValueError:
            raise ValueError(
                f"data-pagefind-weight=“{weight}” 不是数字（模板里应写 0 到 10 之间的数，例如 5）"
            ) from None
        document.tokens.extend((token, value) for token in tokens.split())
    for key, value in _META.findall(text):
        document.meta[html.unescape(key)] = html.unescape(value)
    document.filters = document_filters(text)  # as the shard's record counts them for the manifest
    return document


def terms_of(token: str) -> tuple[list[str], str | None]:
    """(the exact terms a token is posted under, the Han character it is found by alone or None)."""
    if token.startswith("q"):
        character = token[:5]
        if len(token) == 6 and token.endswith(END):
            return [], character
        if len(token) == 10 and token.endswith(ABBREVIATION_END):
            return [token[:9]], character
        return [token], character
    if token.startswith("n"):
        number = token[:-1] if token.endswith(END) else token
        return ([number, number[:-1]] if number[-1] in _UNITS else [number]), None
    return [token], None


def page_url(relative_path: str) -> str:
    """`news/2020/07/x/index.html` -> `/news/2020/07/x/`, as the page is linked."""
    if relative_path == "index.html" or relative_path.endswith("/index.html"):
        relative_path = relative_path[: -len("index.html")]
    return "/" + relative_path


def postings_of(documents: list[Document]) -> tuple[dict[str, dict[int, list]], dict[str, dict[int, list]]]:
    """({term: {page id: [weight, positions]}}, the same for characters alone); ids are list order."""
    terms: dict[str, dict[int, list]] = {}
    characters: dict[str, dict[int, list]] = {}
    for page_id, document in enumerate(documents):
        for position, (token, weight) in enumerate(document.tokens):
            exact, character = terms_of(token)
            for term in exact:
                _post(terms, term, page_id, weight, position)
            if character:
                _post(characters, character, page_id, weight, position)
    return terms, characters


def _post(index: dict, term: str, page_id: int, weight: float, position: int) -> None:
    entry = index.setdefault(term, {}).setdefault(page_id, [0.0, []])
    entry[0] += weight
    if not entry[1] or entry[1][-1] != position:  # a token posted twice (5月 as 5) keeps one place
        entry[1].append(position)


def encoded_postings(pages: dict[int, list]) -> list:
    """{page id: [weight, positions]} as the flat list the browser decodes (ids and positions as steps)."""
    flat, previous = [], 0
    for page_id in sorted(pages):
        weight, positions = pages[page_id]
        flat += [page_id - previous, _number(weight), len(positions)]
        flat += [later - earlier for earlier, later in zip([0, *positions], positions)]
        previous = page_id
    return flat


def _number(value: float) -> float | int:
    value = round(value, 3)  # first, so a sum such as 2.9999999999999996 is written as 3
    return int(value) if value == int(value) else value


def fnv1a(text: str) -> int:
    """32-bit FNV-1a over the term's characters (all ASCII); search.js computes the same."""
    value = 0x811C9DC5
    for character in text:
        value = ((value ^ ord(character)) * 0x01000193) & 0xFFFFFFFF
    return value


def bucket_count(size: int, terms: int) -> int:
    """The smallest power of two that puts at most BUCKET_BYTES of the `size` bytes of postings and
    TERMS_PER_BUCKET of the `terms` in a bucket; no more than one bucket per term and MAX_BUCKETS
    in all."""
    count = 1
    while (
        (count * BUCKET_BYTES < size or count * TERMS_PER_BUCKET < terms)
        and count * 2 <= max(1, terms)
        and count < MAX_BUCKETS
    ):
        count *= 2
    return count


def bucket_files(index: dict[str, dict[int, list]]) -> tuple[int, dict[int, bytes], list[int]]:
    """(bucket count, {bucket: JSON bytes}, [bytes of postings, terms]) of one kind of term. An empty
    bucket is written too, as `{}`: a query whose term falls there gets an answer, not a 404 in the
    server's error log."""
    encoded = {term: _json(encoded_postings(index[term])) for term in sorted(index)}
    size = [sum(map(len, encoded.values())), len(encoded)]
    count = bucket_count(*size)
    buckets: dict[int, dict[str, bytes]] = {number: {} for number in range(count)}
    for term, postings in encoded.items():
        buckets[fnv1a(term) % count][term] = postings
    return count, {number: bucket_bytes(terms) for number, terms in buckets.items()}, size


def bucket_bytes(terms: dict[str, bytes]) -> bytes:
    """A bucket's file from its terms' encoded postings, in term order (terms are ASCII letters:
    written as JSON keys as they are)."""
    return b"{" + b",".join(b'"' + term.encode() + b'":' + terms[term] for term in sorted(terms)) + b"}"


_BUCKET_TERM = re.compile(rb'"([a-z]+)":(\[[^\]]*\])')  # a bucket's term and its flat list of numbers


def bucket_terms(data: bytes) -> dict[str, bytes]:
    """bucket_bytes undone: each term's encoded postings, as the bytes they were written as."""
    return {match.group(1).decode(): match.group(2) for match in _BUCKET_TERM.finditer(data)}


def spliced_postings(flat: list, replacements: dict[int, list | None]) -> list:
    """`flat` (encoded_postings of some pages) with the entries of the pages in `replacements` put in
    or replaced by their [weight, positions], or dropped for None: what encoded_postings gives for
    the pages after the change, without decoding the entries of the others (a word on every page of
    a shard has thousands)."""
    out: list = []
    due = sorted(replacements)
    previous = page_id = i = k = 0

    def put(new_id: int) -> None:
        nonlocal previous
        if replacements[new_id] is not None:
            weight, positions = replacements[new_id]
            out.extend([new_id - previous, _number(weight), len(positions)])
            out.extend(later - earlier for earlier, later in zip([0, *positions], positions))
            previous = new_id

    while i < len(flat):
        page_id += flat[i]
        end = i + 3 + flat[i + 2]
        while k < len(due) and due[k] < page_id:
            put(due[k])
            k += 1
        if k < len(due) and due[k] == page_id:
            put(due[k])
            k += 1
        else:
            out.append(page_id - previous)
            out.extend(flat[i + 1 : end])
            previous = page_id
        i = end
    for new_id in due[k:]:
        put(new_id)
    return out


def _json(value) -> bytes:
    return fast_json.dumps(value, sort_keys=True)


@dataclass
class ShardIndex:
    """One shard's files (relative path -> bytes; with a patch, only those that change), what the
    manifest says of it, and what a later patch needs (`state`: the pages in id order, each kind's
    [bytes of postings, terms], every file's digest)."""

    files: dict[str, bytes]
    layout: dict
    state: dict


def version_of(digests: dict[str, str]) -> str:
    """The shard's version, from every file's digest: it changes with any file's bytes."""
    version = hashlib.sha256()
    for name in sorted(digests):
        version.update(f"{name}\0{digests[name]}\0".encode())
    return version.hexdigest()[:12]


def shard_index(pages: list[tuple[str, Document]]) -> ShardIndex:
    """The index of one shard's pages, given as (relative path, document) in path order."""
    documents = [document for _, document in pages]
    terms, characters = postings_of(documents)
    files: dict[str, bytes] = {}
    term_buckets, term_files, term_size = bucket_files(terms)
    character_buckets, character_files, character_size = bucket_files(characters)
    for number, data in term_files.items():
        files[f"{FOLDERS['terms']}/{number}.json"] = data
    for number, data in character_files.items():
        files[f"{FOLDERS['characters']}/{number}.json"] = data
    filters: dict[str, dict[str, list[int]]] = {}
    for page_id, (path, document) in enumerate(pages):
        files[fragment_name(page_id)] = fragment_bytes(path, document)
        for key, values in document.filters.items():
            for value in values:
                filters.setdefault(key, {}).setdefault(value, []).append(page_id)
    files[FILTERS_FILE] = _json(filters)
    digests = {name: bytes_digest(data) for name, data in files.items()}
    layout = {"terms": term_buckets, "characters": character_buckets, "version": version_of(digests)}
    state = {
        "pages": [path for path, _ in pages],
        "sizes": {"terms": term_size, "characters": character_size},
        "files": digests,
    }
    return ShardIndex(files, layout, state)


def fragment_name(page_id: int) -> str:
    return f"{FOLDERS['fragments']}/{page_id}.json"


def fragment_bytes(path: str, document: Document) -> bytes:
    return _json({"url": page_url(path), "meta": document.meta})


def patched_index(folder: str, layout: dict, state: dict, changes: dict[int, tuple[Document, Document]]):
    """The shard's index after the pages `changes` names (page id -> (old document, new document))
    changed, their ids unchanged: a ShardIndex holding only the files whose bytes change, read and
    patched from `folder`, term by term. None when a bucket count would change with it (the shard
    is then indexed whole, as a clean build would count its buckets).

    One corrected page touches the buckets of its own terms, a few hundred small files, where
    indexing its shard reads and encodes thousands of pages."""
    files: dict[str, bytes] = {}
    sizes = {kind: list(size) for kind, size in state["sizes"].items()}
    # Each changed page's postings, before and after, once: (terms, characters) of each.
    before = {page_id: postings_of([old]) for page_id, (old, _new) in changes.items()}
    after = {page_id: postings_of([new]) for page_id, (_old, new) in changes.items()}
    for kind, pick in (("terms", 0), ("characters", 1)):
        count = layout[kind]
        old_postings: dict[str, dict[int, list]] = {}
        new_postings: dict[str, dict[int, list]] = {}
        for page_id in changes:
            for term, pages in before[page_id][pick].items():
                old_postings.setdefault(term, {})[page_id] = pages[0]
            for term, pages in after[page_id][pick].items():
                new_postings.setdefault(term, {})[page_id] = pages[0]
        by_bucket: dict[int, list[str]] = {}
        for term in old_postings.keys() | new_postings.keys():
            before_term, after_term = old_postings.get(term, {}), new_postings.get(term, {})
            if all(before_term.get(page_id) == after_term.get(page_id) for page_id in changes):
                # The changed pages hold this term where they held it before: its postings stand.
                # A correction moves the terms of the words after it; the page's other terms were
                # parsed, spliced and encoded again for nothing (a ten-year news shard's patch for
                # one added sentence: 0.49 s, 0.06 s without them).
                continue
            by_bucket.setdefault(fnv1a(term) % count, []).append(term)
        for number, terms in sorted(by_bucket.items()):
            name = f"{FOLDERS[kind]}/{number}.json"
            with open(os.path.join(folder, *name.split("/")), "rb") as handle:
                data = handle.read()
            bucket = bucket_terms(data)
            for term in terms:
                flat = fast_json.loads(bucket[term]) if term in bucket else []
                if term in bucket:
                    sizes[kind][0] -= len(bucket.pop(term))
                    sizes[kind][1] -= 1
                flat = spliced_postings(flat, {page_id: new_postings.get(term, {}).get(page_id) for page_id in changes})
                if flat:
                    bucket[term] = _json(flat)
                    sizes[kind][0] += len(bucket[term])
                    sizes[kind][1] += 1
            patched = bucket_bytes(bucket)
            if patched != data:
                files[name] = patched
        if bucket_count(*sizes[kind]) != count:
            return None
    for page_id, (_old, new) in changes.items():
        data = fragment_bytes(state["pages"][page_id], new)
        if bytes_digest(data) != state["files"].get(fragment_name(page_id)):
            files[fragment_name(page_id)] = data
    with open(os.path.join(folder, FILTERS_FILE), "rb") as handle:
        filters = json.loads(handle.read())
    for page_id, (_old, new) in changes.items():
        for values in filters.values():
            for pages in values.values():
                if page_id in pages:
                    pages.remove(page_id)
        for key, values in new.filters.items():
            for value in values:
                filters.setdefault(key, {}).setdefault(value, []).append(page_id)
    filters = {
        key: {value: sorted(pages) for value, pages in values.items() if pages}
        for key, values in filters.items()
        if any(values.values())
    }
    data = _json(filters)
    if bytes_digest(data) != state["files"].get(FILTERS_FILE):
        files[FILTERS_FILE] = data
    digests = {**state["files"], **{name: bytes_digest(data) for name, data in files.items()}}
    layout = {"terms": layout["terms"], "characters": layout["characters"], "version": version_of(digests)}
    return ShardIndex(files, layout, {"pages": state["pages"], "sizes": sizes, "files": digests})


def read_shard_documents(documents_folder: str) -> list[tuple[str, Document]]:
    """Every document kept for a shard (buildtools/search_documents.py), by relative path in order."""
    return sorted((relative, read_document_file(path, relative)) for relative, path in tree_files(documents_folder))


def read_document_file(path: str, page: str) -> Document:
    """read_document of the file at `path`; a ValueError names `page`, the page it was made from."""
    with open(path, encoding="utf-8") as handle:
        text = handle.read()
    try:
        return read_document(text)
    except ValueError as exc:
        raise ValueError(f"{page}：{exc}") from None
