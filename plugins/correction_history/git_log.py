"""Read the committed history of one content folder from git in two calls, cached by HEAD.

At ten years' scale the finance folder holds about ten thousand files, so git never runs once
per file: one `git log --raw -M` lists every commit that touched the folder with each file's
old and new blob ids (renames followed), and one `git cat-file --batch` returns the contents of
the versions a correction changed. The parsed result is kept in the build cache under the HEAD
commit and the folder, so a rebuild with no new commit costs one `git rev-parse`.

What happens without a full history:
- the content is not in a git repository at all (a fixture site in a temporary folder, the
  generated benchmark site): no history is recorded yet; pages say so and the build goes on;
- a file that is untracked or only changed in the working tree: its committed history (if any)
  is shown, and pages of an untracked file say no history is recorded yet;
- a shallow clone: the history would be silently cut short, so the build fails and says how
  to fetch the whole history.
"""

from __future__ import annotations

import datetime as dt
import os
import pickle
import subprocess
from dataclasses import dataclass, field

from plugins.portal_data import DataError
from plugins.portal_data.atomic import write_atomically
from plugins.portal_data.file_cache import FOLDER as CACHE_FOLDER
from plugins.portal_data.file_cache import enabled as cache_enabled

FORMAT = 2
SHALLOW_MESSAGE = (
    "这是一个浅克隆（shallow clone）的仓库，没有完整的提交历史，无法生成“更正记录”和公开日期；"
    "请在仓库里运行 git fetch --unshallow 取回全部历史后再构建"
    "（GitHub Actions 的 actions/checkout 请设置 fetch-depth: 0）"
)
NO_GIT_MESSAGE = "内容在 git 仓库中，但找不到 git 命令；请安装 git 后再构建（更正记录和公开日期要从提交历史读取）"
_COMMIT = "\x1e"
_FIELD = "\x1f"
_LOG_FORMAT = "%x1e%H%x1f%ct%x1f%B%x1f"


@dataclass(frozen=True)
class Change:
    """One commit's change to one file: `old_blob` is None when the commit added the file."""

    commit: str
    time: dt.datetime  # aware, UTC; pages show it in Beijing time
    message: str
    path: str  # repository-relative path after the commit
    old_path: str | None  # the path before, when the commit renamed the file
    old_blob: str | None
    new_blob: str | None  # None when the commit deleted the file


@dataclass
class FileHistory:
    """A file's life in the repository, oldest change first; `changes[0]` is its first publication."""

    changes: list[Change] = field(default_factory=list)

    @property
    def first_published(self) -> dt.datetime:
        return self.changes[0].time

    @property
    def corrections(self) -> list[Change]:
        """Every change after the first publication that altered or moved the file."""
        return self.changes[1:]


@dataclass
class FolderHistory:
    """Histories by the current repository-relative path, plus the blob contents corrections need."""

    root: str | None  # the repository's top folder; None when the content is not in git
    head: str | None
    files: dict[str, FileHistory] = field(default_factory=dict)
    blobs: dict[str, bytes] = field(default_factory=dict)
    prefix: str = ""  # the folder read, relative to root
    cache_folder: str | None = field(default=None, compare=False)

    def derived(self, name: str, version: str, compute):
        """compute(), kept in the build cache beside this history (same HEAD and folder) under
        `name` and `version` (the digest of the code that computes it): page models made from the
        history are then not made again by a rebuild with no new commit."""
        if self.cache_folder is None or self.root is None:
            return compute()
        path = os.path.join(self.cache_folder, CACHE_FOLDER, f"correction-history-{name}.pickle")
        key = (FORMAT, self.root, self.head, self.prefix, version)
        value = _load(path, key)
        if value is None:
            value = compute()
            _save(path, key, value)
        return value

    def of(self, path: str) -> FileHistory | None:
        """The history of the file at `path` (absolute), None when it has none yet."""
        if self.root is None:
            return None
        return self.files.get(self.relative(path))

    def relative(self, path: str) -> str:
        """`path` as git names it. Both sides resolved: git gives the real top folder, and content
        reached through a symbolic link (macOS's /tmp, a linked checkout) must still be found."""
        return os.path.relpath(os.path.realpath(path), self.root).replace(os.sep, "/")


class HistoryError(Exception):
    """The history cannot be read (shallow clone, no git); str() is the editor's message."""


def _git(args: list[str], cwd: str, stdin: bytes | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(["git", *args], cwd=cwd, input=stdin, capture_output=True, check=False)


def repository_of(folder: str) -> tuple[str | None, str | None]:
    """(top folder, HEAD commit) of the repository holding `folder`; (None, None) when there is none.

    A repository without any commit yet has no history either. Raises HistoryError for a
    shallow clone, or when git is missing although the folder is inside a repository.
    """
    try:
        found = _git(["rev-parse", "--show-toplevel", "--is-shallow-repository", "--verify", "-q", "HEAD"], folder)
    except FileNotFoundError:
        if _inside_repository(folder):
            raise HistoryError(NO_GIT_MESSAGE) from None
        return None, None
    lines = found.stdout.decode("utf-8", "replace").splitlines()
    if len(lines) < 2:
        if _inside_repository(folder):  # e.g. git refuses a checkout owned by another user
            reason = found.stderr.decode("utf-8", "replace").strip()
            raise HistoryError(f"读取提交历史失败（git rev-parse）：{reason}")
        return None, None  # not a repository at all
    if lines[1] == "true":
        raise HistoryError(SHALLOW_MESSAGE)
    head = lines[2] if found.returncode == 0 and len(lines) > 2 else None
    return (os.path.realpath(lines[0]), head) if head else (None, None)


def _inside_repository(folder: str) -> bool:
    current = os.path.abspath(folder)
    while True:
        if os.path.exists(os.path.join(current, ".git")):
            return True
        parent = os.path.dirname(current)
        if parent == current:
            return False
        current = parent


def parse_log(output: str) -> list[tuple[str, dt.datetime, str, list[tuple[str, str | None, str, str, str]]]]:
    """`git log -z --raw` output -> [(commit, time, message, [(status, old path, path, old blob, new blob)])]."""
    commits = []
    for chunk in output.split(_COMMIT)[1:]:
        commit, seconds, message, raw = chunk.split(_FIELD, 3)
        tokens = [token for token in raw.lstrip("\0\n").split("\0") if token]
        entries, index = [], 0
        while index < len(tokens):
            meta = tokens[index].lstrip("\n").split()
            status = meta[4]
            if status[0] in "RC":
                old_path, path = tokens[index + 1], tokens[index + 2]
                index += 3
            else:
                old_path, path = None, tokens[index + 1]
                index += 2
            entries.append((status[0], old_path, path, meta[2], meta[3]))
        time = dt.datetime.fromtimestamp(int(seconds), dt.UTC)
        commits.append((commit, time, message.strip(), entries))
    return commits


def file_histories(commits) -> dict[str, FileHistory]:
    """Each current file's changes, following renames back to the file's first publication.

    `commits` is children before parents (git log --topo-order), so a rename is met before the
    older commits of the file under its old name. A name is followed back until the commit that
    added it; an older file that once had the same name and was deleted is a different file.
    """
    histories: dict[str, FileHistory] = {}
    following: dict[str, str] = {}  # path at this point in history -> the file's current path
    ended: set[str] = set()  # paths whose file was deleted in a later commit (not followed)
    for commit, time, message, entries in commits:
        for status, old_path, path, old_blob, new_blob in entries:
            if status == "D":
                ended.add(path)
                following.pop(path, None)
                continue
            current = following.get(path)
            if current is None:
                if path in ended or path in histories:
                    continue  # a deleted file's earlier life, or one already traced to its start
                current = path
            previous = old_path if status in "RC" else path
            change = Change(
                commit,
                time,
                message,
                path,
                old_path if status == "R" else None,
                None if status in "AC" else old_blob,
                new_blob,
            )
            histories.setdefault(current, FileHistory()).changes.insert(0, change)
            following.pop(path, None)
            if status in "MTR":
                following[previous] = current
    return histories


def read_folder_history(folder: str, cache_folder: str | None = None) -> FolderHistory:
    """The committed history of every file under `folder`; raises HistoryError (see module doc)."""
    root, head = repository_of(folder)
    if root is None:
        return FolderHistory(None, None)
    prefix = os.path.relpath(os.path.realpath(folder), root).replace(os.sep, "/")
    cache_path = os.path.join(cache_folder, CACHE_FOLDER, "correction-history.pickle") if cache_folder else None
    key = (FORMAT, root, head, prefix)
    cached = _load(cache_path, key)
    if cached is not None:
        cached.cache_folder = cache_folder
        return cached
    log = _git(
        ["log", "-z", "--raw", "-M", "--topo-order", "--no-abbrev", f"--format={_LOG_FORMAT}", "--", prefix], root
    )
    if log.returncode != 0:
        raise HistoryError(f"读取提交历史失败（git log）：{log.stderr.decode('utf-8', 'replace').strip()}")
    files = file_histories(parse_log(log.stdout.decode("utf-8", "replace")))
    wanted = sorted(
        {
            blob
            for history in files.values()
            for change in history.corrections
            for blob in (change.old_blob, change.new_blob)
            if blob
        }
    )
    history = FolderHistory(root, head, files, read_blobs(root, wanted), prefix)
    _save(cache_path, key, history)
    history.cache_folder = cache_folder
    return history


def read_blobs(root: str, blobs: list[str]) -> dict[str, bytes]:
    """The contents of `blobs`, all in one `git cat-file --batch`."""
    if not blobs:
        return {}
    found = _git(["cat-file", "--batch"], root, stdin="".join(f"{blob}\n" for blob in blobs).encode())
    data, position, contents = found.stdout, 0, {}
    for blob in blobs:
        end = data.index(b"\n", position)
        header = data[position:end].split()
        position = end + 1
        if len(header) < 3 or header[1] != b"blob":
            continue  # "<id> missing": leave it out; the change then shows no rows
        size = int(header[2])
        contents[blob] = data[position : position + size]
        position += size + 1
    return contents


def cache_folder_for(settings) -> str | None:
    """Where the history is cached: Pelican's cache folder when the content cache is on."""
    return settings["CACHE_PATH"] if cache_enabled(settings) else None


def history_or_error(folder: str, settings, shown: str) -> tuple[FolderHistory, list[DataError]]:
    """read_folder_history for a generator: a HistoryError becomes the build's one error."""
    try:
        return read_folder_history(folder, cache_folder_for(settings)), []
    except HistoryError as problem:
        return FolderHistory(None, None), [DataError(shown, 0, 0, "no-history", str(problem))]


def _load(path: str | None, key) -> FolderHistory | None:
    if path is None:
        return None
    try:
        with open(path, "rb") as handle:
            stored = pickle.load(handle)
        return stored.get(key)
    except Exception:  # noqa: BLE001 - an unreadable cache is simply rebuilt
        return None


def _save(path: str | None, key, value) -> None:
    if path is None:
        return
    try:
        stored = {}
        try:
            with open(path, "rb") as handle:
                stored = {k: v for k, v in pickle.load(handle).items() if k[1:2] != key[1:2] or k[3:] != key[3:]}
        except Exception:  # noqa: BLE001
            stored = {}
        stored[key] = value
        os.makedirs(os.path.dirname(path), exist_ok=True)
        write_atomically(path, pickle.dumps(stored, protocol=pickle.HIGHEST_PROTOCOL))
    except OSError:
        pass  # a cache that cannot be written costs time next build, never correctness
