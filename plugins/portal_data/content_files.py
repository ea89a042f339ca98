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


def _walk(root: str, extensions: tuple[str, ...]):
    if os.path.isfile(root):
        yield root
        return
    for _relative, path in tree_files(root, skip_hidden=True):
        if path.lower().endswith(extensions):
            yield path


def markdown_files(settings: dict) -> list[ContentFile]:
    """Every Markdown article and page under PATH; a file under PAGE_PATHS is a page, as in Pelican."""
    content = os.path.abspath(settings["PATH"])
    pages = {
        path
        for sub in settings.get("PAGE_PATHS", [])
        for path in _walk(os.path.join(content, sub), MARKDOWN_EXTENSIONS)
    }
    articles = {
        path
        for sub in settings.get("ARTICLE_PATHS", [])
        for path in _walk(os.path.join(content, sub), MARKDOWN_EXTENSIONS)
    }
    found = [ContentFile(p, os.path.relpath(p, content), "page") for p in pages]
    found += [ContentFile(p, os.path.relpath(p, content), "article") for p in articles - pages]
    return sorted(found, key=lambda item: item.shown)


def csv_files(settings: dict) -> list[ContentFile]:
    """Every .csv anywhere under PATH: whichever plugin publishes it, it is published."""
    content = os.path.abspath(settings["PATH"])
    return [ContentFile(p, os.path.relpath(p, content), "csv") for p in _walk(content, (".csv",))]
