"""sitemap.xml and robots.txt from an output folder, and lastmod read from the pages themselves."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from plugins.seo.seo import page_lastmod, public_pages, robots_txt, sitemap_xml

NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def write(root, relative, html):
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(html, encoding="utf-8")


def test_lastmod_prefers_the_modified_time_then_the_newest_dated_item():
    article = (
        '<meta property="article:modified_time" content="2021-03-04T10:00:00+08:00">'
        '<time datetime="2021-03-02T00:00:00+08:00"></time><time datetime="2021-05-01T00:00:00+08:00"></time>'
    )
    assert page_lastmod(article).isoformat() == "2021-03-04T10:00:00+08:00"
    listing = '<time datetime="2021-03-02T00:00:00+08:00">a</time><time class="x" datetime="2021-05-01T08:00:00+08:00">b</time>'
    assert page_lastmod(listing).isoformat() == "2021-05-01T08:00:00+08:00"
    assert page_lastmod('<time datetime="2021-05-01">no zone is no answer</time>') is None


def test_sitemap_lists_every_public_page_with_lastmod(tmp_path):
    write(tmp_path, "index.html", '<time datetime="2021-03-02T00:00:00+08:00"></time>')
    write(tmp_path, "about/index.html", "<h1>关于</h1>")
    write(tmp_path, "news/2021/03/a/index.html", '<time datetime="2021-03-01T09:30:00+08:00"></time>')
    write(tmp_path, "drafts/x/index.html", "draft")
    write(tmp_path, "search-index/x.html", "index part")
    write(tmp_path, "404.html", '<meta name="robots" content="noindex">')
    pages = public_pages(str(tmp_path), ("search-index/", "theme/", "drafts/"))
    assert [url for url, _ in pages] == ["", "about/", "news/2021/03/a/"]
    root = ET.fromstring(sitemap_xml("https://news.example.cn", pages))
    rows = [(u.find("s:loc", NS).text, u.find("s:lastmod", NS).text) for u in root.findall("s:url", NS)]
    assert rows == [
        ("https://news.example.cn/", "2021-03-02T00:00:00+08:00"),
        ("https://news.example.cn/about/", "2021-03-02T00:00:00+08:00"),  # no date of its own: the site's newest
        ("https://news.example.cn/news/2021/03/a/", "2021-03-01T09:30:00+08:00"),
    ]


def test_pages_listed_by_the_build_are_read_instead_of_walking(tmp_path):
    write(tmp_path, "index.html", "<h1>首页</h1>")
    write(tmp_path, "news/a/index.html", "<h1>甲</h1>")
    write(tmp_path, "news/withdrawn/index.html", "<h1>已撤下，还在磁盘上</h1>")
    write(tmp_path, "drafts/x/index.html", "draft")
    listed = {
        str(tmp_path / "index.html"),
        str(tmp_path / "news/a/index.html"),
        str(tmp_path / "drafts/x/index.html"),
        str(tmp_path / "news/a/feed.xml"),
    }
    pages = public_pages(str(tmp_path), ("drafts/",), listed=listed)
    assert [url for url, _ in pages] == ["", "news/a/"]
    assert [url for url, _ in public_pages(str(tmp_path), ("drafts/",))] == ["", "news/a/", "news/withdrawn/"]


def test_robots_points_at_the_sitemap():
    assert robots_txt("https://news.example.cn", "sitemap.xml").splitlines() == [
        "User-agent: *",
        "Allow: /",
        "",
        "Sitemap: https://news.example.cn/sitemap.xml",
    ]
