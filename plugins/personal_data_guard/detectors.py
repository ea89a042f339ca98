"""Recognise personal data in text: ID card, mobile and bank card numbers, licence plates.

Each detector is strict about shape and checksum, because a false alarm on a lottery draw number
or a station code teaches editors to ignore the guard.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

ID_CARD, MOBILE, BANK_CARD, PLATE = "id-card", "mobile", "bank-card", "licence-plate"
KIND_NAMES = {ID_CARD: "身份证号", MOBILE: "手机号", BANK_CARD: "银行卡号", PLATE: "完整车牌号"}

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
# A run of digits not inside a longer run (digits, or a letter X glued to an ID).
_ID = re.compile(r"(?<![0-9])[1-9]\d{16}[0-9Xx](?![0-9A-Za-z])")
# Mobiles as people write them: 13812345678, 138-1234-5678, 138 1234 5678, +86 138…
_MOBILE = re.compile(r"(?<![0-9])(?:(?:\+|00)86[- ]?)?1[3-9]\d(?:[- ]?\d{4}){2}(?![0-9])")
_BANK = re.compile(r"(?<![0-9])\d{4}(?:[ -]?\d{4}){3}(?:[ -]?\d{1,3})?(?![0-9])")
_PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
# Ordinary plates: 湘B12345 (5 characters); new-energy plates: 湘BD12345 (6). No I or O on plates.
_PLATE = re.compile(rf"[{_PROVINCES}][A-HJ-NP-Z][·•\s]?[A-HJ-NP-Z0-9]{{5,6}}(?![A-Za-z0-9])")


@dataclass(frozen=True)
class Finding:
    kind: str
    value: str  # exactly as written
    start: int  # offset in the scanned text

    @property
    def digits(self) -> str:
        """The value without separators (and without a +86 prefix), as the allow-list stores it."""
        bare = re.sub(r"[^0-9Xx\u4e00-\u9fffA-Z]", "", self.value).upper()
        return bare[-11:] if self.kind == MOBILE else bare

    def masked(self) -> str:
        return mask(self.digits)


def id_check_digit_ok(number: str) -> bool:
    total = sum(int(digit) * weight for digit, weight in zip(number[:17], _ID_WEIGHTS))
    return _ID_CHECK[total % 11] == number[17].upper()


def luhn_ok(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


def mask(value: str) -> str:
    """4302**********1234 for long numbers, 138****5678 for mobiles, 湘B****5 for plates."""
    if len(value) >= 16:
        keep_start, keep_end = 4, 4
    elif len(value) >= 11:
        keep_start, keep_end = 3, 4
    else:
        keep_start, keep_end = 2, 1
    return value[:keep_start] + "*" * (len(value) - keep_start - keep_end) + value[-keep_end:]


def _is_plate(text: str) -> bool:
    tail = re.sub(r"[·•\s]", "", text)[2:]
    # A real plate carries at least three digits; this keeps words like 湘BAKERY out.
    return sum(char.isdigit() for char in tail) >= 3


def find_personal_data(text: str, plates: bool = True) -> list[Finding]:
    """Every finding in `text`, in order; a span is reported once, as its most specific kind."""
    found: list[Finding] = []
    taken: list[range] = []

    def add(kind, match):
        span = range(match.start(), match.end())
        if not any(span.start < other.stop and other.start < span.stop for other in taken):
            taken.append(span)
            found.append(Finding(kind, match.group(0), match.start()))

    for match in _ID.finditer(text):
        if id_check_digit_ok(match.group(0)):
            add(ID_CARD, match)
    for match in _BANK.finditer(text):
        digits = re.sub(r"\D", "", match.group(0))
        if 16 <= len(digits) <= 19 and luhn_ok(digits):
            add(BANK_CARD, match)
    for match in _MOBILE.finditer(text):
        add(MOBILE, match)
    if plates:
        for match in _PLATE.finditer(text):
            if _is_plate(match.group(0)):
                add(PLATE, match)
    return sorted(found, key=lambda finding: finding.start)
