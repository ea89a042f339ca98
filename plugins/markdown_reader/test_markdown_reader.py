"""The reused reader gives exactly what Pelican's own Markdown reader gives, file after file."""

from __future__ import annotations

import os
import pathlib

from pelican.readers import MarkdownReader, Readers
from pelican.settings import read_settings

from plugins.markdown_reader.markdown_reader import ReusedMarkdownReader, use_reused_reader

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


def without_date_flag(result):
    """Our reader's result less the one key it adds (date_has_time, tested on its own below)."""
    if isinstance(result, tuple) and isinstance(result[1], dict):
        return result[0], {key: value for key, value in result[1].items() if key != "date_has_time"}
    return result


def read_both(paths):
    ours = ReusedMarkdownReader(settings())
    for path in paths:
        yield path, without_date_flag(outcome(ours, path)), outcome(MarkdownReader(settings()), path)


def test_reader_keeps_whether_the_date_gave_a_time(tmp_path):
    day_only, with_time = tmp_path / "day.md", tmp_path / "time.md"
    day_only.write_text("Title: 只有日期\nDate: 2020-07-08\n\n正文。\n", encoding="utf-8")
    with_time.write_text("Title: 有时间\nDate: 2020-07-08 00:00\n\n正文。\n", encoding="utf-8")
    reader = ReusedMarkdownReader(settings())
    assert reader.read(str(day_only))[1]["date_has_time"] is False
    assert reader.read(str(with_time))[1]["date_has_time"] is True  # midnight written is a time given


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


# --- conversion ahead, in worker processes ---


def fixture_site(tmp_path, articles: int = 12):
    content = tmp_path / "content"
    (content / "news").mkdir(parents=True)
    for number in range(articles):
        (content / "news" / f"a{number:03d}.md").write_text(
            f"Title: 第 {number} 篇\nDate: 2020-07-{1 + number % 28:02d} 08:00\nCategory: 要闻\nSlug: a{number:03d}\n"
            f"Tags: 甲, 乙\n\n正文 {number}[^1]，*[HTML]* 一词。\n\n[^1]: 脚注 {number}。\n",
            encoding="utf-8",
        )
    return content


def run_site(tmp_path, content, name: str, **overrides):
    from pelican import Pelican

    settings = read_settings(
        None,
        override={
            "PATH": str(content),
            "OUTPUT_PATH": str(tmp_path / name),
            "ARTICLE_PATHS": ["news"],
            "PAGE_PATHS": [],
            "PLUGIN_PATHS": [str(ROOT / "plugins")],
            "PLUGINS": ["plugins.markdown_reader"],
            "CACHE_PATH": str(tmp_path / f"{name}-cache"),
            "MARKDOWN": {
                "extension_configs": {"markdown.extensions.extra": {}, "markdown.extensions.meta": {}},
                "output_format": "html5",
            },
            "TIMEZONE": "Asia/Shanghai",
            "SITEURL": "",
            **overrides,
        },
    )
    Pelican(settings).run()
    return tmp_path / name


def tree(root):
    return {str(path.relative_to(root)): path.read_bytes() for path in sorted(root.rglob("*")) if path.is_file()}


def test_articles_converted_by_workers_are_the_same_pages(tmp_path, monkeypatch):
    import plugins.markdown_reader.markdown_reader as module

    content = fixture_site(tmp_path)
    converted = []
    real = module.convert_ahead
    monkeypatch.setattr(module, "PREFETCH_MIN_FILES", 1)
    monkeypatch.setattr(module, "convert_ahead", lambda generator, paths: converted.append(real(generator, paths)))
    one = run_site(tmp_path, content, "one", BUILD_WORKERS=1)
    shared = run_site(tmp_path, content, "shared", BUILD_WORKERS=2)
    # per build: the articles' generator, then the pages' (no pages here); one worker converts nothing ahead
    assert converted == [0, 0, 12, 0]
    assert tree(one) == tree(shared)
    assert "脚注 3" in (shared / "a003.html").read_text(encoding="utf-8")


def test_a_build_with_a_loaded_cache_converts_nothing_ahead(tmp_path, monkeypatch):
    import plugins.markdown_reader.markdown_reader as module

    content = fixture_site(tmp_path)
    asked = []
    monkeypatch.setattr(module, "convert_ahead", lambda generator, paths: asked.append(sorted(paths)))
    cached = {"CACHE_CONTENT": True, "LOAD_CONTENT_CACHE": True, "CHECK_MODIFIED_METHOD": "md5"}
    run_site(tmp_path, content, "out", **cached)
    assert [len(paths) for paths in asked] == [12, 0]  # the articles' generator, then the pages'
    asked.clear()
    edited = content / "news" / "a005.md"
    edited.write_text(edited.read_text(encoding="utf-8") + "\n更正。\n", encoding="utf-8")
    run_site(tmp_path, content, "out", **cached)
    assert asked == [[], []]  # the edited file is read the ordinary way
    assert "更正" in (tmp_path / "out" / "a005.html").read_text(encoding="utf-8")


def test_a_file_changed_after_conversion_is_read_again(tmp_path):
    path = tmp_path / "a.md"
    path.write_text(WITHOUT, encoding="utf-8")
    reader = ReusedMarkdownReader(settings())
    reader.converted[str(path)] = ((1, 1), "<p>旧的转换结果</p>", {"title": ["旧标题"]})
    content, metadata = reader.read(str(path))
    assert "第二篇正文" in content and metadata["title"] == "第二篇"


def test_a_file_a_worker_cannot_convert_fails_as_pelican_fails(tmp_path):
    from plugins.markdown_reader.markdown_reader import _convert, _start_worker

    path = tmp_path / "bad.md"
    path.write_bytes("Title: 坏编码\n\n".encode("gbk"))
    _start_worker(settings())
    assert _convert(str(path)) == (str(path), None, None, None)
    ours, pelicans = outcome(ReusedMarkdownReader(settings()), path), outcome(MarkdownReader(settings()), path)
    assert ours == pelicans and ours[0] is UnicodeDecodeError


def test_a_converted_file_is_taken_from_the_worker_not_converted_again(tmp_path):
    from plugins.markdown_reader.markdown_reader import file_signature

    path = tmp_path / "a.md"
    path.write_text(WITHOUT, encoding="utf-8")
    reader = ReusedMarkdownReader(settings())
    reader.converted[str(path)] = (file_signature(str(path)), "<p>工作进程的转换结果</p>", {"title": ["工作进程"]})
    content, metadata = reader.read(str(path))
    assert content == "<p>工作进程的转换结果</p>" and metadata["title"] == "工作进程"
    assert reader.converted == {}  # each result is used once and let go


def _convert_or_die(path):
    """A worker that is killed (as the out-of-memory killer would) when it meets one file."""
    import plugins.markdown_reader.markdown_reader as module

    if path.endswith("a007.md"):
        os.kill(os.getpid(), 9)
    return module._real_convert(path)


def test_a_worker_killed_mid_conversion_leaves_the_rest_to_this_process(tmp_path, monkeypatch):
    import plugins.markdown_reader.markdown_reader as module

    content = fixture_site(tmp_path)
    monkeypatch.setattr(module, "PREFETCH_MIN_FILES", 1)
    monkeypatch.setattr(module, "_real_convert", module._convert, raising=False)
    monkeypatch.setattr(module, "_convert", _convert_or_die)
    one = run_site(tmp_path, content, "one", BUILD_WORKERS=1)
    shared = run_site(tmp_path, content, "shared", BUILD_WORKERS=2)
    assert tree(one) == tree(shared)
