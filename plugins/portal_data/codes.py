"""The one rule for an ASCII code that becomes part of a web address: article slugs, village,
town and department codes, section slugs.

A code is lower-case ASCII letters and digits in groups joined by single hyphens
(`giant-apple-melon`, `xiangshui`, `2020-flood`): what every browser, WeChat and a shell copy
without escaping, and what no two editors can spell differently. Editors write it themselves,
because pinyin made from Chinese goes wrong on polyphones.
"""

from __future__ import annotations

import re
import unicodedata

_CODE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_NOT_CODE = re.compile(r"[^a-z0-9]+")


def is_code(text: str) -> bool:
    return _CODE.fullmatch(text) is not None


def code_problem(text: str, example: str) -> str:
    """'' when `text` is a code; else the Chinese message (after the field's name), with the
    corrected form when it is clear (`Giant_Apple` -> `giant-apple`)."""
    if is_code(text):
        return ""
    corrected = suggested_code(text)
    if corrected:
        return f"“{text}”不能用作网址；应写成 {corrected}（只用小写英文字母、数字和连字符）"
    return f"“{text}”不能用作网址；只能用小写英文字母、数字和连字符（例：{example}）"


def suggested_code(text: str) -> str | None:
    """The code an editor most likely meant, or None when `text` is not ASCII (pinyin is theirs to choose)."""
    plain = unicodedata.normalize("NFKC", text).strip()
    if not plain.isascii():
        return None
    corrected = _NOT_CODE.sub("-", plain.lower()).strip("-")
    return corrected if is_code(corrected) else None
