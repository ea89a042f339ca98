"""Whole numbers as editors write them in a cell or a metadata line (序号, 时限, Edition_Position).

Only ASCII digits count: int() would also take full-width digits and signs, and str.isdigit()
takes superscripts such as ², which int() then refuses.
"""

from __future__ import annotations

import re

_WHOLE = re.compile(r"[0-9]+")


def whole_number(text: str) -> int | None:
    """'12' -> 12; anything but ASCII digits (after trimming spaces) -> None."""
    text = text.strip()
    return int(text) if _WHOLE.fullmatch(text) else None
