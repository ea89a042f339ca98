"""Write the CSV and JSON downloads that disclosure pages offer.

CSV is UTF-8 with a BOM and CRLF line ends, because that is what makes Excel on a resident's
or auditor's computer open Chinese text correctly; JSON is UTF-8 without escaping Chinese.
"""

from __future__ import annotations

import csv
import io
import json
import os

from .atomic import write_atomically
from .formulas import neutralised


def csv_bytes(header: list[str], rows: list[list]) -> bytes:
    """Every text cell a spreadsheet would run as a formula is neutralised, however it got here."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([neutralised(cell) for cell in row] for row in rows)
    return b"\xef\xbb\xbf" + buffer.getvalue().encode("utf-8")


def json_bytes(document) -> bytes:
    return (json.dumps(document, ensure_ascii=False, indent=1, sort_keys=False) + "\n").encode("utf-8")


def write_download(output_path: str, relative_path: str, data: bytes) -> str:
    """Write `data` to output_path/relative_path, creating folders; returns the full path."""
    path = os.path.join(output_path, relative_path)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    if has_bytes(path, data):
        os.utime(path, ns=(os.stat(path).st_atime_ns, os.stat(path).st_mtime_ns))  # marks it as this build's
        return path  # unchanged: keep its mtime, so incremental builds and rsync skip it
    write_atomically(path, data)
    return path


def write_derived(writer, output_path: str, relative_path: str, inputs, produce) -> None:
    """Write `produce()` (bytes made from `inputs` alone) to output_path/relative_path.

    With the incremental writer (plugins/incremental_writer) the bytes are only produced when the
    digest of `inputs` changed since the last clean build; with Pelican's own writer, every time.
    """
    keyed = getattr(writer, "write_derived_file", None)
    if keyed is not None:
        keyed(relative_path, inputs, produce)
    else:
        write_download(output_path, relative_path, produce())


def has_bytes(path: str, data: bytes) -> bool:
    try:
        if os.path.getsize(path) != len(data):
            return False
        with open(path, "rb") as handle:
            return handle.read() == data
    except OSError:
        return False
