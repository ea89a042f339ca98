"""The editions plugin on a two-article fixture site, with the real theme."""

from __future__ import annotations

import pathlib

import pytest
from bs4 import BeautifulSoup

from plugins.portal_data import ContentError
from plugins.portal_data.fixture_site import build_fixture_site

HERE = pathlib.Path(__file__).parent


def build(content: str, output: pathlib.Path):
    return build_fixture_site(HERE / "test_data" / content, output, ["plugins.news_article", "plugins.editions"])


def test_edition_page_orders_articles_by_position(tmp_path):
    output = build("good", tmp_path)
    soup = BeautifulSoup((output / "editions/2021-03-02/index.html").read_text(), "html.parser")
    assert [a.get_text() for a in soup.select(".lp-edition .lp-card__title a")] == ["头条", "第二篇"]
    archive = BeautifulSoup((output / "editions/index.html").read_text(), "html.parser")
    assert "株洲日报·醴陵版 2021-03-02" in archive.select_one(".lp-list__link").get_text()


def test_two_articles_in_the_same_slot_fail_with_file_and_line(tmp_path):
    with pytest.raises(ContentError) as raised:
        build("duplicate", tmp_path)
    [error] = raised.value.errors
    assert (error.path, error.line, error.column, error.code) == ("b.md", 8, 19, "duplicate-edition-position")
    assert "已有第 1 篇（" in error.message and "（a.md）" in error.message


def test_an_edition_date_or_position_in_another_form_names_the_value_and_what_to_write(tmp_path):
    from types import SimpleNamespace

    from plugins.editions.editions import DEFAULTS, build_editions

    articles = []
    for name, edition, position in (("a.md", "2020-7-8", "1"), ("b.md", "2020-07-08", "²")):
        path = tmp_path / name
        path.write_text(f"Title: 稿件\nEdition:  {edition}\nEdition_Position: {position}\n\n正文\n", encoding="utf-8")
        articles.append(SimpleNamespace(source_path=str(path), edition=edition, edition_position=position))
    editions, errors = build_editions(articles, DEFAULTS, str(tmp_path))
    assert editions == [] and [str(e) for e in errors] == [
        "a.md:2:11: Edition “2020-7-8”应写成 2020-07-08（格式 YYYY-MM-DD：年四位，月、日各两位，用“-”连接）",
        "b.md:3:19: Edition_Position 的值“²”不是版面顺序；应为 1、2、3…（1 是头条）",
    ]
