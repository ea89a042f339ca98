"""Scheduled articles appear exactly on the first build at or after their time; drafts never do."""

from __future__ import annotations

import datetime as dt
import pathlib
from zoneinfo import ZoneInfo

import pytest

from plugins.portal_data.fixture_site import build_fixture_site
from plugins.scheduled_publishing.scheduled_publishing import build_time, parse_build_time

HERE = pathlib.Path(__file__).parent
ROOT = HERE.parent.parent
SHANGHAI = ZoneInfo("Asia/Shanghai")


def build(output: pathlib.Path, when: str | None, **extra) -> pathlib.Path:
    # With the sections plugin and the real declaration: section pages, feeds and the front page
    # are where a resident would see a scheduled article too early.
    plugins = ["plugins.news_article", "plugins.editions", "plugins.scheduled_publishing", "plugins.sections"]
    overrides = {
        "SECTIONS_FILE": str(ROOT / "content" / "sections.toml"),
        "FEED_ALL_ATOM": "feeds/all.atom.xml",
        "CATEGORY_FEED_ATOM": "feeds/{slug}.atom.xml",
        "FEED_DOMAIN": "https://example.test",
        **extra,
    }
    if when:
        overrides["BUILD_TIME"] = when
    return build_fixture_site(HERE / "test_data" / "site", output, plugins, **overrides)


def everything_text(output: pathlib.Path) -> str:
    """Every written file's text, so a title anywhere (page, listing, feed) is found."""
    return "\n".join(
        path.read_text(encoding="utf-8")
        for path in sorted(output.rglob("*"))
        if path.is_file() and path.suffix in {".html", ".xml"}
    )


# Pages that list articles by title, and the pages of the article's own category, tag and author.
LISTINGS = ["index.html", "archives/2021/03/index.html", "editions/2021-03-02/index.html", "feeds/all.atom.xml"]
OWN_TERMS = ["shehui/index.html", "shehui/feed.atom.xml", "tag/ding-shi/index.html", "author/wang-ding-shi/index.html"]
TERM_INDEXES = {"tag/index.html": "定时", "author/index.html": "王定时"}


def test_future_article_is_absent_one_minute_before_its_time(tmp_path):
    output = build(tmp_path, "2021-03-02T08:59")
    text = everything_text(output)
    assert "已经发布的头条" in text
    assert "九点整发布的稿件" not in text and "标为定时的稿件" not in text
    assert not (output / "news/2021/03/future-dated").exists()
    for listing in LISTINGS:
        assert "九点整发布的稿件" not in (output / listing).read_text(encoding="utf-8"), listing
    # its own category, tag and author have no other article, so their pages do not exist yet
    for own in OWN_TERMS:
        assert not (output / own).exists(), own
    for index, term in TERM_INDEXES.items():
        assert term not in (output / index).read_text(encoding="utf-8"), index


def test_future_article_is_everywhere_from_its_time_on(tmp_path):
    output = build(tmp_path, "2021-03-02T09:00")
    assert (output / "news/2021/03/future-dated/index.html").is_file()
    for listing in LISTINGS + OWN_TERMS:
        assert "九点整发布的稿件" in (output / listing).read_text(encoding="utf-8"), listing
    for index, term in TERM_INDEXES.items():
        assert term in (output / index).read_text(encoding="utf-8"), index
    assert "标为定时的稿件" not in everything_text(output)


def test_status_scheduled_waits_for_its_date_then_publishes(tmp_path):
    before = build(tmp_path / "before", "2021-03-05T10:29")
    assert "标为定时的稿件" not in everything_text(before)
    assert not (before / "editions/2021-03-05").exists()
    assert "2021-03-05" not in (before / "editions/index.html").read_text(encoding="utf-8")
    after = build(tmp_path / "after", "2021-03-05T10:30")
    assert (after / "news/2021/03/marked-scheduled/index.html").is_file()
    assert (after / "editions/2021-03-05/index.html").is_file()
    assert "2021-03-05" in (after / "editions/index.html").read_text(encoding="utf-8")
    assert "标为定时的稿件" in (after / "feeds/all.atom.xml").read_text(encoding="utf-8")


def test_drafts_are_never_written(tmp_path):
    output = build(tmp_path, "2099-01-01T00:00")
    assert "草稿不发布" not in everything_text(output)
    assert not (output / "drafts").exists()


def test_environment_variable_sets_build_time(tmp_path, monkeypatch):
    monkeypatch.setenv("LILING_BUILD_TIME", "2021-03-02T08:59")
    assert "九点整发布的稿件" not in everything_text(build(tmp_path / "env-before", None))
    monkeypatch.setenv("LILING_BUILD_TIME", "2021-03-02T09:00+08:00")
    assert "九点整发布的稿件" in everything_text(build(tmp_path / "env-at", None))


def test_build_time_precedence_and_zone():
    assert build_time(
        {"BUILD_TIME": "2021-03-02T09:00", "TIMEZONE": "Asia/Shanghai"}, {"LILING_BUILD_TIME": "1999-01-01"}
    ) == dt.datetime(2021, 3, 2, 9, tzinfo=SHANGHAI)
    # 01:00 UTC is 09:00 in Beijing
    assert parse_build_time("2021-03-02T01:00+00:00", "Asia/Shanghai") == dt.datetime(2021, 3, 2, 9, tzinfo=SHANGHAI)
    now = build_time({"TIMEZONE": "Asia/Shanghai"}, {})
    assert now.utcoffset() == dt.timedelta(hours=8)


def test_with_future_dates_false_is_refused(tmp_path):
    from plugins.portal_data import ContentError

    with pytest.raises(ContentError, match="WITH_FUTURE_DATES"):
        build(tmp_path, "2021-03-02T09:00", WITH_FUTURE_DATES=False)
