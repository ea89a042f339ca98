"""Incremental builds that cannot serve a stale page.

Pelican renders into a private work folder, `<output>.work`, that is kept between builds with
Pelican's content cache in `<output>.work/cache`. The served output (or a new release) is then brought
in line with the work folder file by file: unchanged files are left alone (or hard-linked from the
live release, which is never written to), changed ones are copied in and renamed into place.

What makes it safe:
- a fingerprint of the settings, theme, plugins and Pelican/Python versions is kept with the work
  folder; any change to them (a template edit) wipes it and the cache: everything is rebuilt;
- a build that fails or is killed leaves the work folder marked incomplete, so the next build
  starts from nothing; the served output is only touched after a clean build;
- a file in the work folder that this build did not write, keep or copy is stale and is removed
  (inode change time tells what this build touched; the writer lists the pages it kept);
- "unchanged" is decided on content digests, reused only while size and mtime are the same
  (rsync's quick check), and links are made only from the release those digests describe.

What it trusts: the output (or release) is written only by a build holding its lock, so the last
sync's record (`manifest.json`, and `synced.json`: which folder it made and from which input key)
says what is there, without walking 170,000 files again. A build that changed files syncs just
those (the writer's record, the search step's files, precompressed copies, stale files); a
rebuild with nothing changed does not look at the output at all. An output or live release edited
by hand is therefore not repaired by the next build: `invoke audit` (a clean build compared file by
file) is what finds it, and a build from nothing (delete the work folder) puts it right.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import sys
from dataclasses import dataclass

from buildtools.inputs import ContentDigest, InputState, digest_files
from plugins.portal_data import fast_json
from plugins.portal_data.atomic import replacing, write_atomically, write_json_atomically
from plugins.portal_data.collector import collector_paused
from plugins.portal_data.digests import file_digest, running_digest
from plugins.portal_data.tree import remove_empty_folders, tree_files

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
COMPLETE = ".complete"
COMPRESSED = (".gz", ".br")
FINGERPRINT_FOLDERS = ("plugins", "buildtools")  # and the THEME folder the settings name
SEARCH_FOLDER = "search-index"  # buildtools/search_shards.FOLDER
KEEP_DEFAULT = (SEARCH_FOLDER,)  # written by the search step after Pelican, which decides itself
SYNCED = "synced.json"
# Settings that change how a build checks itself, not what it writes: not in the fingerprint, so
# an audit build reuses the work folder it is meant to audit.
NOT_SHAPING_OUTPUT = frozenset({"RENDER_KEYS_AUDIT", "BUILD_WORKERS"})  # how a build checks or shares work


# Libraries whose output ends up in pages (Markdown to HTML, templates, sanitising, search index).
FINGERPRINT_DISTRIBUTIONS = (
    "pelican",
    "markdown",
    "jinja2",
    "markupsafe",
    "nh3",
    "pygments",
    "brotli",
    "beautifulsoup4",
    "unidecode",
    "python-dateutil",
    "feedgenerator",
)


def _versions() -> str:
    from importlib import metadata

    found = []
    for name in FINGERPRINT_DISTRIBUTIONS:
        try:
            found.append(f"{name}={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            found.append(f"{name}=-")
    return " ".join(found)


def fingerprint(
    settings_file: str,
    overrides: dict | None,
    theme: str,
    extra_folders=(),
    previous: InputState | None = None,
    taken_ns: int | None = None,
) -> tuple[str, ContentDigest]:
    """Everything besides content that decides what a page looks like: settings, theme, code, versions.

    `extra_folders`: other folders the settings name for templates or plugins (PLUGIN_PATHS,
    THEME_TEMPLATES_OVERRIDES). `previous`: the last clean build's inputs, whose digests of these
    files are reused where their stat allows (buildtools/inputs.py). Returns the fingerprint and
    this build's digests of the files."""
    previous = previous or InputState()
    digest = running_digest()
    digest.update(f"{platform.python_version()} {sys.platform} {_versions()}".encode())
    shaping = {key: value for key, value in (overrides or {}).items() if key not in NOT_SHAPING_OUTPUT}
    digest.update(json.dumps(shaping, sort_keys=True, default=str).encode())
    digest.update(json.dumps({k: v for k, v in os.environ.items() if k.startswith("LILING_")}, sort_keys=True).encode())
    files = [os.path.abspath(settings_file), os.path.join(REPO, "pelicanconf.py"), os.path.join(REPO, "publishconf.py")]
    # The repository root itself may be a plugin path (Pelican finds the `plugins` package there):
    # its code folders are digested above, its content and output must not be.
    extra = [os.path.abspath(path) for path in extra_folders if os.path.abspath(path) != REPO]
    for folder in [os.path.abspath(theme)] + [os.path.join(REPO, name) for name in FINGERPRINT_FOLDERS] + extra:
        for relative, path in tree_files(folder):
            *folders, name = relative.split("/")
            if (
                not {"__pycache__", "test_data"} & set(folders)
                and not name.startswith("test_")
                and not name.endswith(".pyc")
            ):
                files.append(path)
    code = digest_files(
        ((path, path) for path in files if os.path.isfile(path)), previous.code, previous.taken_ns, taken_ns
    )
    digest.update(code.key.encode())
    return digest.hexdigest(), code


def prepare_work(work: str, cache: str, print_: str) -> bool:
    """Make `work` ready; returns True when it is reused, False when this is a full build."""
    if is_complete(work, print_):
        os.remove(os.path.join(work, COMPLETE))  # until this build completes, the folder is not trustworthy
        return True
    shutil.rmtree(work, ignore_errors=True)
    shutil.rmtree(cache, ignore_errors=True)
    os.makedirs(work)
    return False


def is_complete(work: str, print_: str) -> bool:
    """Whether `work` is the clean result of a build with this fingerprint."""
    try:
        with open(os.path.join(work, COMPLETE), encoding="utf-8") as handle:
            return handle.read().strip() == print_
    except OSError:
        return False


def mark_complete(work: str, print_: str) -> None:
    write_atomically(os.path.join(work, COMPLETE), print_ + "\n")


def start_marker(work_root: str) -> int:
    """The inode-change time every file this build writes will have at least."""
    path = os.path.join(work_root, "started")
    write_atomically(path, str(os.getpid()))
    return os.stat(path).st_ctime_ns


@dataclass
class Sweep:
    """What remove_stale found in the work folder: `removed`, the files it removed as stale;
    `touched`, the files this build wrote or copied; `pages`, every HTML page left (all three
    `/`-separated paths relative to the work folder). The search step groups `pages` by shard
    instead of walking the folder a second time: it indexes every page outside its own folder,
    which is the one folder the sweep skips (KEEP_DEFAULT)."""

    removed: list[str]
    touched: set[str]
    pages: list[str]


def remove_stale(work: str, started_ns: int, kept: set[str], written: set[str], keep_prefixes=KEEP_DEFAULT) -> Sweep:
    """Remove files this build neither wrote (ctime older than the start) nor kept unchanged.

    A page in the writer's record (`kept`: every path it was asked for; `written`: those it
    rewrote) needs no system call; every other file (static files Pelican copies again, the
    sitemap) is judged by its inode change time."""
    removed, touched, pages = [], set(), []
    for relative, path in tree_files(work, skip_folders=keep_prefixes):
        if relative == COMPLETE or relative.endswith(COMPRESSED):
            continue
        if path in kept:
            if path in written:
                touched.add(relative)
        elif os.stat(path).st_ctime_ns < started_ns:
            os.remove(path)
            removed.append(relative)
            continue
        else:
            touched.add(relative)
        if relative.endswith(".html"):
            pages.append(relative)
    return Sweep(sorted(removed), touched, pages)


def remove_emptied_folders(root: str, removed: list[str]) -> None:
    """The folders of `removed` files (relative to root) that are empty now, from the deepest up:
    what remove_empty_folders finds, when the build knows which files it removed."""
    folders = {os.path.dirname(relative) for relative in removed}
    for folder in sorted(folders, key=lambda name: -name.count("/")):
        while folder:
            try:
                os.rmdir(os.path.join(root, folder))
            except OSError:  # not empty (or already gone with a deeper one): its parents are not empty
                break
            folder = os.path.dirname(folder)


def retarget_manifest(work_root: str, target: str) -> None:
    """The last sync went into a release that was then found identical to `target` and dropped:
    its files are hard links to target's, so the manifest describes target."""
    path = os.path.join(work_root, "manifest.json")
    manifest = load_manifest(path)
    manifest["target"] = os.path.abspath(target)
    save_manifest(path, manifest)
    synced = read_synced(work_root)
    if synced:
        mark_synced(work_root, target, synced["input_key"])


def load_manifest(path: str) -> dict:
    try:
        with open(path, "rb") as handle, collector_paused():
            return fast_json.loads(handle.read())
    except (OSError, ValueError):
        return {"target": None, "files": {}}


def save_manifest(path: str, manifest: dict) -> None:
    write_json_atomically(path, manifest)


def mark_synced(work_root: str, target: str, input_key: str, counts: dict | None = None) -> None:
    """The sync's record: `target` holds the work folder's files as the build of `input_key` left
    them. Written after the manifest; `counts` (files, pages by kind) is what the report says of it."""
    record = {"target": os.path.abspath(target), "input_key": input_key}
    if counts is None:
        counts = {key: value for key, value in (read_synced(work_root) or {}).items() if key not in record}
    write_json_atomically(os.path.join(work_root, SYNCED), {**record, **counts})


def read_synced(work_root: str) -> dict | None:
    try:
        with open(os.path.join(work_root, SYNCED), encoding="utf-8") as handle:
            record = json.load(handle)
        return record if isinstance(record, dict) and "target" in record and "input_key" in record else None
    except (OSError, ValueError):
        return None


def forget_synced(work_root: str) -> None:
    """Before a sync: until it completes, no record says what the target holds."""
    try:
        os.remove(os.path.join(work_root, SYNCED))
    except FileNotFoundError:
        pass


def work_files(work: str):
    """Every file of a work folder or output, but the incremental build's own marker."""
    return ((relative, path) for relative, path in tree_files(work) if relative != COMPLETE)


def stat_or_none(path: str):
    try:
        return os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        return None


def sync(
    work: str,
    target: str,
    reference: str | None,
    manifest: dict,
    linkable=lambda relative: False,
    changed: set[str] | None = None,
) -> tuple[dict, dict]:
    """Make `target` hold exactly the files of `work`; returns (new manifest, changes against reference).

    In place when target is the reference (a plain `invoke build`); otherwise target is a new
    folder (a release) where files unchanged since the reference are hard links to it. A new or
    changed file is a hard link to the work folder's file when `linkable(relative)` says that file
    is only ever replaced, never written into (the writer's pages, precompressed copies), else a copy.

    `changed`: the files (relative to work) this build wrote or removed; every other file is taken
    to be as the manifest recorded it, in the work folder and in the reference, which only builds
    write (see the module's docstring). None, or a manifest of another folder: every file of the
    work folder is looked at.
    """
    in_place = reference is not None and os.path.abspath(target) == os.path.abspath(reference)
    trusted = reference is not None and manifest.get("target") == os.path.abspath(reference)
    old = manifest.get("files", {}) if trusted else {}
    if trusted and changed is not None:
        looked_at = [(relative, os.path.join(work, relative)) for relative in sorted(changed)]
        files = {relative: entry for relative, entry in old.items() if relative not in changed}
    else:
        looked_at, files = work_files(work), {}
    # The search index's list of shards (their versions and bucket counts) last: a reader served
    # between two files gets the old list, not a new version string over buckets not yet copied.
    looked_at = sorted(looked_at, key=lambda item: item[0].startswith(f"{SEARCH_FOLDER}/shards.json"))
    changes, added = [], []
    # Each folder of the target made once, not tried again for each of its files: at ten years'
    # scale a release links 250,000 files in 25,000 folders, and a makedirs per file was a third
    # of that (3.1 s, 2.1 s made once).
    made: set[str] = set()

    def folder_made_for(relative: str) -> str:
        folder = os.path.dirname(relative)
        if folder not in made:
            os.makedirs(os.path.join(target, folder), exist_ok=True)
            made.add(folder)
        return os.path.join(target, relative)

    os.makedirs(target, exist_ok=True)
    for relative, source in looked_at:
        stat = stat_or_none(source)
        if stat is None:  # removed by this build
            continue
        previous = old.get(relative)
        if previous and previous[0] == stat.st_size and previous[1] == stat.st_mtime_ns:
            digest = previous[2]
        else:
            digest = file_digest(source)
        # [size, mtime] of the work file (when to digest it again) and its digest.
        files[relative] = [stat.st_size, stat.st_mtime_ns, digest]
        if previous is not None and previous[2] == digest:
            continue  # the reference has these bytes: linked below into a release, left alone in place
        (changes if previous else added).append(relative)
        with replacing(folder_made_for(relative)) as temporary:
            if linkable(relative):
                link_or_copy(source, temporary)
            else:
                shutil.copy2(source, temporary)
    removed = sorted(set(old) - set(files))
    new = set(changes) | set(added)
    if in_place and trusted:
        for relative in removed:
            try:
                os.remove(os.path.join(target, relative))
            except FileNotFoundError:
                pass
        remove_emptied_folders(target, removed)
    elif in_place:  # no record of what the folder holds: whatever the work folder lacks goes
        for relative, path in list(work_files(target)):
            if relative not in files:
                os.remove(path)
        remove_empty_folders(target)
    else:
        for relative in files.keys() - new:
            destination = folder_made_for(relative)
            try:
                os.link(os.path.join(reference, relative), destination)
            except OSError:  # removed from the reference by hand, or a file system without hard links
                source = os.path.join(work, relative)
                link_or_copy(source, destination) if linkable(relative) else shutil.copy2(source, destination)
    diff = {"added": added, "removed": removed, "changed": changes} if trusted else None
    return {"target": os.path.abspath(target), "files": files}, diff


def link_or_copy(source: str, destination: str) -> None:
    """A hard link where the file system has them; a copy with the same mtime where it has not
    (Windows on a FAT or network drive): the same bytes, only more disk."""
    try:
        os.link(source, destination)
    except OSError:
        shutil.copy2(source, destination)
