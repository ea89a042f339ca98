"""Where something is in an editor's file, as (line, column) counting from 1, for error messages.

A column counts characters in text (what an editor's cursor shows) and bytes in undecoded data;
column 0 means "the whole line", as in DataError.
"""

from __future__ import annotations

import re


def line_column(text: str | bytes, offset: int) -> tuple[int, int]:
    """1-based (line, column) of the character (or byte) at `offset`."""
    newline = b"\n" if isinstance(text, bytes) else "\n"
    line = text.count(newline, 0, offset) + 1
    return line, offset - (text.rfind(newline, 0, offset) + 1) + 1


def toml_error_position(error: Exception) -> tuple[int, int]:
    """(line, column) that tomllib names in its error text; (1, 0) when it names none."""
    found = re.search(r"line (\d+), column (\d+)", str(error))
    return (int(found[1]), int(found[2])) if found else (1, 0)


def toml_table_lines(text: str, name: str) -> list[int]:
    """1-based line of every `[[name]]` header, in order: where each entry of that array starts."""
    header = f"[[{name}]]"
    return [number for number, line in enumerate(text.splitlines(), start=1) if line.replace(" ", "").strip() == header]


def toml_header_line(text: str, name: str) -> int:
    """1-based line of the `[name]` header (a comment may follow it); 0 when the file has none."""
    header = re.compile(rf"\s*\[\s*{re.escape(name)}\s*\]\s*(#.*)?")
    return next((number for number, line in enumerate(text.splitlines(), start=1) if header.fullmatch(line)), 0)


def toml_key_position(text: str, table_line: int, key: str) -> tuple[int, int]:
    """(line, column of the value) of `key = …` in the `[…]` table or `[[…]]` entry starting at
    `table_line`; (table_line, 0) when it does not write the key."""
    lines = text.splitlines()
    for number in range(table_line + 1, len(lines) + 1):
        line = lines[number - 1]
        if line.strip().startswith("["):
            break
        match = re.match(rf"\s*{re.escape(key)}\s*=\s*", line)
        if match:
            return number, match.end() + 1
    return table_line, 0
