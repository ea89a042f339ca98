"""Write .gz and .br copies beside every text file of a build, byte-for-byte the same on every run.

nginx's gzip_static / brotli_static then serve them without compressing on each request. The gzip
header carries no file name and mtime 0, so two builds of the same commit give identical bytes and
a sync to the server moves only what changed. Brotli is used when the `brotli` package is installed.
"""

from __future__ import annotations

import gzip
import io
import os
from concurrent.futures import ThreadPoolExecutor

try:
    import brotli
except ImportError:  # pragma: no cover - brotli is in requirements.txt; .gz alone still works
    brotli = None

from plugins.portal_data.atomic import write_atomically
from plugins.portal_data.downloads import has_bytes
from plugins.portal_data.tree import tree_files
from plugins.portal_data.workers import build_workers, process_pool

COMPRESSIBLE = (".html", ".css", ".js", ".json", ".xml", ".csv", ".svg", ".txt")
MIN_BYTES = 256  # smaller files are not worth a second request path on the server
# Quality 8 is within 10% of 11's size at a twentieth of its time (measured on our pages: 0.5 ms
# against 11 ms per 7 kB page); at ten years' scale 11 alone would take minutes.
BROTLI_QUALITY = 8
# Level 6 (zlib's default) is within 3% of 9's size at a quarter of its time (measured on the
# thirty largest search postings of the ten-year site, 5.8 MB: 1.63 s at 9, 0.37 s at 6); most
# phones take the .br copy anyway, and an edited article rewrites dozens of postings files.
GZIP_LEVEL = 6
COPIES = (".gz", ".br")


def gzip_bytes(data: bytes) -> bytes:
    buffer = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buffer, compresslevel=GZIP_LEVEL, mtime=0) as handle:
        handle.write(data)
    return buffer.getvalue()


def compressed_copies(data: bytes) -> dict[str, bytes]:
    copies = {".gz": gzip_bytes(data)}
    if brotli is not None:
        copies[".br"] = brotli.compress(data, quality=BROTLI_QUALITY)
    return copies


def _write_copy(path: str, data: bytes, source_mtime_ns: int) -> bool:
    """Write a new file (never into the old one: it may be hard-linked into the live output), with
    its source's mtime, marking it current. Returns whether the bytes changed."""
    changed = not has_bytes(path, data)
    write_atomically(path, data, mtime_ns=source_mtime_ns)
    return changed


def precompress_tree(root: str, extensions=COMPRESSIBLE, min_bytes: int = MIN_BYTES, workers: int | None = None) -> int:
    """Compress every matching file under `root`; returns how many copies were (re)written.

    A copy carries its source's exact mtime; while they still match, the source has not been
    rewritten and the copy is reused (rsync's quick check). With the unchanged-file writer,
    untouched pages keep their mtimes, so a no-change rebuild compresses nothing. The work is
    spread over `workers` processes (default: plugins/portal_data/workers.py's count); each file's copies are the same bytes whichever worker makes them.
    """
    files = list(tree_files(root))
    present = {relative for relative, _path in files}  # a copy's page is looked up here, not with a system call
    for relative, source in files:
        if relative.endswith(COPIES) and relative[:-3].endswith(extensions):
            # A copy whose source is gone (an article withdrawn) or now too small to compress
            # must not keep serving the old bytes.
            if relative[:-3] not in present or os.path.getsize(source[:-3]) < min_bytes:
                os.remove(source)
    sources = [(relative, source) for relative, source in files if relative.endswith(extensions)]
    due = _due(sources, min_bytes, lambda relative, suffix: relative + suffix in present)
    return sum(_compress(due, workers).values())


def precompress_changed(
    root: str, changed: set[str], extensions=COMPRESSIBLE, min_bytes: int = MIN_BYTES, workers: int | None = None
) -> set[str]:
    """precompress_tree for the files (relative to `root`) a build wrote or removed: the copies of
    a removed file go, and of a written one now under `min_bytes`; a written one's are made again
    when its mtime moved. Returns the copies
    (relative paths) written or removed."""
    sources, touched = [], set()
    for relative in changed:
        if relative.endswith(COPIES) or not relative.endswith(extensions):
            continue
        source = os.path.join(root, relative)
        # A written file now too small to compress must not keep the copies of its longer self:
        # the server would hand out the old bytes (gzip_static prefers the copy).
        if os.path.exists(source) and os.path.getsize(source) >= min_bytes:
            sources.append((relative, source))
            continue
        for suffix in COPIES:
            if os.path.exists(source + suffix):
                os.remove(source + suffix)
                touched.add(relative + suffix)
    due = _due(sources, min_bytes, lambda relative, suffix: True)
    written = _compress(due, workers)
    prefix = len(os.path.abspath(root).rstrip(os.sep)) + 1
    for source, count in written.items():
        touched.update(f"{source[prefix:].replace(os.sep, '/')}{suffix}" for suffix in _wanted())
    return touched


def _wanted() -> list[str]:
    return [".gz", ".br"] if brotli is not None else [".gz"]


def _due(sources, min_bytes: int, may_have_copy) -> list[tuple[str, int]]:
    """(path, mtime) of each source at least `min_bytes` long whose copies are missing or older."""
    due = []
    for relative, source in sources:
        stat = os.stat(source)
        if stat.st_size < min_bytes:
            continue
        if not all(
            may_have_copy(relative, suffix) and _is_current(source + suffix, stat.st_mtime_ns) for suffix in _wanted()
        ):
            due.append((source, stat.st_mtime_ns))
    return due


def _compress(due: list[tuple[str, int]], workers: int | None) -> dict[str, int]:
    """Write the copies of each due source, in `workers` processes for many, threads for a few;
    source -> copies changed."""
    workers = workers or build_workers({})
    if workers == 1 or len(due) < 2:
        return _compress_files(due)
    if len(due) < 200:
        # zlib and brotli let go of the interpreter lock while they compress, and a correction's
        # few dozen search files are large (1.4 s for the 64 largest of a news shard, 0.7 s in two
        # threads): threads halve it without the start of a process pool.
        with ThreadPoolExecutor(workers) as pool:
            return dict(zip((item[0] for item in due), pool.map(_compress_file, due)))
    chunks = [due[index::workers] for index in range(workers)]
    with process_pool(workers) as pool:
        merged = {}
        for part in pool.map(_compress_files, chunks):
            merged.update(part)
        return merged


def _compress_files(items) -> dict[str, int]:
    return {item[0]: _compress_file(item) for item in items}


def _compress_file(item) -> int:
    source, mtime_ns = item
    with open(source, "rb") as handle:
        data = handle.read()
    return sum(_write_copy(source + suffix, copy, mtime_ns) for suffix, copy in compressed_copies(data).items())


def _is_current(copy_path: str, source_mtime: int) -> bool:
    try:
        return os.stat(copy_path).st_mtime_ns == source_mtime
    except FileNotFoundError:
        return False
