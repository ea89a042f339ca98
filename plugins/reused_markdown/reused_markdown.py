"""Pelican's Markdown reader, with one Markdown instance per build instead of one per file.

Pelican's MarkdownReader builds a new `markdown.Markdown` for every file: loading the
extensions and building the parser took longer than converting the text itself (6 of 18 s of
reading at ten years' scale, benchmarks/). Python-Markdown's documented way to convert many
documents is one instance and `reset()` between them, which clears every extension's state
(footnotes, abbreviations, the table of contents, Meta). Everything else is Pelican's reader,
unchanged: metadata parsing, formatted fields, warnings.
"""

from __future__ import annotations

from markdown import Markdown
from pelican import signals
from pelican.readers import MarkdownReader
from pelican.utils import pelican_open


class ReusedMarkdownReader(MarkdownReader):
    """MarkdownReader.read, converting with one instance reset between files."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._shared = None
        self._meta = None  # the meta preprocessor and its priority: Pelican deregisters it after each read

    def read(self, source_path):
        self._source_path = source_path
        if self._shared is None:
            self._shared = Markdown(**self.settings["MARKDOWN"])
            registry = self._shared.preprocessors
            self._meta = (registry["meta"], next(item.priority for item in registry._priority if item.name == "meta"))
        else:
            self._shared.preprocessors.register(self._meta[0], "meta", self._meta[1])
            self._shared.reset()
        self._md = self._shared
        with pelican_open(source_path) as text:
            content = self._md.convert(text)
        metadata = self._parse_metadata(self._md.Meta) if hasattr(self._md, "Meta") else {}
        return content, metadata


def use_reused_reader(readers) -> None:
    """Only where Pelican's own reader would read: a READERS setting naming another stays."""
    for extension, reader_class in list(readers.reader_classes.items()):
        if reader_class is MarkdownReader:
            readers.reader_classes[extension] = ReusedMarkdownReader


def register():
    signals.readers_init.connect(use_reused_reader)
