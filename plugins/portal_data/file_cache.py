"""A per-file result cache for the checks and readers that look at one editor's file at a time.

Every build checks every Markdown and CSV file (front matter, personal data, unsafe HTML, ledger
validation); at ten years of content that is tens of thousands of files, nearly all unchanged.
This cache keeps, per file, the result of a function of that file's bytes alone, keyed by

    (the file's path, the digest of its bytes, every other input the result depends on)

so a result is reused only for the very same bytes and inputs. Conclusions that span files
(duplicate slugs, link targets, balances chained across months) must not be cached here: callers
cache what one file says and recompute the cross-file part on every build from those results.

Safety rules:
- on only when Pelican's content cache is (CACHE_CONTENT, and LOAD_CONTENT_CACHE for reading);
  it lives in CACHE_PATH, which the incremental build wipes when settings, theme or code change;
- the cache also records a digest of the code that computes its results, so a checker changed
  outside an incremental build (a plain build with CACHE_CONTENT on) never serves old results;
- a file's digest is taken from the last build only where digests.py's trust rule allows
  (same size, mtime, ctime and inode, and not written within two seconds of being digested);
  `get_decided` is the one exception, for the build's own pages: their render key decides their
  bytes (the writer renders a page again whenever its key changes), so the key alone is asked;
- a missing, corrupt or unreadable cache file is ignored and rebuilt, never an error; it is
  written atomically (atomic.py), so a killed build cannot leave half a cache.
"""

from __future__ import annotations

import io
import os
import pickle
import time
from collections.abc import Callable
from typing import Any, TypeVar

from .atomic import write_atomically
from .collector import collector_paused
from .digests import bytes_digest, digest_of, running_digest, settled, stat_key

T = TypeVar("T")
FORMAT = 1
FOLDER = "portal-file-cache"


def enabled(settings: dict) -> bool:
    return bool(settings.get("CACHE_PATH") and settings.get("CACHE_CONTENT"))


def code_digest(*modules) -> str:
    """Digest of the source of the modules that compute the results: the cache's version."""
    digest = running_digest()
    for module in modules:
        path = getattr(module, "__file__", None) or ""
        digest.update(module.__name__.encode() + b"\0")
        try:
            with open(path, "rb") as handle:
                digest.update(handle.read())
        except OSError:
            digest.update(b"?")  # no source to read: the version is just unknown, still consistent
    return digest.hexdigest()


def as_text(data: bytes) -> str:
    """The text `open(path, encoding="utf-8-sig", errors="replace")` would read (universal newlines;
    the BOM Windows Notepad writes is not text, as Pelican's reader also drops it)."""
    return io.TextIOWrapper(io.BytesIO(data), encoding="utf-8-sig", errors="replace").read()


def _stat_key(stat: os.stat_result) -> tuple[int, ...]:
    return tuple(stat_key(stat))


class FileCache:
    """Results of `compute(bytes)` per file; one pickle per `name` under CACHE_PATH."""

    def __init__(self, folder: str | None, name: str, version: str = "", load: bool = True):
        self.path = os.path.join(folder, FOLDER, f"{name}.pickle") if folder else None
        self.version = version
        self.entries: dict[tuple[str, str], tuple] = self._load() if self.path and load else {}
        self.used: dict[tuple[str, str], tuple] = {}
        self.changed = False
        self.hits = self.misses = 0

    @classmethod
    def for_settings(cls, settings: dict, name: str, *modules) -> FileCache:
        """The cache for `name`, or a disabled one (computes every time, stores nothing)."""
        if not enabled(settings):
            return cls(None, name)
        load = settings.get("LOAD_CONTENT_CACHE", True)
        return cls(settings["CACHE_PATH"], name, code_digest(*modules), load=bool(load))

    def _load(self) -> dict:
        try:
            with open(self.path, "rb") as handle, collector_paused():
                stored = pickle.load(handle)
            if stored.get("format") == FORMAT and stored.get("version") == self.version:
                return stored["entries"]
        except Exception:  # noqa: BLE001 - any unreadable cache is simply rebuilt
            pass
        return {}

    def get(self, path: str, shown: str, inputs: Any, compute: Callable[[bytes], T]) -> T:
        """compute(bytes of `path`) for this build, reused when bytes and `inputs` are unchanged.

        `shown` is the path the result names (it is part of the key); `inputs` is every other
        input the result depends on, as a value that compares equal when they are the same.
        """
        key = (path, shown)
        if self.path is None:
            with open(path, "rb") as handle:
                return compute(handle.read())
        stat = os.stat(path)
        entry = self.entries.get(key)
        if entry and entry[0] is not None and entry[0] == _stat_key(stat) and entry[2] == inputs:
            self.used[key] = entry
            self.hits += 1
            return entry[3]
        read_at = time.time_ns()
        with open(path, "rb") as handle:
            data = handle.read()
            stat = os.fstat(handle.fileno())
        digest = bytes_digest(data)
        if entry and entry[1] == digest and entry[2] == inputs:
            value = entry[3]
            self.hits += 1
        else:
            value = compute(data)
            self.misses += 1
        self.used[key] = (_stat_key(stat) if settled(stat, read_at) else None, digest, inputs, value)
        self.changed = self.changed or entry is None or entry[:3] != self.used[key][:3]
        return value

    def get_decided(self, path: str, shown: str, key: str, compute: Callable[[bytes], T]) -> T:
        """compute(bytes of `path`) for a file whose bytes `key` decides, taken from the cache
        without looking at the file when the result was stored for that same key.

        For the build's own pages, by their render keys (plugins/incremental_writer): a page is
        rendered again whenever its key changes, and a page whose key did not change is the very
        file, unchanged since (the writer checks), that was written for that key. No stat is
        needed, and none could be trusted: a release's hard links change every page's inode
        change time, so the stat rule of `get` read and digested all 29,000 pages of a ten-year
        site again after each full build or release (a second of the next rebuild)."""
        inputs = ("decided-by", key)
        entry = self.entries.get((path, shown))
        if self.path is not None and entry is not None and entry[2] == inputs:
            self.used[(path, shown)] = entry
            self.hits += 1
            return entry[3]
        return self.get(path, shown, inputs, compute)

    def source(self, path: str, shown: str) -> str | None:
        """What this build's `get` of the file computed its result from, as one digest: the file's
        bytes, the other inputs and the code's version (None when the cache is off, or the file
        was not asked for). Equal digests mean equal results."""
        entry = self.used.get((path, shown))
        if self.path is None or entry is None:
            return None
        return digest_of(self.version, entry[1], repr(entry[2]))

    def save(self) -> None:
        """Keep the results used by this build (a deleted file's result goes with it)."""
        if self.path is None or (not self.changed and len(self.used) == len(self.entries)):
            return
        try:
            os.makedirs(os.path.dirname(self.path), exist_ok=True)
            with collector_paused():  # the pickler's memo would start full collections
                data = pickle.dumps(
                    {"format": FORMAT, "version": self.version, "entries": self.used}, protocol=pickle.HIGHEST_PROTOCOL
                )
            write_atomically(self.path, data)
        except OSError:
            pass  # a cache that cannot be written costs time next build, never correctness
        self.entries, self.changed = dict(self.used), False
