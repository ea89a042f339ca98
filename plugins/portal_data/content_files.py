"""Which editors' files a build reads, found the way Pelican finds them, for checks that read sources.

The checks (content checks, personal-data guard, unsafe-HTML refusal) read the files themselves so
that `invoke check` runs without building and every problem has a real line and column.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from .tree import tree_files

MARKDOWN_EXTENSIONS = (".md", ".markdown", ".mkd", ".mdown")


@dataclass(frozen=True)
class ContentFile:
    path: str  # absolute
    shown: str  # relative to the content folder, as editors see it in the repository
    kind: str  # "article" or "page"

    def read_text(self) -> str:
        with open(self.path, encoding="utf-8-sig", errors="replace") as handle:
            return handle.read()


def _walk(content: str, sub: str, extensions: tuple[str, ...]):
    """(path relative to `content`, as the OS writes it; full path) of each file under content/sub
    with one of `extensions`. The relative path is put together from the walk's own: one
    os.path.relpath per file was most of listing ten thousand articles, three times a build."""
    root = os.path.join(content, sub)
    if os.path.isfile(root):
        yield os.path.relpath(root, content), root
        return
    prefix = os.path.relpath(root, content)
    prefix = "" if prefix == os.curdir else prefix + os.sep
    for relative, path in tree_files(root, skip_hidden=True):
        if path.lower().endswith(extensions):
            yield prefix + relative.replace("/", os.sep), path


def markdown_files(settings: dict) -> list[ContentFile]:
    """Every Markdown article and page under PATH; a file under PAGE_PATHS is a page, as in Pelican."""
    content = os.path.abspath(settings["PATH"])
    pages = dict(found for sub in settings.get("PAGE_PATHS", []) for found in _walk(content, sub, MARKDOWN_EXTENSIONS))
    articles = dict(
        found for sub in settings.get("ARTICLE_PATHS", []) for found in _walk(content, sub, MARKDOWN_EXTENSIONS)
    )
    found = [ContentFile(path, shown, "page") for shown, path in pages.items()]
    found += [ContentFile(path, shown, "article") for shown, path in articles.items() if shown not in pages]
    return sorted(found, key=lambda item: item.shown)


def csv_files(settings: dict) -> list[ContentFile]:
    """Every .csv anywhere under PATH: whichever plugin publishes it, it is published."""
    content = os.path.abspath(settings["PATH"])
    return [ContentFile(path, shown, "csv") for shown, path in _walk(content, "", (".csv",))]
