"""The personal-data guard: before anything is written, scan every article, page and CSV cell.

A hit fails the build with file, line, column and the kind of data, showing the value masked, so
the build log itself never republishes what it found.
"""

from __future__ import annotations

import os

from pelican import signals

from portal_data import DataError, raise_if_any
from portal_data.content_files import csv_files, markdown_files
from portal_data.csv_source import read_csv_table

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


def scan_csv(path: str, shown: str, allowed, phone_words) -> list[DataError]:
    table, errors = read_csv_table(path, display_path=shown)
    if table is None:
        return errors  # a file that cannot be read cannot be checked, so it cannot be published
    phone_columns = {name for name in table.header if any(word in name for word in phone_words)}
    for row in table.rows:
        for number, name in enumerate(table.header, start=1):
            cell = row[name]
            for finding in find_personal_data(cell, plates=False):
                if name in phone_columns and finding.kind != MOBILE:
                    continue
                if not is_allowed(allowed, finding.digits, shown):
                    errors.append(_problem(shown, row.line + cell.count("\n", 0, finding.start), number, finding))
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
    raise_if_any(personal_data_problems(generator.settings))


def register():
    signals.page_generator_finalized.connect(guard_before_writing)
