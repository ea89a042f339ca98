"""Cells a spreadsheet would run as a formula: refused in an editor's CSV, neutralised in a download.

Excel, WPS and LibreOffice treat a cell that begins with `=`, `+`, `-` or `@` as a formula (and a
leading tab or carriage return hides one), so `=HYPERLINK("http://…";"点此查看")` in a 摘要 would
become a live link in the spreadsheet of a resident who opens our "Excel 可直接打开" download. A
disclosure has no place for formulas; a negative amount (`-120.00`) is data and stays allowed.
"""

from __future__ import annotations

FORMULA_STARTS = ("=", "+", "@", "\t", "\r")


def formula_start(cell: str) -> str | None:
    """The character that makes `cell` a formula to a spreadsheet, or None when it is plain data."""
    if cell[:1] in FORMULA_STARTS:
        return cell[0]
    if cell.startswith("-") and not cell[1:2].isdigit():
        return "-"
    return None


def neutralised(cell):
    """`cell` as a download writes it: text a spreadsheet would run gets a leading apostrophe (OWASP)."""
    if isinstance(cell, str) and formula_start(cell) is not None:
        return "'" + cell
    return cell


def shown(character: str) -> str:
    """How a message names the character, so an invisible tab or carriage return can be found."""
    return {"\t": "制表符（Tab）", "\r": "回车符"}.get(character, f"“{character}”")
