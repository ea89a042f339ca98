"""Walking a folder: every file under it, in a fixed order, with its path relative to the root.

Every walk of the build: tree_files for the files (the content digests, the output's stale files,
the sync, the report, precompression, the checks' file lists, the search shards' pages), straight
from os.scandir because at ten years' scale os.walk and a path join per file were most of a sync's
walk; and remove_empty_folders, the one walk that is about folders rather than files.
"""

from __future__ import annotations

import os


def tree_files(root: str, follow_links: bool = False, skip_hidden: bool = False, skip_folders=()):
    """(`/`-separated path relative to root, full path) of every file under root, in os.walk's
    order (a folder's files by name, then its folders by name). A link to a folder is entered
    only when `follow_links`; `skip_hidden` leaves out names starting with a dot; the folders
    whose relative paths are in `skip_folders` are not entered."""
    root = os.path.abspath(root)
    prefix = len(root.rstrip(os.sep)) + 1  # os.path.relpath per file was a third of a sync
    pending = [root]
    while pending:
        folder = pending.pop()
        try:
            with os.scandir(folder) as listing:
                entries = sorted(listing, key=lambda entry: entry.name)
        except OSError:  # as os.walk: a folder that vanished or cannot be read is skipped
            continue
        folders = []
        for entry in entries:
            if skip_hidden and entry.name.startswith("."):
                continue
            try:
                is_folder = entry.is_dir()  # as os.walk: a link to a folder is a folder,
            except OSError:
                is_folder = False
            if is_folder:
                if (follow_links or not entry.is_symlink()) and (
                    not skip_folders or entry.path[prefix:].replace(os.sep, "/") not in skip_folders
                ):
                    folders.append(entry.path)
            else:
                yield entry.path[prefix:].replace(os.sep, "/"), entry.path
        pending.extend(reversed(folders))


def remove_empty_folders(root: str) -> None:
    """Remove every folder under root (not root) that holds no file, however deep: a withdrawn
    article's folder must go too, or the server would list or redirect it. Bottom up (os.walk's
    own order for that), a folder is empty when it holds no file and every folder in it was
    removed: the walk's listing says so, without listing each of the ~25,000 folders of a ten-year
    site again."""
    removed: set[str] = set()
    for base, dirs, names in os.walk(root, topdown=False):
        if base != root and not names and all(os.path.join(base, name) in removed for name in dirs):
            os.rmdir(base)
            removed.add(base)
