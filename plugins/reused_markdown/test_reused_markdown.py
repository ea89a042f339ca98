"""The reused reader gives exactly what Pelican's own Markdown reader gives, file after file."""

from __future__ import annotations

import pathlib

from pelican.readers import MarkdownReader, Readers
from pelican.settings import read_settings

from reused_markdown.reused_markdown import ReusedMarkdownReader, use_reused_reader

ROOT = pathlib.Path(__file__).resolve().parents[2]

WITH_STATE = """Title: 有脚注的文章
Date: 2020-07-01 08:00
Tags: 甲, 乙

正文[^1]，见 [链接][ref]。HTML 一词。

*[HTML]: 超文本标记语言
[^1]: 脚注内容。
[ref]: https://example.org/
"""

WITHOUT = """Title: 第二篇
Date: 2020-07-02 08:00

第二篇正文，也提到 HTML 和 [ref]。
"""


def settings():
    return read_settings(str(ROOT / "pelicanconf.py"))


def outcome(reader, path):
    """What reading gives, or the error it raises (fixture files include an editor's bad date)."""
    try:
        return reader.read(str(path))
    except Exception as exc:  # noqa: BLE001 - compared, not hidden
        return type(exc), str(exc)


def read_both(paths):
    ours = ReusedMarkdownReader(settings())
    for path in paths:
        yield path, outcome(ours, path), outcome(MarkdownReader(settings()), path)


def test_every_markdown_file_of_the_site_reads_the_same(tmp_path):
    paths = sorted(ROOT.glob("content/**/*.md")) + sorted(ROOT.glob("plugins/*/test_data/**/*.md"))
    assert len(paths) > 20
    for path, ours, pelicans in read_both(paths):
        assert ours == pelicans, path


def test_no_state_leaks_from_one_file_into_the_next(tmp_path):
    first, second = tmp_path / "a.md", tmp_path / "b.md"
    first.write_text(WITH_STATE, encoding="utf-8")
    second.write_text(WITHOUT, encoding="utf-8")
    results = list(read_both([first, second, first]))
    for _, ours, pelicans in results:
        assert ours == pelicans
    content, metadata = results[1][1]
    assert "脚注" not in content and "超文本" not in content and "example.org" not in content
    assert "tags" not in metadata and metadata["title"] == "第二篇"
    assert 'title="超文本标记语言"' in results[2][1][0]  # the abbreviation still works when read again


def test_plugin_replaces_only_pelicans_own_markdown_reader():
    class Custom(MarkdownReader):
        pass

    readers = Readers({**settings(), "READERS": {"mkd": Custom}})
    use_reused_reader(readers)
    assert readers.reader_classes["md"] is ReusedMarkdownReader
    assert readers.reader_classes["mkd"] is Custom
