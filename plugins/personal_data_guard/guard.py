"""The personal-data guard: before anything is written, scan every article, page and CSV cell.

A hit fails the build with file, line, column and the kind of data, showing the value masked, so
the build log itself never republishes what it found.
"""

from __future__ import annotations

import csv
import io
import os
import re
import sys

from plugins.portal_data import DataError, collect_problems, connect_source_check, csv_source, positions
from plugins.portal_data.content_files import csv_files, markdown_files
from plugins.portal_data.csv_source import decode_text
from plugins.portal_data.file_cache import FileCache, as_text
from plugins.portal_data.plugin_settings import plugin_settings
from plugins.portal_data.positions import line_column
from plugins.portal_data.source_checks import problems_found

from . import detectors
from .allowlist import is_allowed, load_allowlist
from .detectors import KIND_NAMES, MOBILE, Finding, find_personal_data

DEFAULTS = {
    # Relative to PATH (content/); reviewed entries for genuine official numbers.
    "PERSONAL_DATA_ALLOWLIST": "personal-data-allowlist.toml",
    # A CSV column whose header contains one of these holds official phone lines: only the
    # mobile detector runs there (landlines with extensions are not mistaken for card numbers).
    "PERSONAL_DATA_PHONE_COLUMN_WORDS": ["电话", "热线", "座机", "传真"],
}


def guard_settings(settings: dict) -> tuple[dict, list[DataError]]:
    return plugin_settings(settings, DEFAULTS)


def _problem(shown: str, line: int, column: int, finding: Finding) -> DataError:
    name = KIND_NAMES[finding.kind]
    return DataError(
        shown,
        line,
        column,
        f"personal-data-{finding.kind}",
        f"疑似{name} {finding.masked()}：个人信息不得公开；请删除或改为打码（如 {finding.masked()}）。"
        "确属公开的公务号码，经审核后登记在 content/personal-data-allowlist.toml",
    )


def text_findings(text: str) -> list[tuple[int, int, Finding]]:
    """(line, column, finding) in a Markdown source; columns count characters as an editor's editor does."""
    return [(*line_column(text, finding.start), finding) for finding in find_personal_data(text, plates=True)]


def _not_allowed(shown: str, findings, allowed) -> list[DataError]:
    """The allow-list is applied on every build, so editing it takes effect without re-scanning files."""
    return [
        _problem(shown, line, column, finding)
        for line, column, finding in findings
        if not is_allowed(allowed, finding.digits, shown)
    ]


def scan_text(shown: str, text: str, allowed) -> list[DataError]:
    return _not_allowed(shown, text_findings(text), allowed)


def csv_text(data: bytes) -> str:
    """A CSV file's text as the guard scans it: an undecodable byte becomes U+FFFD."""
    try:
        text, _ = decode_text(data)
    except UnicodeDecodeError:
        text = data.decode("utf-8", errors="replace")
    return text.lstrip("\ufeff")


def csv_cells(data: bytes):
    """(line, column, header name, cell) for every non-empty cell of a CSV file's bytes, however malformed.

    Format problems are not the guard's to report (the plugin that publishes the file does, and the
    guard must not hide its messages by failing first), but every byte must still be scanned: an
    undecodable byte becomes U+FFFD and a file the csv module rejects is scanned line by line.
    """
    text = csv_text(data)
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


# Every pattern the CSV scan uses needs at least 11 digits with nothing but spaces or hyphens
# between them (a mobile has 11, an ID 17 and a check character, a card 16 or more). In a file's
# text, CSV quoting can only add quote marks between them, so this finds every such run.
_LONG_DIGIT_RUN = re.compile(r'\d(?:[- "]*\d){10}')


def csv_findings(data: bytes, phone_words) -> list[tuple[int, int, Finding]]:
    # Most files hold nothing: a file without such a run cannot have a finding in any cell, and
    # settles in one scan; any other file is read cell by cell.
    if not _LONG_DIGIT_RUN.search(csv_text(data)):
        return []
    found = []
    for line, column, name, cell in csv_cells(data):
        in_phone_column = any(word in name for word in phone_words)
        for finding in find_personal_data(cell, plates=False):
            if not (in_phone_column and finding.kind != MOBILE):
                found.append((line + line_column(cell, finding.start)[0] - 1, column, finding))  # a cell may span lines
    return found


def personal_data_problems(settings: dict) -> list[DataError]:
    config, errors = guard_settings(settings)
    if errors:
        return errors
    content = os.path.abspath(settings["PATH"])
    allow_path = os.path.join(content, config["PERSONAL_DATA_ALLOWLIST"])
    allowed, errors = load_allowlist(allow_path, os.path.relpath(allow_path, content))
    phone_words = tuple(config["PERSONAL_DATA_PHONE_COLUMN_WORDS"])
    # Findings before the allow-list are what one file says; they are cached per file.
    cache = FileCache.for_settings(settings, "personal-data", detectors, csv_source, positions, sys.modules[__name__])
    for item in markdown_files(settings):
        findings = cache.get(item.path, item.shown, "markdown", lambda data: text_findings(as_text(data)))
        errors += _not_allowed(item.shown, findings, allowed)
    for item in csv_files(settings):
        findings = cache.get(item.path, item.shown, ("csv", phone_words), lambda data: csv_findings(data, phone_words))
        errors += _not_allowed(item.shown, findings, allowed)
    cache.save()
    return sorted(errors)


def guard_before_writing(generator) -> None:
    """page_generator_finalized: every source has been read, nothing has been written."""
    collect_problems(generator.context, problems_found(generator, personal_data_problems))


def register():
    connect_source_check(guard_before_writing, ahead=personal_data_problems)
