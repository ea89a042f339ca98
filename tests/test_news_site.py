"""The July 2020 edition as built from content/: articles, edition page and the theme's promises."""

from __future__ import annotations

import re
import urllib.parse

import pytest

from conftest import build_into, parse

EDITION = "editions/2020-07-08/"
ARTICLES = {
    # slug: (title, 记者, 通讯员, category, phrases that must appear in the body)
    "wechat-group-supervision-best-case": (
        "醴陵新时代网上群众路线这样走",
        "张洁",
        ["欧村法", "张威", "彭丽娜"],
        "要闻",
        [
            "270个村（社区）",
            "672个",
            "94%",
            "23.5万",
            "21家市直职能部门",
            "27项事项",
            "276个",
            "办结271个",
            "7406个",
            "满意率达100%",
            "全国也仅10个",
        ],
    ),
    "first-ciyi-post": (
        "首个“瓷城驿站”下旬投入使用",
        "李逸峰",
        ["刘斌", "吴嘉慧"],
        "城建",
        ["滨河路", "松木", "城管岗亭和环卫工人休息室"],
    ),
    "parking-arrears-lawsuits": (
        "道路停车欠费不缴 车主将被起诉",
        "李逸峰",
        ["匡凤"],
        "法治",
        ["2412个停车位", "1000余个", "醴陵公用停车", "3名车主"],
    ),
    "lottery-jackpot": (
        "醴陵一福彩站点再中双色球一等奖",
        "李逸峰",
        ["丁时伟"],
        "社会",
        ["2020060期", "左权路18号", "43033061", "523万元", "560万元"],
    ),
    "giant-apple-melon": (
        "醴陵农民种出特大苹果瓜",
        "张洁",
        ["邓立平"],
        "三农",
        ["1.6公斤", "0.5-0.6公斤", "珠峰种养农民专业合作社", "有机鸟粪"],
    ),
}


def article_url(slug):
    return f"news/2020/07/{slug}/"


def text_of(node):
    return re.sub(r"\s+", "", node.get_text())


@pytest.mark.parametrize("slug", ARTICLES)
def test_article_page_carries_title_byline_date_and_figures(page, slug):
    title, author, correspondents, category, phrases = ARTICLES[slug]
    soup = page(article_url(slug))
    assert soup.find("h1").get_text(strip=True) == title
    meta = soup.select_one(".lp-article-meta")
    assert f"株洲日报记者{author}" in text_of(meta.select_one(".lp-article-meta__author"))
    assert meta.select_one(".lp-article-meta__correspondents").get_text().split() == correspondents
    # The source gives the day only (Date: 2020-07-08), so no time is shown; the machine-readable
    # value stays a full timestamp, which the sitemap's lastmod reads (plugins/seo).
    assert meta.find("time")["datetime"] == "2020-07-08T00:00:00+08:00"
    assert meta.find("time").get_text() == "2020-07-08"
    body = text_of(soup.select_one(".lp-article__body"))
    for phrase in phrases:
        assert phrase in body, phrase
    assert soup.find("meta", attrs={"name": "ColumnName"})["content"] == category
    assert soup.find("meta", attrs={"name": "ArticleTitle"})["content"] == title
    assert soup.find("meta", attrs={"name": "PubDate"})["content"] == "2020-07-08"
    assert soup.find("meta", attrs={"name": "Author"})["content"] == author
    assert soup.find("meta", attrs={"name": "ContentSource"})["content"] == "株洲日报·醴陵版"
    description = soup.find("meta", attrs={"name": "description"})["content"]
    assert 10 <= len(description) <= 120


def test_lead_story_keeps_its_kicker_and_three_sections_in_order(page):
    soup = page(article_url("wechat-group-supervision-best-case"))
    assert soup.select_one(".lp-article__kicker").get_text() == "“全面推行监督与服务微信群”获评创新社会治理全国最佳案例"
    headings = [h.get_text() for h in soup.select(".lp-article__body h2")]
    assert headings == [
        "新路径：村村有群，户户入群",
        "新机制：网上有人看，网下有人办",
        "新常态：推行便民服务，群众满意率达100%",
    ]


def test_apple_melon_shows_the_photo_caption_with_its_credit(page):
    soup = page(article_url("giant-apple-melon"))
    caption = text_of(soup.select_one(".lp-photo-caption figcaption"))
    assert "王锋一手拿着大得像“西瓜”的“苹果瓜”，一手拿着普通的“苹果瓜”。" in caption
    assert caption.endswith("邓立平摄")
    assert soup.select_one(".lp-article__kicker").get_text() == "三个普通瓜才顶它一个"


def test_edition_page_lists_the_paper_lead_first_with_bylines(page):
    soup = page(EDITION)
    titles = [a.get_text() for a in soup.select(".lp-edition .lp-card__title a")]
    assert titles == [ARTICLES[slug][0] for slug in ARTICLES]
    assert "lp-card--lead" in soup.select(".lp-edition .lp-card")[0]["class"]
    bylines = [text_of(m) for m in soup.select(".lp-edition .lp-card__meta")]
    assert bylines[0].startswith("株洲日报记者张洁通讯员欧村法张威彭丽娜")
    assert bylines[1].startswith("株洲日报记者李逸峰通讯员刘斌吴嘉慧")


def test_articles_link_previous_and_next_within_the_edition(page):
    soup = page(article_url("parking-arrears-lawsuits"))
    assert soup.select_one(".lp-neighbours__link--prev")["href"].endswith("first-ciyi-post/")
    assert soup.select_one(".lp-neighbours__link--next")["href"].endswith("lottery-jackpot/")


def all_html(site):
    return sorted(site.rglob("*.html"))


def test_every_page_is_chinese_with_exactly_one_h1_and_landmarks(site):
    pages = all_html(site)
    assert len(pages) >= 10
    for path in pages:
        soup = parse(path)
        assert soup.html["lang"] == "zh-CN", path
        assert len(soup.find_all("h1")) == 1, path
        assert soup.find("main", id="main") and soup.find("header") and soup.find("footer"), path
        assert soup.select_one("a.lp-skip-link[href='#main']"), path
        for img in soup.find_all("img"):
            assert img.get("alt"), (path, img)


def test_no_third_party_scripts_styles_or_fonts(site):
    for path in all_html(site):
        soup = parse(path)
        for tag, attr in (("script", "src"), ("link", "href"), ("img", "src"), ("iframe", "src")):
            for node in soup.find_all(tag):
                url = node.get(attr) or ""
                assert not urllib.parse.urlsplit(url).netloc, (path, url)
    for css in site.rglob("*.css"):
        text = css.read_text(encoding="utf-8")
        assert "@import" not in text and "@font-face" not in text, css
        assert not re.search(r"url\(\s*['\"]?(https?:)?//", text), css


def test_every_internal_link_resolves_to_a_file(site):
    broken = []
    for path in all_html(site):
        for node in parse(path).find_all(["a", "link", "script", "img"]):
            url = node.get("href") or node.get("src")
            if not url or url.startswith(("#", "mailto:", "tel:")):
                continue
            parts = urllib.parse.urlsplit(url)
            if parts.scheme or parts.netloc:
                continue
            target = (path.parent / urllib.parse.unquote(parts.path)).resolve()
            if target.is_dir():
                target = target / "index.html"
            if not target.is_file():
                broken.append(f"{path.relative_to(site)} -> {url}")
    assert broken == []


def test_footer_leaves_out_registration_numbers_that_are_not_configured(page):
    footer = text_of(page("").find("footer"))
    assert "株洲日报社" in footer and "湖南省株洲市醴陵市" in footer
    assert "ICP" not in footer and "网站标识码" not in footer and "公网安备" not in footer


def test_footer_shows_registration_numbers_once_configured(tmp_path):
    output = build_into(
        tmp_path / "out",
        overrides={
            "SITE_ID_CODE": "4302810001",
            "ICP_NUMBER": "湘ICP备00000000号",
            "PSB_NUMBER": "湘公网安备 43028102000000号",
        },
    )
    soup = parse(output / "index.html")
    footer = text_of(soup.find("footer"))
    assert (
        "网站标识码：4302810001" in footer and "湘ICP备00000000号" in footer and "湘公网安备43028102000000号" in footer
    )
    assert soup.find("meta", attrs={"name": "SiteIDCode"})["content"] == "4302810001"


def test_elder_mode_switch_works_without_javascript(page):
    toggle = page(article_url("lottery-jackpot")).select_one(".lp-elder-toggle")
    assert toggle.select_one("[data-elder-mode=on]")["href"] == "#lp-elder"


def count_of(item) -> int:
    return int(re.search(r"（(\d+) 篇）", item.get_text()).group(1))


@pytest.mark.parametrize("index", ["tag/", "author/", "archives/"])
def test_tags_authors_and_archives_count_the_articles_each_list_holds(site, page, index):
    """The index pages of tags, authors and archives show each list's size (plugins/news_article
    list_counts, not the lists themselves): each count is the cards on that list's own page."""
    items = page(index).select(".lp-list__item, .lp-archive-year h2")
    assert len(items) >= 2
    for item in items:
        listed = page(urllib.parse.urljoin(index, item.a["href"]))
        assert count_of(item) == len(listed.select("article.lp-card")) > 0, item


def test_the_editions_index_shows_each_editions_lead_and_article_count(page):
    """The editions index shows each edition's lead and size (plugins/editions edition_listing),
    as the edition's own page lists them: the lead first, then every other article."""
    items = page("editions/").select(".lp-list__item")
    assert items
    for item in items:
        edition = page(urllib.parse.urljoin("editions/", item.a["href"]))
        cards = edition.select("article.lp-card")
        assert f"头条：{cards[0].h2.get_text(strip=True)}（共 {len(cards)} 篇）" in item.get_text(), item
