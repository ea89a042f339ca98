"""The reviewed allow-list: genuine official numbers (a 监督电话 that is a mobile, say) that may be published.

Each entry names the value, the one file it may appear in, why, who reviewed it and when, so an
entry can never silently widen to other files.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass

from plugins.portal_data import DataError
from plugins.portal_data.positions import toml_table_lines
from plugins.portal_data.toml_source import parse_toml

REQUIRED_KEYS = ("value", "file", "reason", "reviewer", "date")
EXAMPLE = (
    '[[allow]]\nvalue = "13907330000"\nfile = "disclosures/supervision.csv"\n'
    'reason = "村监委会公开的监督电话"\nreviewer = "李某"\ndate = 2024-05-01'
)


@dataclass(frozen=True)
class Allowed:
    value: str  # without separators, as detectors.Finding.digits gives it
    file: str  # relative to content/, as the build shows paths
    reason: str
    reviewer: str
    date: dt.date


def normalise(value: str) -> str:
    return re.sub(r"[\s\-·•+]", "", value).upper()


def load_allowlist(path: str, shown: str) -> tuple[list[Allowed], list[DataError]]:
    """Read the allow-list (a missing file means nothing is allowed)."""
    if not os.path.isfile(path):
        return [], []
    with open(path, "rb") as handle:
        raw = handle.read()
    text = raw.decode("utf-8", errors="replace")
    document, errors = parse_toml(
        text, shown, "bad-allowlist", "允许清单格式错误（{problem}）；每条应写成：\n" + EXAMPLE
    )
    if document is None:
        return [], errors
    entries, errors = [], []
    lines = toml_table_lines(text, "allow")
    for index, entry in enumerate(document.get("allow", [])):
        line = lines[index] if index < len(lines) else 1
        missing = [key for key in REQUIRED_KEYS if not str(entry.get(key, "")).strip()]
        if missing or not isinstance(entry.get("date"), dt.date):
            errors.append(
                DataError(
                    shown,
                    line,
                    1,
                    "bad-allowlist",
                    "这一条缺少 "
                    + "、".join(missing or ["date（应为 2024-05-01 这样的日期，不加引号）"])
                    + f"；每条都要写明号码、文件、理由、审核人和日期：\n{EXAMPLE}",
                )
            )
            continue
        entries.append(
            Allowed(
                normalise(str(entry["value"])), entry["file"].strip(), entry["reason"], entry["reviewer"], entry["date"]
            )
        )
    return entries, errors


def is_allowed(allowed: list[Allowed], value: str, shown_path: str) -> bool:
    wanted = normalise(value)
    return any(entry.value == wanted and entry.file == shown_path for entry in allowed)
