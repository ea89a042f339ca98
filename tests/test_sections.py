"""Sections, front page, archives, feeds, sitemap and SEO tags on the real site built from content/."""

from __future__ import annotations

import re
import tomllib
import urllib.parse
import xml.etree.ElementTree as ET

import feedparser
import pytest
from build_helpers import copy_with_change

from conftest import ROOT, build_into, parse

DECLARED = tomllib.loads((ROOT / "content" / "sections.toml").read_text(encoding="utf-8"))["sections"]
NEWS_SECTIONS = {"要闻": "yaowen", "城建": "chengjian", "法治": "fazhi", "社会": "shehui", "三农": "sannong"}
SITEMAP_NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def front_matter(path) -> dict:
    head = path.read_text(encoding="utf-8").split("\n\n", 1)[0]
    return {key.strip().lower(): value.strip() for key, _, value in (line.partition(":") for line in head.splitlines())}


ARTICLES = {
    f"news/2020/07/{meta['slug']}/": meta
    for meta in map(front_matter, sorted((ROOT / "content" / "news").rglob("*.md")))
}


def listed_urls(soup) -> list[str]:
    return [a["href"].split("../")[-1].lstrip("./") for a in soup.select(".lp-section-list .lp-card__title a")]


def nav_names(soup) -> list[str]:
    return [a.get_text() for a in soup.select(".lp-nav__link")]


def test_every_article_is_listed_in_exactly_its_own_section(site, page):
    shown = [section for section in DECLARED if (site / section["slug"] / "index.html").exists()]
    listed = {section["slug"]: listed_urls(page(section["slug"] + "/")) for section in shown}
    for url, meta in ARTICLES.items():
        homes = [slug for slug, urls in listed.items() if url in urls]
        assert homes == [NEWS_SECTIONS[meta["category"]]], (url, homes)


def test_navigation_follows_the_declaration_and_shows_no_empty_section(site, page):
    declared = [section["name"] for section in DECLARED]
    nav = nav_names(page(""))
    assert nav == [name for name in declared if name in nav]  # declared order
    assert set(NEWS_SECTIONS) <= set(nav)
    for section in DECLARED:
        has_page = (site / section["slug"] / "index.html").exists()
        assert has_page == (section["name"] in nav), section["slug"]  # empty sections: no page, no link
        if has_page:
            assert listed_urls(page(section["slug"] + "/")), section["slug"]
    for url in ["editions/2020-07-08/", "archives/", "search/", next(iter(ARTICLES))]:
        assert nav_names(page(url)) == nav, url


def test_section_page_has_breadcrumbs_feed_link_and_current_nav_item(page):
    soup = page("sannong/")
    assert soup.h1.get_text() == "三农"
    assert [li.get_text(strip=True) for li in soup.select(".lp-breadcrumbs__item")] == ["首页", "三农"]
    assert soup.select_one(".lp-nav__link[aria-current=page]").get_text() == "三农"
    assert soup.find("link", rel="alternate", type="application/atom+xml", href=re.compile("sannong/feed.atom.xml$"))


def test_article_breadcrumbs_and_meta_link_to_the_section(page):
    soup = page("news/2020/07/lottery-jackpot/")
    crumbs = soup.select(".lp-breadcrumbs__link")
    assert crumbs[-1].get_text() == "社会" and crumbs[-1]["href"].endswith("shehui/")
    assert soup.select_one(".lp-article-meta [data-pagefind-filter='栏目']").get_text() == "社会"
    assert soup.select_one("article[data-pagefind-body]")["data-pagefind-filter"] == "年份:2020"


def test_front_page_leads_with_the_edition_lead_then_a_block_per_section(page):
    soup = page("")
    assert soup.select_one(".lp-front-lead .lp-card__title").get_text() == "醴陵新时代网上群众路线这样走"
    blocks = [block.h2.get_text() for block in soup.select(".lp-front-section")]
    declared = [section["name"] for section in DECLARED]
    assert blocks == sorted(blocks, key=declared.index)
    # 要闻's only story is the lead above; generated sections (村务公开…) follow the news ones.
    assert blocks[:4] == ["城建", "法治", "社会", "三农"]
    links = {a.get_text(): a["href"] for a in soup.select(".lp-front-archives a")}
    assert links["往期报纸（按期浏览）"].endswith("editions/") and links["文章归档（按年月浏览）"].endswith("archives/")


def test_archives_by_year_and_month(page):
    archive = page("archives/")
    assert [a["href"].split("archives/")[-1] for a in archive.select(".lp-archive-year a")] == ["2020/", "2020/07/"]
    month = page("archives/2020/07/")
    assert month.h1.get_text() == "2020年7月的报道"
    assert len(month.select(".lp-card")) == len(ARTICLES)
    assert [li.get_text(strip=True) for li in month.select(".lp-breadcrumbs__item")] == [
        "首页",
        "文章归档",
        "2020年",
        "2020年7月",
    ]


@pytest.mark.parametrize("feed_path", ["feed.atom.xml"] + [f"{slug}/feed.atom.xml" for slug in NEWS_SECTIONS.values()])
def test_feeds_parse_with_beijing_time_and_the_hand_written_summary(site, feed_path):
    feed = feedparser.parse((site / feed_path).read_bytes())
    assert not feed.bozo, feed.bozo_exception
    assert feed.version == "atom10" and feed.entries
    for entry in feed.entries:
        url = urllib.parse.urlsplit(entry.link)
        assert url.scheme == "http" and url.netloc == "127.0.0.1:8000"  # local build: the preview address
        assert (site / url.path.lstrip("/") / "index.html").is_file(), entry.link
        assert entry.published.endswith("+08:00") and entry.updated.endswith("+08:00")
        meta = ARTICLES.get(url.path.lstrip("/"))
        if meta:  # an article; other entries are pages the disclosure generators made
            assert entry.summary == meta["summary"] and entry.title == meta["title"]


def test_site_feed_lists_every_article_once(site):
    feed = feedparser.parse((site / "feed.atom.xml").read_bytes())
    paths = [urllib.parse.urlsplit(e.link).path.lstrip("/") for e in feed.entries]
    assert sorted(path for path in paths if path.startswith("news/")) == sorted(ARTICLES)
    assert len(paths) == len(set(paths))


def sitemap_rows(site):
    root = ET.fromstring((site / "sitemap.xml").read_text(encoding="utf-8"))
    return [
        (u.find("s:loc", SITEMAP_NS).text, u.find("s:lastmod", SITEMAP_NS).text)
        for u in root.findall("s:url", SITEMAP_NS)
    ]


def test_sitemap_lists_exactly_the_public_pages_with_lastmod(site):
    rows = sitemap_rows(site)
    urls = set()
    for loc, lastmod in rows:
        path = urllib.parse.urlsplit(loc).path.lstrip("/")
        target = site / urllib.parse.unquote(path)
        assert (target / "index.html" if loc.endswith("/") else target).is_file(), loc
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00", lastmod), (loc, lastmod)
        urls.add(path)
    pages = {
        str(p.relative_to(site)).removesuffix("index.html")
        for p in site.rglob("*.html")
        if not str(p.relative_to(site)).startswith(("search-index/", "theme/"))
    }
    assert urls == pages
    assert dict(rows)["http://127.0.0.1:8000/news/2020/07/lottery-jackpot/"] == "2020-07-08T00:00:00+08:00"
    assert (site / "robots.txt").read_text(encoding="utf-8").splitlines()[
        -1
    ] == "Sitemap: http://127.0.0.1:8000/sitemap.xml"


def test_description_and_open_graph_come_from_the_summary(page):
    soup = page("news/2020/07/giant-apple-melon/")
    summary = ARTICLES["news/2020/07/giant-apple-melon/"]["summary"]
    assert soup.find("meta", attrs={"name": "description"})["content"] == summary
    og = {m["property"]: m["content"] for m in soup.find_all("meta", property=re.compile("^og:"))}
    assert og["og:title"] == "醴陵农民种出特大苹果瓜" and og["og:description"] == summary and og["og:type"] == "article"
    # A local build does not know the real address: no canonical, og:url or og:image rather than wrong ones.
    assert soup.find("link", rel="canonical") is None and "og:url" not in og and "og:image" not in og


@pytest.fixture(scope="module")
def production(tmp_path_factory, monkeypatch_module):
    monkeypatch_module.setenv("LILING_SITEURL", "https://news.liling.example")
    return build_into(tmp_path_factory.mktemp("prod") / "output", "publishconf.py")


@pytest.fixture(scope="module")
def monkeypatch_module():
    with pytest.MonkeyPatch.context() as patch:
        yield patch


def test_production_build_has_canonical_og_and_absolute_feeds(production):
    soup = parse(production / "news/2020/07/giant-apple-melon/index.html")
    address = "https://news.liling.example/news/2020/07/giant-apple-melon/"
    assert soup.find("link", rel="canonical")["href"] == address
    og = {m["property"]: m["content"] for m in soup.find_all("meta", property=re.compile("^og:"))}
    assert og["og:url"] == address and og["og:image"] == "https://news.liling.example/theme/images/share.png"
    assert (production / "theme/images/share.png").read_bytes().startswith(b"\x89PNG")
    section = parse(production / "sannong/index.html").find("link", rel="canonical")["href"]
    assert section == "https://news.liling.example/sannong/"
    feed = feedparser.parse((production / "sannong/feed.atom.xml").read_bytes())
    assert feed.entries[0].link == "https://news.liling.example/news/2020/07/giant-apple-melon/"
    assert sitemap_rows(production)[0][0] == "https://news.liling.example/"


def test_article_with_an_unknown_category_fails_the_build_naming_the_file(tmp_path):
    from buildtools.build import build_site

    content = copy_with_change(
        ROOT / "content",
        tmp_path / "content",
        "news/2020-07-08/lottery-jackpot.md",
        lambda text: text.replace("Category: 社会", "Category: 体育"),
    )

    output = tmp_path / "output"
    result = build_site(str(ROOT / "pelicanconf.py"), str(output), {"PATH": str(content)})
    assert not result.ok and not output.exists()
    assert result.problems[0].startswith(
        "news/2020-07-08/lottery-jackpot.md:3:11: 栏目“体育”不存在；可用的栏目：要闻、城建、法治、社会、三农"
    )


# The sections that list the registers' pages; content/disclosures/registers.toml declares every register sample data.
LISTS_SAMPLE_REGISTERS = {"cunwu", "zhengwu"}


def test_sections_declared_or_listing_sample_data_carry_the_notice_wherever_they_are_listed(site, page):
    def expected(section):
        return section.get("sample_data", False) or section["slug"] in LISTS_SAMPLE_REGISTERS

    for section in DECLARED:
        if not (site / section["slug"] / "index.html").exists():
            continue
        notice = page(section["slug"] + "/").select_one(".lp-sample-notice")
        assert bool(notice) == expected(section), section["slug"]
    for block in page("").select(".lp-front-section"):
        declared = next(s for s in DECLARED if s["name"] == block.h2.get_text())
        assert bool(block.select_one(".lp-sample-notice")) == expected(declared)
