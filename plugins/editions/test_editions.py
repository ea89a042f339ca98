"""The editions plugin on a two-article fixture site, with the real theme."""

from __future__ import annotations

import pathlib

import pytest
from bs4 import BeautifulSoup
from pelican import Pelican
from pelican.settings import read_settings

from plugins.portal_data import ContentError

HERE = pathlib.Path(__file__).parent
ROOT = HERE.parent.parent


def build(content: str, output: pathlib.Path):
    settings = read_settings(str(ROOT / "pelicanconf.py"), override={
        "PATH": str(HERE / "test_data" / content), "ARTICLE_PATHS": [""], "PAGE_PATHS": [],
        "OUTPUT_PATH": str(output), "PLUGINS": ["plugins.news_article", "plugins.editions"],
    })
    Pelican(settings=settings).run()
    return output


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
