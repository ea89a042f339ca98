"""Links between editors' files: `{filename}` / `{static}` / `{attach}` targets must exist, and a
`Template:` must name a template the theme has.

Pelican itself only logs "Unable to find …" without saying which article holds the link; these
checks point at the file, line and column.
"""

from __future__ import annotations

import os
import re

from plugins.portal_data import DataError
from plugins.portal_data.positions import line_column

from .images import image_spans, target_problem

_INTERNAL = re.compile(
    r"(?P<prefix>\{(?:filename|static|attach)\}|\|(?:filename|static|attach)\|)(?P<target>[^)\s\"'>#?]*)"
)


def link_references(text: str) -> list[tuple[int, int, str, str]]:
    """(line, column, as written, target) of every `{filename}`-style link that is not an image."""
    images = image_spans(text)  # images are checked (with their alt text) in images.py
    found = []
    for match in _INTERNAL.finditer(text):
        target = match["target"]
        if not target or any(start <= match.start() < end for start, end in images):
            continue
        found.append((*line_column(text, match.start()), match.group(0), target))
    return found


def check_link_references(shown_path: str, references, source_file: str, content_root: str):
    """Whether a target exists is decided on every build: it is another file."""
    for line, column, written, target in references:
        base = content_root if target.startswith("/") else os.path.dirname(source_file)
        resolved = os.path.normpath(os.path.join(base, target.lstrip("/")))
        missing = (
            "broken-link",
            lambda where, written=written: (
                f"链接的文件“{written}”不存在（应在 {where}）；"
                "请检查文件名，或改为存在的文章（例：{filename}/news/2020-07-08/lottery-jackpot.md）"
            ),
        )
        problem = target_problem(shown_path, line, column, written, resolved, content_root, missing)
        if problem:
            yield problem


def check_template(shown_path: str, field, template_folders: list[str]):
    """`Template: name` must match theme/templates/name.html."""
    if field is None or not field.value:
        return
    if not any(os.path.isfile(os.path.join(folder, f"{field.value}.html")) for folder in template_folders):
        yield DataError(
            shown_path,
            field.line,
            field.column,
            "missing-template",
            f"Template “{field.value}”在主题里不存在（theme/templates/{field.value}.html）；请删除这一行，使用默认版式",
        )
