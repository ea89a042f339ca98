"""Writing a file safely: into a uniquely named temporary file beside it, then one rename over it.

Every file the build writes goes through here. A reader (nginx, rsync, the next build) sees the
old file or the new one, never half of one; a file hard-linked into a live release is never
written through, because the rename gives the path a new inode and leaves the old one alone; two
processes writing the same path never share a temporary name; and when writing fails, the
temporary file is removed and the old file stays as it was.
"""

from __future__ import annotations

import contextlib
import os
import shutil

from . import fast_json
from .collector import collector_paused

TEMPORARY_SUFFIX = ".tmp"


def temporary_name(path: str) -> str:
    """A name beside `path`, different in every process and every call (hidden, ends in .tmp)."""
    folder, name = os.path.split(path)
    return os.path.join(folder, f".{name}.{os.getpid()}-{os.urandom(4).hex()}{TEMPORARY_SUFFIX}")


@contextlib.contextmanager
def replacing(path: str):
    """Yields a temporary path for the caller to create (write, link, copy, symlink); when the
    block ends without an exception it is renamed over `path`, otherwise it is removed."""
    temporary = temporary_name(path)
    try:
        yield temporary
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.remove(temporary)
        raise


def remove_folder(path: str) -> None:
    """Remove a folder and what is in it; one already gone is no error."""
    shutil.rmtree(path, ignore_errors=True)


def replace_folder(new_path: str, final_path: str, remove=remove_folder) -> None:
    """Put the finished folder `new_path` at `final_path` by rename; the folder it replaces is moved
    aside first and handed to `remove` only once the new one is in place, so `final_path` is missing
    only between two renames and files hard-linked into a live release are never written through."""
    if os.path.isdir(final_path):
        old_path = f"{final_path}.old-{os.getpid()}"
        os.rename(final_path, old_path)
        os.rename(new_path, final_path)
        remove(old_path)
    else:
        os.rename(new_path, final_path)


def write_atomically(path: str, data: bytes | str, *, mtime_ns: int | None = None) -> None:
    """Replace `path` with `data` (str is written as UTF-8); `mtime_ns` sets both of its times."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    with replacing(path) as temporary:
        # O_EXCL: never write into a file that already exists; mode 0o666 minus the umask, as open().
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
        if mtime_ns is not None:
            os.utime(temporary, ns=(mtime_ns, mtime_ns))


def write_json_atomically(path: str, document, sort_keys: bool = False) -> None:
    """`document` as compact UTF-8 JSON (fast_json: the manifest and render keys of a ten-year site
    took json's encoder half a second)."""
    with collector_paused():  # the encoder's bookkeeping would start full collections
        data = fast_json.dumps(document, sort_keys=sort_keys)
    write_atomically(path, data)
