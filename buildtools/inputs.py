"""What a build reads, as one key: when it equals the last clean build's, the output cannot differ.

A page is a function of (settings, theme, plugin and build code, library versions), the files under
the content folder, and the build time (scheduled articles appear once their time has come). The
first part is `incremental.fingerprint`; this module adds the other two:

- the content digest: every file under PATH by relative path and digest of its bytes, a digest
  reused from the last build only where plugins/portal_data/digests.py's trust rule allows (same
  stat, and not written within two seconds of being digested);
- the code digest: the same, for the files `incremental.fingerprint` reads (settings, theme, plugins,
  build code), by absolute path, so a rebuild reads none of them while their stat says they are the same;
- the publishing window: the build time of the last clean build and the earliest withheld
  (scheduled) article it saw. While the clock stays inside [that build time, that article's time),
  every article is on the same side of "due" as it was, so the same pages would be written.

The state is kept in `<work>/inputs.json`, written only after a clean build; a build that is
not clean never leaves a key behind that claims its output. It also keeps the settings a rebuild
needs to repeat these checks without reading the settings through Pelican (buildtools/unchanged.py):
they are a function of files and environment the fingerprint covers, so while it is the same they are.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import time
from dataclasses import dataclass, field

from plugins.portal_data.atomic import write_json_atomically
from plugins.portal_data.collector import collector_paused
from plugins.portal_data.digests import digest_of, file_digest, running_digest, settled, stat_key
from plugins.portal_data.tree import tree_files

STATE_FILE = "inputs.json"


@dataclass
class ContentDigest:
    key: str
    files: dict[str, list]  # relative path -> [size, mtime_ns, ctime_ns, inode, digest]
    taken_ns: int  # when the digests were taken (for the racy-clean rule)
    digested: int = 0  # how many files had to be read this time


@dataclass
class InputState:
    """What the last clean build read: its key, per-file digests, and the facts of its report that
    describe content (articles published, the build time, the withheld articles by date)."""

    key: str | None = None
    files: dict[str, list] = field(default_factory=dict)
    taken_ns: int = 0
    facts: dict = field(default_factory=dict)
    code: dict[str, list] = field(default_factory=dict)  # absolute path -> [size, mtime_ns, ctime_ns, inode, digest]
    settings: dict = field(default_factory=dict)  # what buildtools/unchanged.py needs of the settings

    @property
    def build_time(self) -> str | None:
        return self.facts.get("build_time")

    @property
    def next_release(self) -> dt.datetime | None:
        times = [dt.datetime.fromisoformat(article["date"]) for article in self.facts.get("scheduled") or []]
        if self.facts.get("pages_change_at"):  # e.g. problem-list statuses, which move at midnight
            times.append(dt.datetime.fromisoformat(self.facts["pages_change_at"]))
        return min(times) if times else None


def digest_content(root: str, previous: InputState, taken_ns: int | None = None) -> ContentDigest:
    """Digest every file under `root`; reuse a previous digest only where the stat proves it safe."""
    return digest_files(
        tree_files(root, follow_links=True), previous.files, previous.taken_ns, taken_ns
    )  # as Pelican reads it


def digest_files(named_paths, known_files: dict, known_taken_ns: int, taken_ns: int | None = None) -> ContentDigest:
    """Digest each (name, path); reuse a digest from `known_files` (taken at `known_taken_ns`) only
    where plugins/portal_data/digests.py's trust rule allows. `taken_ns`: when this build started."""
    taken_ns = taken_ns or time.time_ns()
    files: dict[str, list] = {}
    combined = running_digest()
    digested = 0
    for name, path in named_paths:
        try:
            stat = os.stat(path)
            quick = stat_key(stat)
            known = known_files.get(name)
            if known and known[:4] == quick and settled(stat, known_taken_ns):
                digest = known[4]
            else:
                digest = file_digest(path)
                digested += 1
        except OSError as error:  # a dangling link, no permission, deleted mid-walk: Pelican reports it
            quick, digest = [0, 0, 0, 0], f"unreadable {time.time_ns()} {error.errno}"
        files[name] = [*quick, digest]
        combined.update(f"{name}\0{digest}\n".encode())
    return ContentDigest(combined.hexdigest(), files, taken_ns, digested)


def input_key(settings_fingerprint: str, content: ContentDigest) -> str:
    return digest_of(settings_fingerprint, content.key)


def load_state(work_root: str) -> InputState:
    try:
        with open(os.path.join(work_root, STATE_FILE), encoding="utf-8") as handle, collector_paused():
            data = json.load(handle)
        return InputState(
            data["key"],
            data["files"],
            int(data["taken_ns"]),
            dict(data["facts"]),
            dict(data.get("code", {})),
            dict(data.get("settings", {})),
        )
    except (OSError, ValueError, KeyError, TypeError):
        return InputState()


def save_state(work_root: str, state: InputState) -> None:
    write_json_atomically(
        os.path.join(work_root, STATE_FILE),
        {
            "key": state.key,
            "files": state.files,
            "taken_ns": state.taken_ns,
            "facts": state.facts,
            "code": state.code,
            "settings": state.settings,
        },
    )


def forget_state(work_root: str) -> None:
    """Before a build that will change the work folder: no key may describe it until it is clean."""
    try:
        os.remove(os.path.join(work_root, STATE_FILE))
    except FileNotFoundError:
        pass


def within_window(state: InputState, now: dt.datetime | None) -> bool:
    """True when no article can have changed sides of 'due' since the last clean build.

    `now` is None when the build has no build time (scheduled publishing is off): time is no input.
    """
    if now is None:
        return state.build_time is None
    if state.build_time is None:
        return False
    if now < dt.datetime.fromisoformat(state.build_time):
        return False  # the clock went back: an article published then may be withheld now
    return state.next_release is None or now < state.next_release
