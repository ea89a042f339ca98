"""Content checks on fixture folders: every problem, with file, line, column and what to write instead."""

from __future__ import annotations

import pathlib
from zoneinfo import ZoneInfo

import pytest
from pelican import Pelican

from plugins.content_checks.checks import Source, check_file
from plugins.content_checks.content_checks import content_problems
from plugins.portal_data import ContentError
from plugins.portal_data.fixture_site import fixture_settings
from plugins.portal_data.front_matter import parse_front_matter

HERE = pathlib.Path(__file__).parent
SHANGHAI = ZoneInfo("Asia/Shanghai")


def settings_for(folder: str, **extra):
    return fixture_settings(HERE / "test_data" / folder, pages=("pages",), STATIC_PATHS=["images"], **extra)


def test_good_fixture_has_no_problems():
    assert content_problems(settings_for("good")) == []


def test_every_problem_in_every_file_is_reported_at_once():
    found = [(e.path, e.line, e.column, e.code) for e in content_problems(settings_for("bad"))]
    assert found == [
        ("news/a.md", 2, 7, "bad-date"),
        ("news/a.md", 4, 7, "bad-slug"),
        ("news/a.md", 7, 1, "missing-field"),  # Author, where the front matter ends
        ("news/a.md", 7, 1, "missing-field"),  # Edition_Position, because Edition is given
        ("news/a.md", 8, 1, "missing-alt"),
        ("news/a.md", 8, 1, "missing-image"),
        ("news/a.md", 9, 1, "external-image"),
        ("news/a.md", 10, 8, "broken-link"),
        ("news/b.md", 2, 7, "bad-date"),
        ("news/b.md", 6, 1, "missing-field"),  # Summary is empty
        ("news/c.md", 4, 7, "duplicate-slug"),
        ("news/c.md", 6, 10, "summary-too-long"),
        ("news/d.md", 1, 8, "duplicate-title"),  # c.md's headline on the same day (b.md's date is refused)
        ("pages/about.md", 2, 11, "missing-template"),
    ]


def test_messages_say_what_is_wrong_and_what_is_expected():
    messages = {(e.path, e.code): str(e) for e in content_problems(settings_for("bad"))}
    assert messages[("news/a.md", "bad-date")] == (
        "news/a.md:2:7: Date “2021-02-30 09:30”不是真实存在的日期或时间；请核对年月日和时分（例：2020-07-08 09:30）"
    )
    assert messages[("news/b.md", "bad-date")].startswith(
        "news/b.md:2:7: Date “2021-03-02 08:00 +09:00”带的时区不是北京时间"
    )
    assert messages[("news/c.md", "duplicate-slug")] == (
        "news/c.md:4:7: Slug “lead”已被 news/b.md 使用；每篇的 Slug 应不同"
    )
    assert (
        messages[("news/b.md", "missing-field")] == "news/b.md:6:1: Summary（摘要）是空的；请在“Summary:”后面写上内容"
    )
    assert messages[("news/d.md", "duplicate-title")] == (
        "news/d.md:1:8: 2021-03-02 已有同题文章 news/c.md；同一天的标题应不同（是否重复提交了同一篇？）"
    )
    assert messages[("news/a.md", "missing-image")] == (
        "news/a.md:8:1: 找不到图片“images/missing.jpg”（应在 news/images/missing.jpg）；请检查文件名和文件夹"
    )
    assert "news/a.md:10:8: 链接的文件“{filename}/news/nope.md”不存在" in messages[("news/a.md", "broken-link")]
    assert messages[("news/c.md", "summary-too-long")].endswith("Summary 有 121 个字，超过 120 字；请缩短摘要")


def test_pelican_build_fails_before_writing(tmp_path):
    settings = settings_for("bad", OUTPUT_PATH=str(tmp_path / "out"))
    # Without the sections plugin: this fixture has no sections.toml, and its category 文化 is not
    # declared; those problems are the sections plugin's to test (plugins/sections).
    settings["PLUGINS"] = [name for name in settings["PLUGINS"] if name not in ("plugins.sections", "plugins.seo")]
    with pytest.raises(ContentError) as raised:
        Pelican(settings=settings).run()
    assert len(raised.value.errors) == 14
    assert not (tmp_path / "out" / "news").exists()


def test_front_matter_continuation_lines_and_end():
    fields, end = parse_front_matter("Title: 一\nSummary: 第一行\n    第二行\n\n正文\n")
    assert fields["summary"].value == "第一行\n第二行" and (fields["title"].line, fields["title"].column) == (1, 8)
    assert end == 4


def test_page_needs_only_a_title():
    source = Source.parse("pages/x.md", "page", "Title: 关于\n\n正文")
    assert list(check_file(source, SHANGHAI)) == []


def test_a_date_or_slug_in_another_form_is_refused_with_the_form_to_write():
    text = "Title: 标题\nDate: 2020-7-9 9:05\nCategory: 社会\nSlug: River_Rescue\nAuthor: 张洁\nSummary: 摘要\n\n正文\n"
    assert [str(e) for e in check_file(Source.parse("news/x.md", "article", text), SHANGHAI)] == [
        "news/x.md:2:7: Date “2020-7-9 9:05”应写成 2020-07-09 09:05（北京时间，格式 YYYY-MM-DD HH:MM）",
        "news/x.md:4:7: Slug “River_Rescue”不能用作网址；应写成 river-rescue（只用小写英文字母、数字和连字符）",
    ]
