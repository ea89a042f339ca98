"""The personal-data guard: before anything is written, scan every article, page and CSV cell.

A hit fails the build with file, line, column and the kind of data, showing the value masked, so
the build log itself never republishes what it found.
"""

from __future__ import annotations

import csv
import io
import os

from pelican import signals

from portal_data import DataError, collect_problems, raise_collected_problems
from portal_data.content_files import csv_files, markdown_files
from portal_data.csv_source import decode_text

from .allowlist import is_allowed, load_allowlist
from .detectors import KIND_NAMES, MOBILE, Finding, find_personal_data

DEFAULTS = {
    # Relative to PATH (content/); reviewed entries for genuine official numbers.
    "PERSONAL_DATA_ALLOWLIST": "personal-data-allowlist.toml",
    # A CSV column whose header contains one of these holds official phone lines: only the
    # mobile detector runs there (landlines with extensions are not mistaken for card numbers).
    "PERSONAL_DATA_PHONE_COLUMN_WORDS": ["电话", "热线", "座机", "传真"],
}


def guard_settings(settings: dict) -> dict:
    return {key: settings.get(key, default) for key, default in DEFAULTS.items()}


def _problem(shown: str, line: int, column: int, finding: Finding) -> DataError:
    name = KIND_NAMES[finding.kind]
    return DataError(
        shown, line, column, f"personal-data-{finding.kind}",
        f"疑似{name} {finding.masked()}：个人信息不得公开；请删除或改为打码（如 {finding.masked()}）。"
        "确属公开的公务号码，经审核后登记在 content/personal-data-allowlist.toml",
    )


def scan_text(shown: str, text: str, allowed) -> list[DataError]:
    """Findings in a Markdown source; line and column count characters as an editor's editor does."""
    errors = []
    for finding in find_personal_data(text, plates=True):
        if is_allowed(allowed, finding.digits, shown):
            continue
        line = text.count("\n", 0, finding.start) + 1
        column = finding.start - (text.rfind("\n", 0, finding.start) + 1) + 1
        errors.append(_problem(shown, line, column, finding))
    return errors


def csv_cells(path: str):
    """(line, column, header name, cell) for every non-empty cell, however malformed the file.

    Format problems are not the guard's to report (the plugin that publishes the file does, and the
    guard must not hide its messages by failing first), but every byte must still be scanned: an
    undecodable byte becomes U+FFFD and a file the csv module rejects is scanned line by line.
    """
    with open(path, "rb") as handle:
        data = handle.read()
    try:
        text, _ = decode_text(data)
    except UnicodeDecodeError:
        text = data.decode("utf-8", errors="replace")
    text = text.lstrip("\ufeff")
    reader = csv.reader(io.StringIO(text, newline=""))
    header: list[str] | None = None
    line, found = 1, []
    try:
        for cells in reader:
            if header is None and any(cell.strip() for cell in cells):
                header = [cell.strip() for cell in cells]
            for number, cell in enumerate(cells, start=1):
                name = header[number - 1] if header and number <= len(header) else ""
                found.append((line, number, name, cell))
            line = reader.line_num + 1
    except csv.Error:
        return [(number, 0, "", raw) for number, raw in enumerate(text.splitlines(), start=1)]
    return found


def scan_csv(path: str, shown: str, allowed, phone_words) -> list[DataError]:
    errors = []
    for line, column, name, cell in csv_cells(path):
        in_phone_column = any(word in name for word in phone_words)
        for finding in find_personal_data(cell, plates=False):
            if in_phone_column and finding.kind != MOBILE:
                continue
            if not is_allowed(allowed, finding.digits, shown):
                errors.append(_problem(shown, line + cell.count("\n", 0, finding.start), column, finding))
    return errors


def personal_data_problems(settings: dict) -> list[DataError]:
    config = guard_settings(settings)
    content = os.path.abspath(settings["PATH"])
    allow_path = os.path.join(content, config["PERSONAL_DATA_ALLOWLIST"])
    allowed, errors = load_allowlist(allow_path, os.path.relpath(allow_path, content))
    for item in markdown_files(settings):
        errors += scan_text(item.shown, item.read_text(), allowed)
    for item in csv_files(settings):
        errors += scan_csv(item.path, item.shown, allowed, config["PERSONAL_DATA_PHONE_COLUMN_WORDS"])
    return sorted(errors)


def guard_before_writing(generator) -> None:
    """page_generator_finalized: every source has been read, nothing has been written."""
    collect_problems(generator.context, personal_data_problems(generator.settings))


def register():
    signals.page_generator_finalized.connect(guard_before_writing)
    signals.all_generators_finalized.connect(raise_collected_problems)
