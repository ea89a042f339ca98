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
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import shutil
import sys

import pelican

from plugins.portal_data.atomic import replacing, write_atomically, write_json_atomically
from plugins.portal_data.digests import file_digest
from plugins.portal_data.tree import tree_files

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
COMPLETE = ".complete"
COMPRESSED = (".gz", ".br")
FINGERPRINT_FOLDERS = ("plugins", "buildtools")  # and the THEME folder the settings name
KEEP_DEFAULT = ("pagefind",)  # written by the search step after Pelican, which decides itself
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
    "pagefind",
    "pagefind-bin-extended",
    "brotli",
    "beautifulsoup4",
    "unidecode",
    "python-dateutil",
    "feedgenerator",
)
# Pagefind reads its configuration from the working folder and from PAGEFIND_* variables.
PAGEFIND_CONFIG_FILES = ("pagefind.yml", "pagefind.yaml", "pagefind.toml", "pagefind.json")


def _versions() -> str:
    from importlib import metadata

    found = []
    for name in FINGERPRINT_DISTRIBUTIONS:
        try:
            found.append(f"{name}={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            found.append(f"{name}=-")
    return " ".join(found)


def fingerprint(settings_file: str, overrides: dict | None, theme: str, extra_folders=()) -> str:
    """Everything besides content that decides what a page looks like: settings, theme, code, versions.

    `extra_folders`: other folders the settings name for templates or plugins (PLUGIN_PATHS,
    THEME_TEMPLATES_OVERRIDES)."""
    digest = hashlib.blake2b(digest_size=16)
    digest.update(f"{pelican.__version__} {platform.python_version()} {sys.platform} {_versions()}".encode())
    shaping = {key: value for key, value in (overrides or {}).items() if key not in NOT_SHAPING_OUTPUT}
    digest.update(json.dumps(shaping, sort_keys=True, default=str).encode())
    digest.update(
        json.dumps(
            {k: v for k, v in os.environ.items() if k.startswith(("LILING_", "PAGEFIND_"))}, sort_keys=True
        ).encode()
    )
    files = [os.path.abspath(settings_file), os.path.join(REPO, "pelicanconf.py"), os.path.join(REPO, "publishconf.py")]
    files += [os.path.abspath(name) for name in PAGEFIND_CONFIG_FILES]
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
    for path in files:
        if os.path.isfile(path):
            digest.update(path.encode() + b"\0" + file_digest(path).encode())
    return digest.hexdigest()


def prepare_work(work: str, cache: str, print_: str) -> bool:
    """Make `work` ready; returns True when it is reused, False when this is a full build."""
    marker = os.path.join(work, COMPLETE)
    try:
        with open(marker, encoding="utf-8") as handle:
            reusable = handle.read().strip() == print_
    except OSError:
        reusable = False
    if reusable:
        os.remove(marker)  # until this build completes, the folder is not trustworthy
        return True
    shutil.rmtree(work, ignore_errors=True)
    shutil.rmtree(cache, ignore_errors=True)
    os.makedirs(work)
    return False


def mark_complete(work: str, print_: str) -> None:
    write_atomically(os.path.join(work, COMPLETE), print_ + "\n")


def start_marker(work_root: str) -> int:
    """The inode-change time every file this build writes will have at least."""
    path = os.path.join(work_root, "started")
    write_atomically(path, str(os.getpid()))
    return os.stat(path).st_ctime_ns


def remove_stale(work: str, started_ns: int, kept: set[str], keep_prefixes=KEEP_DEFAULT) -> list[str]:
    """Remove files this build neither wrote (ctime older than the start) nor kept unchanged."""
    removed = []
    for relative, path in tree_files(work, skip_folders=keep_prefixes):
        if relative == COMPLETE or relative.endswith(COMPRESSED) or path in kept:
            continue
        if os.stat(path).st_ctime_ns < started_ns:
            os.remove(path)
            removed.append(relative.replace("/", os.sep))
    return sorted(removed)


def remove_empty_folders(root: str) -> None:
    """A withdrawn article's folder must go too, or the server would list or redirect it. Bottom
    up, a folder is empty when it holds no file and every folder in it was removed: the walk's own
    listing says so, without listing each of the ~25,000 folders of a ten-year site again."""
    removed: set[str] = set()
    for base, dirs, names in os.walk(root, topdown=False):
        if base != root and not names and all(os.path.join(base, name) in removed for name in dirs):
            os.rmdir(base)
            removed.add(base)


def output_matches(target: str, manifest: dict) -> list[str] | None:
    """The relative paths of `target` when it holds exactly the files the manifest lists, with the
    same size and mtime (a file is only ever replaced by rename, which changes both); else None."""
    if manifest.get("target") != os.path.abspath(target) or not os.path.isdir(target):
        return None
    expected = manifest.get("files", {})
    seen = []
    for relative, path in work_files(target):
        known = expected.get(relative)
        if known is None:
            return None
        stat = os.stat(path)
        if len(known) < 4 or known[0] != stat.st_size or known[3] != stat.st_mtime_ns:
            return None
        seen.append(relative)
    return seen if len(seen) == len(expected) else None


def retarget_manifest(work_root: str, target: str) -> None:
    """The last sync went into a release that was then found identical to `target` and dropped:
    its files are hard links to target's, same size and mtime, so the manifest describes target."""
    path = os.path.join(work_root, "manifest.json")
    manifest = load_manifest(path)
    manifest["target"] = os.path.abspath(target)
    save_manifest(path, manifest)


def load_manifest(path: str) -> dict:
    try:
        with open(path, encoding="utf-8") as handle:
            return json.load(handle)
    except (OSError, ValueError):
        return {"target": None, "files": {}}


def save_manifest(path: str, manifest: dict) -> None:
    write_json_atomically(path, manifest)


def work_files(work: str):
    """Every file of a work folder or output, but the incremental build's own marker."""
    return ((relative, path) for relative, path in tree_files(work) if relative != COMPLETE)


def stat_or_none(path: str):
    try:
        return os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        return None


def recorded_in_target(entry: list | None, target_stat) -> bool:
    """The manifest's trust rule: a file in the sync's target is the one the last sync put there
    only while it has the size and mtime the manifest recorded for it ([size, mtime, digest,
    target mtime]); a same-size edit in the output (or the live release) changes its mtime."""
    return (
        entry is not None
        and len(entry) > 3
        and target_stat is not None
        and target_stat.st_size == entry[0]
        and target_stat.st_mtime_ns == entry[3]
    )


def sync(
    work: str, target: str, reference: str | None, manifest: dict, linkable=lambda relative: False
) -> tuple[dict, dict]:
    """Make `target` hold exactly the files of `work`; returns (new manifest, changes against reference).

    In place when target is the reference (a plain `invoke build`); otherwise target is a new
    folder (a release) where files unchanged since the reference are hard links to it. A new or
    changed file is a hard link to the work folder's file when `linkable(relative)` says that file
    is only ever replaced, never written into (the writer's pages, precompressed copies), else a copy.
    """
    in_place = reference is not None and os.path.abspath(target) == os.path.abspath(reference)
    trusted = reference is not None and manifest.get("target") == os.path.abspath(reference)
    old = manifest.get("files", {}) if trusted else {}
    files, changed, added = {}, [], []
    os.makedirs(target, exist_ok=True)
    for relative, source in work_files(work):
        stat = os.stat(source)
        previous = old.get(relative)
        if previous and previous[0] == stat.st_size and previous[1] == stat.st_mtime_ns:
            digest = previous[2]
        else:
            digest = file_digest(source)
        destination = os.path.join(target, relative)
        reference_stat = stat_or_none(os.path.join(reference, relative)) if reference else None
        unchanged = previous is not None and previous[2] == digest and recorded_in_target(previous, reference_stat)
        # [size, mtime] of the work file (when to digest it again), its digest, and the mtime the
        # file has in the target (output_matches checks the target against it).
        files[relative] = [
            stat.st_size,
            stat.st_mtime_ns,
            digest,
            reference_stat.st_mtime_ns if unchanged else stat.st_mtime_ns,
        ]
        if not unchanged:
            (changed if previous else added).append(relative)
        if unchanged and in_place:
            continue
        os.makedirs(os.path.dirname(destination), exist_ok=True)
        if unchanged:
            link_or_copy(os.path.join(reference, relative), destination)
            continue
        with replacing(destination) as temporary:
            if linkable(relative):
                link_or_copy(source, temporary)
            else:
                shutil.copy2(source, temporary)
    removed = sorted(set(old) - set(files)) if trusted else []
    if in_place:
        for relative, path in list(work_files(target)):
            if relative not in files:
                os.remove(path)
        remove_empty_folders(target)
    diff = {"added": added, "removed": removed, "changed": changed} if trusted else None
    return {"target": os.path.abspath(target), "files": files}, diff


def link_or_copy(source: str, destination: str) -> None:
    """A hard link where the file system has them; a copy with the same mtime where it has not
    (Windows on a FAT or network drive): the same bytes, only more disk."""
    try:
        os.link(source, destination)
    except OSError:
        shutil.copy2(source, destination)
