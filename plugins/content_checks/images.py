"""Image checks: every picture an article shows exists in content/ and says what it shows (alt text).

Elderly readers with screen readers depend on alt text, and the site promises to load nothing
from third parties, so an image on another server is refused too.
"""

from __future__ import annotations

import os
import re
from urllib.parse import unquote

from plugins.portal_data import DataError
from plugins.portal_data.positions import line_column

_MARKDOWN_IMAGE = re.compile(r"!\[(?P<alt>[^\]]*)\]\(\s*<?(?P<src>[^)\s>]*)>?(?:\s+[\"'][^\"']*[\"'])?\s*\)")
_HTML_IMAGE = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
_ATTRIBUTE = r"\b{name}\s*=\s*(?:\"(?P<q>[^\"]*)\"|'(?P<s>[^']*)'|(?P<b>[^\s>]+))"
_PELICAN_PREFIX = re.compile(r"^(?:\{(?:static|attach|filename)\}|\|(?:static|attach|filename)\|)")


def _attribute(tag: str, name: str) -> str | None:
    match = re.search(_ATTRIBUTE.format(name=name), tag, re.IGNORECASE)
    if not match:
        return None
    return next(value for value in match.group("q", "s", "b") if value is not None)


def find_images(text: str):
    """(offset, src, alt or None) for every Markdown and HTML image in `text`."""
    for match in _MARKDOWN_IMAGE.finditer(text):
        yield match.start(), match["src"], match["alt"]
    for match in _HTML_IMAGE.finditer(text):
        tag = match.group(0)
        yield match.start(), _attribute(tag, "src") or "", _attribute(tag, "alt")


def image_spans(text: str) -> list[tuple[int, int]]:
    return [match.span() for pattern in (_MARKDOWN_IMAGE, _HTML_IMAGE) for match in pattern.finditer(text)]


def resolve(src: str, source_file: str, content_root: str) -> str | None:
    """The file in content/ that `src` refers to, or None when it points off the site."""
    if re.match(r"^(?:[a-z][a-z0-9+.-]*:|//)", src, re.IGNORECASE) and not _PELICAN_PREFIX.match(src):
        return None
    path = unquote(_PELICAN_PREFIX.sub("", src).split("#")[0].split("?")[0])
    if path.startswith("/"):
        return os.path.normpath(os.path.join(content_root, path.lstrip("/")))
    return os.path.normpath(os.path.join(os.path.dirname(source_file), path))


def leaves_content(path: str, content_root: str) -> bool:
    """Whether a resolved link target lies outside content/: the build copies what a link names, so a
    link out of content/ could publish any file of the machine (`{static}/../../../etc/passwd`)."""
    root = os.path.normpath(os.path.abspath(content_root))
    return os.path.commonpath([root, os.path.normpath(os.path.abspath(path))]) != root


def outside_content_error(shown_path: str, line: int, column: int, written: str):
    return DataError(
        shown_path,
        line,
        column,
        "outside-content",
        f"“{written}”指向 content/ 以外的文件；只能引用 content/ 里的文章、页面和图片，"
        "请把文件放进 content/ 再引用（例：{static}/images/文件名.jpg）",
    )


def target_problem(shown_path: str, line: int, column: int, written: str, target: str, content_root: str, missing):
    """What is wrong with a resolved image or link target: outside content/, or not there
    (`missing` is (code, message(target relative to content/))); None when it is fine."""
    if leaves_content(target, content_root):
        return outside_content_error(shown_path, line, column, written)
    if not os.path.isfile(target):
        code, message = missing
        return DataError(shown_path, line, column, code, message(os.path.relpath(target, content_root)))
    return None


def image_references(text: str) -> list[tuple[int, int, str, str | None]]:
    """(line, column, src, alt or None) of every image: what one file says, cacheable per file."""
    return [(*line_column(text, offset), src, alt) for offset, src, alt in find_images(text)]


def check_image_references(shown_path: str, references, source_file: str, content_root: str):
    """Whether each image exists is decided on every build: the picture is another file."""
    for line, column, src, alt in references:
        if src.startswith("data:"):
            pass
        elif not src:
            yield DataError(
                shown_path,
                line,
                column,
                "missing-image-src",
                "图片没有写地址；应写成 ![图片说明]({static}/images/文件名.jpg)",
            )
        else:
            target = resolve(src, source_file, content_root)
            if target is None:
                yield DataError(
                    shown_path,
                    line,
                    column,
                    "external-image",
                    f"图片“{src}”在别的网站上；请把图片放进 content/images/ 再用 {{static}}/images/… 引用",
                )
            else:
                missing = (
                    "missing-image",
                    lambda where, src=src: f"找不到图片“{src}”（应在 {where}）；请检查文件名和文件夹",
                )
                problem = target_problem(shown_path, line, column, src, target, content_root, missing)
                if problem:
                    yield problem
        if alt is None or not alt.strip():
            yield DataError(
                shown_path,
                line,
                column,
                "missing-alt",
                '图片没有替代文字；请在 ![ ] 的方括号里（或 alt="…"）用一句话写图片内容，供读屏软件朗读',
            )
