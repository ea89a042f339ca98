"""The `Key: value` block at the top of a Markdown file, read with each value's line and column.

Pelican's Markdown reader takes metadata through Python-Markdown's meta extension; the rules
here are that extension's, so what the checks see is what Pelican reads, and every message about
a key can point at the line and column an editor must change.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Python-Markdown's meta extension: a key line, and continuation lines indented by four spaces.
_META_LINE = re.compile(r"^[ ]{0,3}(?P<key>[A-Za-z0-9_-]+):\s*(?P<value>.*)$")
_META_MORE = re.compile(r"^[ ]{4,}(?P<value>.*)$")


@dataclass(frozen=True)
class Field:
    key: str  # lower-case, as Pelican stores it
    value: str
    line: int
    column: int  # where the value starts (1-based)


def parse_front_matter(text: str) -> tuple[dict[str, Field], int]:
    """The fields of the metadata block at the top of `text`, and the line just after the block."""
    fields: dict[str, Field] = {}
    key = None
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    number = 0
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            return fields, number
        match = _META_LINE.match(line)
        if match:
            key = match["key"].lower()
            value = match["value"].strip()
            fields[key] = Field(key, value, number, match.start("value") + 1)
        elif key and _META_MORE.match(line):
            previous = fields[key]
            joined = f"{previous.value}\n{line.strip()}".strip()
            fields[key] = Field(key, joined, previous.line, previous.column)
        else:
            return fields, number
    return fields, number + 1


def value_position(path: str, key: str) -> tuple[int, int] | None:
    """(line, column) where `key`'s value starts in the front matter of the file at `path`, or None
    when the key is absent or the file cannot be read (Pelican reports that itself)."""
    try:
        with open(path, encoding="utf-8-sig") as handle:  # Notepad's BOM is not part of the first key
            text = handle.read()
    except (OSError, UnicodeDecodeError):
        return None
    field = parse_front_matter(text)[0].get(key.lower())
    return (field.line, field.column) if field else None
