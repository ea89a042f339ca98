"""Pelican's Markdown reader, faster: one Markdown instance per process, and conversion in workers.

Pelican's MarkdownReader builds a new `markdown.Markdown` for every file: loading the
extensions and building the parser took longer than converting the text itself (6 of 18 s of
reading at ten years' scale, benchmarks/). Python-Markdown's documented way to convert many
documents is one instance and `reset()` between them, which clears every extension's state
(footnotes, abbreviations, the table of contents, Meta).

Converting Markdown to HTML needs nothing but the file, so when a generator is about to read
many files its cache does not hold (a first or a fresh build), BUILD_WORKERS processes convert
them first and the reader takes each file's HTML and raw metadata from them. Everything after
conversion is Pelican's reader as it is, in this process: metadata parsing (dates, authors,
tags), formatted fields, warnings, the content cache; the reader adds one fact Pelican's parsed
date loses, `date_has_time` (whether Date gave a time). A file that changed since it was
converted, or that a worker could not convert, is read here the ordinary way, so its error is
Pelican's own.
"""

from __future__ import annotations

import logging
import os
from concurrent.futures.process import BrokenProcessPool

from markdown import Markdown
from pelican import signals
from pelican.readers import MarkdownReader
from pelican.utils import pelican_open

from plugins.portal_data.workers import build_workers, process_pool

logger = logging.getLogger(__name__)

# Below this many files to convert, starting workers costs more than it saves.
PREFETCH_MIN_FILES = 200


def shared_markdown(instance: Markdown | None, settings: dict) -> Markdown:
    """One Markdown per process, reset between documents; Pelican's reader deregisters the "meta"
    preprocessor after each file, so it is put back (same object, same priority) before the next."""
    if instance is None:
        instance = Markdown(**settings["MARKDOWN"])
        registry = instance.preprocessors
        instance.pelican_meta = (
            registry["meta"],
            next(item.priority for item in registry._priority if item.name == "meta"),
        )
    else:
        instance.preprocessors.register(instance.pelican_meta[0], "meta", instance.pelican_meta[1])
        instance.reset()
    return instance


def file_signature(path: str) -> tuple[int, int] | None:
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return stat.st_size, stat.st_mtime_ns


class ReusedMarkdownReader(MarkdownReader):
    """MarkdownReader.read, converting with one instance reset between files, or taking the HTML
    a worker converted (`converted`: path -> (file signature, html, raw Meta))."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._shared = None
        self.converted: dict[str, tuple] = {}

    def read(self, source_path):
        self._source_path = source_path
        self._shared = shared_markdown(self._shared, self.settings)
        self._md = self._shared
        ready = self.converted.pop(source_path, None)
        if ready is not None and ready[0] == file_signature(source_path):
            content, meta = ready[1], ready[2]
        else:
            with pelican_open(source_path) as text:
                content = self._md.convert(text)
            meta = getattr(self._md, "Meta", None)
        metadata = self._parse_metadata(meta) if meta is not None else {}
        # Midnight parses the same whether written or not: keep whether the editor gave a time,
        # so pages show one only when the source does (news_article.display_date).
        if meta and meta.get("date") and "date" in metadata:
            metadata["date_has_time"] = ":" in meta["date"][0]
        return content, metadata


# --- conversion in worker processes ---

_worker_markdown: dict = {}  # per worker process: its one Markdown instance and the settings


def _start_worker(settings: dict) -> None:
    _worker_markdown["settings"] = settings
    _worker_markdown["instance"] = None


def _convert(path: str):
    """(path, signature, html, raw Meta) or (path, None, None, None) when it cannot be converted
    here: the parent then reads it itself and reports the problem as Pelican does."""
    try:
        signature = file_signature(path)
        instance = shared_markdown(_worker_markdown["instance"], _worker_markdown["settings"])
        _worker_markdown["instance"] = instance
        with pelican_open(path) as text:
            html = instance.convert(text)
        return path, signature, html, getattr(instance, "Meta", None)
    except Exception:  # noqa: BLE001 - reported by the parent's own read of the file
        return path, None, None, None


def files_to_convert(generator, paths_setting: str, excludes_setting: str) -> list[str]:
    """Every Markdown file this generator will read, when neither of Pelican's caches (reader or
    generator layer) holds anything: a first or fresh build. None otherwise: that is an
    incremental build, where few files miss the cache and finding them would cost more than
    converting them here."""
    readers = generator.readers
    if getattr(readers, "_cache", None) or getattr(generator, "_cache", None):  # FileStampDataCacher's loaded cache
        return []
    markdown_extensions = {
        extension for extension, reader in readers.readers.items() if isinstance(reader, ReusedMarkdownReader)
    }
    return [
        os.path.abspath(os.path.join(generator.path, relative))
        for relative in generator.get_files(
            generator.settings[paths_setting], exclude=generator.settings[excludes_setting]
        )
        if relative.rsplit(".", 1)[-1] in markdown_extensions
    ]


def convert_ahead(generator, paths: list[str]) -> int:
    """Convert `paths` in worker processes and hand the results to the generator's reader;
    returns how many were converted."""
    workers = build_workers(generator.settings)
    if workers < 2 or len(paths) < PREFETCH_MIN_FILES:
        return 0
    reader = next(reader for reader in generator.readers.readers.values() if isinstance(reader, ReusedMarkdownReader))
    chunk = max(1, min(64, len(paths) // (workers * 8)))
    pool = process_pool(workers, initializer=_start_worker, initargs=(generator.settings,))
    try:
        for path, signature, html, meta in pool.map(_convert, paths, chunksize=chunk):
            if signature is not None:
                reader.converted[path] = (signature, html, meta)
    except BrokenProcessPool:
        # A worker died (killed, out of memory): what it had not sent back is read here, as usual.
        logger.info("Markdown 转换进程意外退出，其余文件在本进程中读取")  # not a content problem: no warning
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
    return len(reader.converted)


def convert_articles_ahead(generator) -> None:
    if _uses_reused_reader(generator):
        convert_ahead(generator, files_to_convert(generator, "ARTICLE_PATHS", "ARTICLE_EXCLUDES"))


def convert_pages_ahead(generator) -> None:
    if _uses_reused_reader(generator):
        convert_ahead(generator, files_to_convert(generator, "PAGE_PATHS", "PAGE_EXCLUDES"))


def _uses_reused_reader(generator) -> bool:
    return any(isinstance(reader, ReusedMarkdownReader) for reader in generator.readers.readers.values())


def use_reused_reader(readers) -> None:
    """Only where Pelican's own reader would read: a READERS setting naming another stays."""
    for extension, reader_class in list(readers.reader_classes.items()):
        if reader_class is MarkdownReader:
            readers.reader_classes[extension] = ReusedMarkdownReader


def register():
    signals.readers_init.connect(use_reused_reader)
    signals.article_generator_init.connect(convert_articles_ahead)
    signals.page_generator_init.connect(convert_pages_ahead)
