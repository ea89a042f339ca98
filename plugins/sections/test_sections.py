"""The sections plugin on small fixture sites, with the real theme and settings."""

from __future__ import annotations

import datetime as dt
import pathlib
import zoneinfo

import feedparser
import pytest
from bs4 import BeautifulSoup

from plugins.portal_data import ContentError
from plugins.portal_data.fixture_site import build_fixture_site
from plugins.portal_data.section_item import SectionItem
from plugins.sections.declaration import parse_sections

HERE = pathlib.Path(__file__).parent
ROOT = HERE.parent.parent
PLUGINS = ["plugins.news_article", "plugins.editions", "plugins.sections", "section_item_fixture"]


def build(content: str, output: pathlib.Path, **overrides):
    plugin_paths = [str(ROOT / "plugins"), str(HERE / "test_data")]
    return build_fixture_site(HERE / "test_data" / content, output, PLUGINS, PLUGIN_PATHS=plugin_paths, **overrides)


def soup(path: pathlib.Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    return build("site", tmp_path_factory.mktemp("sections"))


def card_titles(page) -> list[str]:
    return [a.get_text() for a in page.select(".lp-card__title a")]


def test_navigation_follows_the_declaration_and_leaves_out_empty_sections(site):
    for page in ("index.html", "jia/index.html", "news/2021/03/b1/index.html"):
        nav = soup(site / page).select(".lp-nav__link")
        assert [a.get_text() for a in nav] == ["甲栏目", "乙栏目", "公开"], page
    assert not (site / "kong").exists()


def test_section_page_shows_the_lead_story_then_newest_first(site):
    page = soup(site / "jia/index.html")
    assert card_titles(page) == ["甲二（头条）", "甲一", "甲三（较早）", "甲四（专题）"]
    assert "lp-card--lead" in page.select(".lp-card")[0]["class"]
    assert page.select_one(".lp-nav__link[aria-current=page]").get_text() == "甲栏目"
    assert [li.get_text(strip=True) for li in page.select(".lp-breadcrumbs__item")] == ["首页", "甲栏目"]


def test_tags_add_an_article_to_a_second_section_without_changing_its_home(site):
    assert card_titles(soup(site / "yi/index.html")) == ["乙一", "甲四（专题）"]
    article = soup(site / "news/2021/01/a4/index.html")
    assert article.select(".lp-breadcrumbs__link")[-1]["href"].endswith("jia/")


def test_generated_pages_are_listed_in_their_section(site):
    page = soup(site / "gongkai/index.html")
    assert card_titles(page) == ["香水村 2021年2月 收支", "香水村 2021年1月 收支"]
    assert page.select_one(".lp-card__meta time")["datetime"] == "2021-03-10T09:00:00+08:00"


def test_a_sample_data_section_says_so_on_its_page_front_block_and_feed(site):
    assert soup(site / "gongkai/index.html").select_one(".lp-sample-notice")
    assert not soup(site / "jia/index.html").select_one(".lp-sample-notice")
    blocks = {block.h2.get_text(): block for block in soup(site / "index.html").select(".lp-front-section")}
    assert blocks["公开"].select_one(".lp-sample-notice") and not blocks["甲栏目"].select_one(".lp-sample-notice")
    feed = feedparser.parse((site / "gongkai/feed.atom.xml").read_bytes())
    assert feed.entries[0].summary == "【示例数据】二月收支明细。"


def test_article_links_to_its_section_not_to_a_category_page(site):
    article = soup(site / "news/2021/03/a1/index.html")
    meta_link = article.select_one(".lp-article-meta a[data-pagefind-filter='栏目']")
    assert meta_link.get_text() == "甲栏目" and meta_link["href"].endswith("jia/")
    assert not (site / "category").exists()


def test_front_page_has_a_block_per_section_without_repeating_the_lead(site):
    page = soup(site / "index.html")
    assert page.select_one(".lp-front-lead .lp-card__title").get_text() == "甲二（头条）"
    blocks = {block.h2.get_text(): card_titles(block) for block in page.select(".lp-front-section")}
    assert blocks == {
        "甲栏目": ["甲一", "甲三（较早）", "甲四（专题）"],
        "乙栏目": ["乙一", "甲四（专题）"],
        "公开": ["香水村 2021年2月 收支", "香水村 2021年1月 收支"],
    }


def test_section_pages_paginate_into_folders(tmp_path):
    output = build("site", tmp_path, DEFAULT_PAGINATION=2)
    assert card_titles(soup(output / "jia/page/2/index.html")) == ["甲三（较早）", "甲四（专题）"]
    first = soup(output / "jia/index.html")
    assert first.select_one(".lp-pagination__next")["href"].endswith("jia/page/2/")


def test_feeds_carry_the_summary_absolute_links_and_beijing_time(site):
    feed = feedparser.parse((site / "jia/feed.atom.xml").read_bytes())
    assert not feed.bozo, feed.bozo_exception
    assert feed.feed.title == "醴陵新闻 - 甲栏目"
    lead = feed.entries[0]
    assert lead.title == "甲二（头条）" and lead.summary == "甲二的摘要，是头条。"
    assert lead.link == "http://127.0.0.1:8000/news/2021/03/a2/"
    assert lead.published == "2021-03-02T00:00:00+08:00" and lead.author == "张洁"
    assert [tag.term for tag in lead.tags] == ["甲栏目"]
    everything = feedparser.parse((site / "feed.atom.xml").read_bytes())
    assert [entry.title for entry in everything.entries][:3] == ["香水村 2021年2月 收支", "乙一", "甲二（头条）"]
    assert len(everything.entries) == 7  # 5 articles (甲四 once, though two sections list it) + 2 pages


def test_feed_domain_is_used_for_feed_links(tmp_path):
    output = build("site", tmp_path, FEED_DOMAIN="https://news.example.cn")
    feed = feedparser.parse((output / "feed.atom.xml").read_bytes())
    assert feed.entries[0].link == "https://news.example.cn/disclosures/xiangshui/2021-02/"


def test_unknown_or_missing_category_fails_with_file_line_and_column(tmp_path):
    with pytest.raises(ContentError) as raised:
        build("unknown_category", tmp_path)
    assert [str(error) for error in raised.value.errors] == [
        "2021-03-02/nocat.md:1:0: 缺少 Category 一行；可用的栏目：甲、空、乙",
        "sport.md:5:11: 栏目“体育”不存在；可用的栏目：甲、空、乙（新栏目请先在 content/sections.toml 中声明）",
    ]


def test_generated_page_in_an_undeclared_section_fails(tmp_path):
    stray = SectionItem("weizhi", "无处安放", "x/", dt.datetime(2021, 1, 1, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai")))
    with pytest.raises(ContentError) as raised:
        build("site", tmp_path, EXTRA_SECTION_ITEMS=[stray])
    [error] = raised.value.errors
    assert (error.path, error.code) == ("x/", "bad-section-item")
    assert "栏目“weizhi”没有在栏目声明中出现" in error.message


DECLARATION_ERRORS = {
    "bad slug": ('[[sections]]\nslug = "要闻"\nname = "要闻"\n', [(2, 8, "bad-slug")]),
    "missing name": ('[[sections]]\nslug = "yaowen"\n', [(1, 0, "missing-name")]),
    "typo in a key": ('[[sections]]\nslug = "a"\nname = "甲"\ncatagories = ["甲"]\n', [(4, 14, "unknown-key")]),
    "duplicate slug": (
        '[[sections]]\nslug = "a"\nname = "甲"\n\n[[sections]]\nslug = "a"\nname = "乙"\n',
        [(6, 8, "duplicate-slug")],
    ),
    "category in two sections": (
        '[[sections]]\nslug = "a"\nname = "甲"\ncategories = ["要闻"]\n\n'
        '[[sections]]\nslug = "b"\nname = "乙"\ncategories = ["社会", "要闻"]\n',
        [(9, 14, "duplicate-category")],
    ),
    "categories not a list": (
        '[[sections]]\nslug = "a"\nname = "甲"\ncategories = "要闻"\n',
        [(4, 14, "bad-categories")],
    ),
    "toml syntax": ('[[sections]]\nslug = "a\nname = "甲"\n', [(2, 10, "bad-toml")]),
    "no sections": ("# nothing yet\n", [(1, 0, "no-sections")]),
    "sample_data quoted": (
        '[[sections]]\nslug = "a"\nname = "甲"\nsample_data = "true"\n',
        [(4, 15, "bad-sample-data")],
    ),
}


@pytest.mark.parametrize("case", DECLARATION_ERRORS)
def test_declaration_mistakes_are_reported_with_position(case):
    text, expected = DECLARATION_ERRORS[case]
    sections, errors = parse_sections(text, "sections.toml")
    assert [(e.line, e.column, e.code) for e in errors] == expected
    assert all(e.path == "sections.toml" and e.message for e in errors)


def test_declaration_keeps_order_and_fields():
    text = (HERE / "test_data" / "site" / "sections.toml").read_text(encoding="utf-8")
    sections, errors = parse_sections(text, "sections.toml")
    assert errors == []
    assert [(s.slug, s.name, s.categories, s.tags, s.order) for s in sections] == [
        ("jia", "甲栏目", ("甲",), (), 0),
        ("kong", "空栏目", ("空",), (), 1),
        ("yi", "乙栏目", ("乙",), ("专题",), 2),
        ("gongkai", "公开", (), (), 3),
    ]


def test_every_setting_is_documented_in_the_readme():
    from plugins.sections.sections import DEFAULTS
    from plugins.seo.seo import DEFAULTS as SEO_DEFAULTS

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name in [*DEFAULTS, *SEO_DEFAULTS, "CANONICAL_SITEURL", "PREVIEW_SITEURL"]:
        assert f"`{name}`" in readme, name
