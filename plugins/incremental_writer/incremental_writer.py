"""A Pelican Writer that leaves a file alone when the page it would write has the same bytes.

Every page is still rendered (only the rendered bytes can tell whether it changed), but an
unchanged page is not rewritten: it keeps its mtime, so precompression, the sync into the
output or release and rsync to the web server all skip it. A changed page is written to a
temporary file and renamed over the old one, so no reader or hard link ever sees half a page.
Pelican's own overwrite protection (two pages claiming one path) is kept as it is.
"""

from __future__ import annotations

import io
import os

from pelican import signals
from pelican.writers import FileOverwriteFailedError, Writer

from portal_data.downloads import has_bytes, replace_file


class _ReplaceIfChanged(io.StringIO):
    """Collects what Pelican writes; on close, replaces the file only when the bytes differ."""

    def __init__(self, path: str, encoding: str, tally: dict, written: set[str] | None = None):
        super().__init__()
        self.path, self.text_encoding, self.tally, self.written = path, encoding, tally, written

    def close(self):
        if not self.closed:
            data = self.getvalue().encode(self.text_encoding)
            if has_bytes(self.path, data):
                self.tally["kept"] += 1
            else:
                replace_file(self.path, data)
                self.tally["written"] += 1
                if self.written is not None:
                    self.written.add(os.path.abspath(self.path))
        super().close()


RECORD_SETTING = "BUILD_OUTPUT_RECORD"


class OutputRecord:
    """What one build's writer produced: every path it was asked to write, and how many it kept.

    The build runner puts one into the settings (BUILD_OUTPUT_RECORD); files in the output that
    no step of this build wrote or kept are then known to be stale. `written` holds the absolute
    paths whose bytes changed: the search step re-indexes only the shards holding one of them.
    """

    def __init__(self):
        self.paths: set[str] = set()
        self.written: set[str] = set()
        self.tally = {"written": 0, "kept": 0}


class UnchangedFilesWriter(Writer):
    """Pelican's Writer; only the final step, opening the file, is different."""

    def __init__(self, output_path, settings=None):
        super().__init__(output_path, settings=settings)
        record = (settings or {}).get(RECORD_SETTING)
        self.record = record if isinstance(record, OutputRecord) else OutputRecord()
        self.tally = self.record.tally

    def _open_w(self, filename, encoding, override=False):
        # Pelican's bookkeeping, unchanged: refuse a second write to one path unless overriding.
        if filename in self._overridden_files:
            if override:
                raise FileOverwriteFailedError(f'Failed to overwrite "{filename}" a second time (was previously overwritten)')
            return open(os.devnull, "w", encoding=encoding)
        if filename in self._written_files and not override:
            raise FileOverwriteFailedError(
                f'Failed to overwrite "{filename}" as Pelican has already written to it previously '
                "(set `override=True` if intended)")
        if override:
            self._overridden_files.add(filename)
        self._written_files.add(filename)
        self.record.paths.add(os.path.abspath(filename))
        return _ReplaceIfChanged(filename, encoding, self.tally, self.record.written)


def get_writer(pelican_object):
    return UnchangedFilesWriter


def register():
    signals.get_writer.connect(get_writer)
