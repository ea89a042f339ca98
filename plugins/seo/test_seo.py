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


def test_a_page_whose_render_key_is_unchanged_is_not_read_again(tmp_path):
    """The facts of a page are cached by the key that decides its bytes: a hard link made by a
    release (a new inode change time) reads nothing again; a new key reads the page."""
    from plugins.portal_data.file_cache import FileCache

    site, cache_folder = tmp_path / "site", tmp_path / "cache"
    write(site, "news/a/index.html", '<time datetime="2021-03-01T09:30:00+08:00"></time>')
    write(site, "news/b/index.html", '<time datetime="2021-03-02T09:30:00+08:00"></time>')
    listed = {str(site / "news/a/index.html"), str(site / "news/b/index.html")}
    keys = {"news/a/index.html": "key-a", "news/b/index.html": "key-b"}

    def build(keys):
        cache = FileCache(str(cache_folder), "sitemap", "v1")
        pages = public_pages(str(site), (), cache, listed, keys)
        return cache, [(url, lastmod.isoformat()) for url, lastmod in pages]

    cache, pages = build(keys)
    assert (cache.hits, cache.misses) == (0, 2)
    assert pages == [("news/a/", "2021-03-01T09:30:00+08:00"), ("news/b/", "2021-03-02T09:30:00+08:00")]

    (tmp_path / "release").mkdir()
    (tmp_path / "release" / "a.html").hardlink_to(site / "news/a/index.html")  # as a release links it
    cache, pages = build(keys)
    assert (cache.hits, cache.misses) == (2, 0)

    # The writer renders a page again whenever its key changes: only then is it read.
    write(site, "news/b/index.html", '<time datetime="2022-01-01T08:00:00+08:00"></time>')
    cache, pages = build({**keys, "news/b/index.html": "key-b2"})
    assert (cache.hits, cache.misses) == (1, 1)
    assert pages[1] == ("news/b/", "2022-01-01T08:00:00+08:00")

    # Without a key (a page the writer could not key), the file's stat and bytes decide, as before.
    cache, pages = build({"news/a/index.html": "key-a"})
    assert pages[1] == ("news/b/", "2022-01-01T08:00:00+08:00")
