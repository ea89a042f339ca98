"""The search index in shards (buildtools/search_shards.py): which shard a page belongs to, and an
incremental build re-indexing only the shards that hold a page it wrote or removed."""

from __future__ import annotations

import json
import pathlib
import shutil

import pytest

from buildtools.build import build_site
from buildtools.checks import check_search_index
from buildtools.search_shards import shard_for, shard_settings

ROOT = pathlib.Path(__file__).resolve().parent.parent
ALL_SHARDS = ["ledgers-2020", "news-2020-2024", "site"]
MELON = "content/news/2020-07-08/giant-apple-melon.md"


@pytest.mark.parametrize(
    "path, shard",
    [
        ("news/2020/07/lottery-jackpot/index.html", "news-2020-2024"),
        ("news/2024/12/x/index.html", "news-2020-2024"),
        ("news/2019/01/x/index.html", "news-2015-2019"),
        ("news/2025/01/x/index.html", "news-2025-2029"),
        ("disclosures/villages/xiangshui/2020-06/index.html", "ledgers-2020"),
        ("disclosures/villages/xiangshui/index.html", "site"),  # the village's own page
        ("disclosures/power-list/items/12/index.html", "site"),
        ("about/index.html", "site"),
        ("newsletter/2020/index.html", "site"),  # not under news/
    ],
)
def test_each_page_has_one_shard_by_its_path(path, shard):
    assert shard_for(path, shard_settings({})) == shard


def test_the_shards_are_a_setting():
    config = shard_settings({"SEARCH_SHARDS": [(r"^news/", "news")], "SEARCH_SHARD_DEFAULT": "other"})
    assert shard_for("news/2020/07/x/index.html", config) == "news"
    assert shard_for("disclosures/villages/a/2020-01/index.html", config) == "other"


def test_one_config_names_each_page_by_its_own_groups():
    """The config works each shard name out once per matched text, never for a page it did not match."""
    config = shard_settings({})
    pages = ["news/2021/07/a/index.html", "news/2026/01/b/index.html", "news/2021/07/c/index.html"]
    assert [shard_for(page, config) for page in pages * 2] == ["news-2020-2024", "news-2025-2029", "news-2020-2024"] * 2
    villages = ["disclosures/villages/a/2022-03/index.html", "disclosures/villages/b/2022-04/index.html"]
    assert [shard_for(page, config) for page in villages] == ["ledgers-2022"] * 2
    assert len(config["expanded"]) == 3  # two news shards and one year of ledgers
    whole = shard_settings({"SEARCH_SHARDS": [(r"^(a|b)(\d)x", r"s\g<0>"), (r"^(c|d)(\d)x", r"s\g<00>")]})
    assert [shard_for(page, whole) for page in ("a1x/i.html", "b1x/i.html", "c1x/i.html", "d1x/i.html")] == [
        "sa1x",
        "sb1x",
        "sc1x",
        "sd1x",
    ]
    wrong = shard_settings({"SEARCH_SHARDS": [(r"^news/(\d{4})/", r"news/\1")]})
    for _ in range(2):  # refused every time, not only the first
        with pytest.raises(ValueError, match="分片名只能含字母、数字、- 和 _"):
            shard_for("news/2020/07/x/index.html", wrong)


@pytest.mark.parametrize(
    "settings, message",
    [
        (
            {"SEARCH_SHARDS": [(r"^news/(\d{4})/", r"news/\1")]},
            "SEARCH_SHARDS 的规则 “^news/(\\d{4})/” 把 news/2020/07/x/index.html 归入分片 “news/2020”：分片名只能含字母、数字、- 和 _",
        ),
        ({"SEARCH_SHARDS": [("^news/(", "news")]}, "SEARCH_SHARDS 的规则 ('^news/(', 'news') 无效"),
        ({"SEARCH_SHARDS": [("^news/", 5)]}, "SEARCH_SHARDS 的规则 ('^news/', 5) 无效（应为 (正则表达式, 分片名)）"),
        ({"SEARCH_SHARD_DEFAULT": "../site"}, "SEARCH_SHARD_DEFAULT = '../site'：分片名只能含字母、数字、- 和 _"),
    ],
)
def test_a_wrong_shard_setting_is_named(settings, message):
    with pytest.raises(ValueError) as raised:
        shard_for("news/2020/07/x/index.html", shard_settings(settings))
    assert str(raised.value).startswith(message)


def test_a_wrong_shard_setting_fails_the_build_and_keeps_the_output(tmp_path):
    copy_site(tmp_path)
    build(tmp_path)
    before = (tmp_path / "output/search-index/shards.json").read_bytes()
    result = build_copy(tmp_path, INCREMENTAL_BUILD=False, SEARCH_SHARD_DEFAULT="a b")
    assert not result.ok and result.problems == [
        "设置有误：SEARCH_SHARD_DEFAULT = 'a b'：分片名只能含字母、数字、- 和 _"
    ]
    assert (tmp_path / "output/search-index/shards.json").read_bytes() == before


def copy_site(tmp_path):
    shutil.copytree(ROOT / "content", tmp_path / "content")
    shutil.copytree(ROOT / "theme", tmp_path / "theme")
    return tmp_path / "content"


def build_copy(tmp_path, output="output", **settings):
    """Build the copied site (copy_site) into tmp_path/output with these settings besides its own."""
    overrides = {"PATH": str(tmp_path / "content"), "THEME": str(tmp_path / "theme"), "BUILD_TIME": "2030-01-01T00:00"}
    return build_site(str(ROOT / "pelicanconf.py"), str(tmp_path / output), {**overrides, **settings})


def build(tmp_path, output="output"):
    result = build_copy(tmp_path, output)
    assert result.ok, result.problems
    return result.report


def indexed_urls(site: pathlib.Path) -> dict[str, set[str]]:
    """The page URLs in each listed shard, read from its fragments."""
    shards = json.loads((site / "search-index/shards.json").read_text(encoding="utf-8"))["shards"]
    return {
        shard: {json.loads(f.read_bytes())["url"] for f in (site / "search-index" / shard / "f").glob("*.json")}
        for shard in shards
    }


def shard_files(site: pathlib.Path) -> dict[str, dict[str, tuple[int, int]]]:
    """Each shard's files in the build's work folder, with (inode, mtime): a file the search step
    writes again is replaced by rename, so both change."""
    index = site.parent / f"{site.name}.work" / "site" / "search-index"
    return {
        shard.name: {
            path.relative_to(shard).as_posix(): (path.stat().st_ino, path.stat().st_mtime_ns)
            for path in shard.rglob("*")
            if path.is_file()
        }
        for shard in index.iterdir()
        if shard.is_dir()
    }


def test_first_build_indexes_every_shard_with_site_urls(tmp_path):
    copy_site(tmp_path)
    report = build(tmp_path)
    site = tmp_path / "output"
    assert report["search"]["reindexed"] == ALL_SHARDS
    manifest = json.loads((site / "search-index/shards.json").read_text(encoding="utf-8"))
    assert manifest["shards"] == ["ledgers-2020", "news-2020-2024", "site"]
    for shard in manifest["shards"]:
        layout = json.loads((site / "search-index" / shard / "layout.json").read_text())
        assert manifest["layout"][shard] == layout and set(layout) == {"terms", "characters", "version"}
    assert manifest["pages"] == sum(len(urls) for urls in indexed_urls(site).values()) == 113
    sections = manifest["filters"]["栏目"]
    assert (sections["村务公开"], sections["权力清单"], sections["要闻"]) == (35, 27, 1)
    assert manifest["filters"]["年份"] == {"2020": 40}  # 35 ledger months and 5 articles
    urls = indexed_urls(site)
    assert "/news/2020/07/giant-apple-melon/" in urls["news-2020-2024"] and len(urls["news-2020-2024"]) == 5
    assert len(urls["ledgers-2020"]) == 35 and all(u.startswith("/disclosures/villages/") for u in urls["ledgers-2020"])
    assert "/about/" in urls["site"] and "/" not in urls["site"]  # only pages with a content area
    assert check_search_index(str(site), "search-index/shards.json") == []


def test_one_changed_article_reindexes_only_its_shard(tmp_path):
    copy_site(tmp_path)
    build(tmp_path)
    site = tmp_path / "output"
    before = shard_files(site)
    unchanged = build(tmp_path)  # nothing changed: the build does nothing, every shard is kept
    assert unchanged["incremental"]["unchanged_inputs"] is True and shard_files(site) == before
    article = tmp_path / MELON
    article.write_text(article.read_text(encoding="utf-8") + "\n（本文有更正：瓜重十二斤。）\n", encoding="utf-8")
    report = build(tmp_path)
    # The home page, section and tag pages changed too, but carry no content area to index.
    assert report["search"]["reindexed"] == ["news-2020-2024"] == list(report["search"]["seconds_by_shard"])
    assert report["search"]["patched"] == ["news-2020-2024"]  # an edit: only its terms patched
    after = shard_files(site)
    assert {k: after[k] for k in ("ledgers-2020", "site")} == {k: before[k] for k in ("ledgers-2020", "site")}
    # In its shard, only the files of what changed: the buckets of its words (in five articles'
    # shard, four buckets hold every word), the page's fragment (its excerpt text), the layout.
    rewritten = {name for name, stamp in after["news-2020-2024"].items() if before["news-2020-2024"].get(name) != stamp}
    melon = next(
        f for f in (site / "search-index/news-2020-2024/f").glob("*.json") if "giant-apple-melon" in f.read_text()
    )
    assert {"layout.json", f"f/{melon.name}"} < rewritten and any(name.startswith("t/") for name in rewritten)
    assert not [name for name in rewritten if name.startswith("f/") and not name.startswith(f"f/{melon.name}")]
    assert "/news/2020/07/giant-apple-melon/" in indexed_urls(site)["news-2020-2024"]


def test_memory_is_given_back_after_each_shard_indexed_whole_not_after_a_patch(tmp_path, monkeypatch):
    """Indexing a shard whole grows the process by its postings, which glibc would keep: trimmed
    after each (plugins/portal_data/workers.return_freed_memory); a patch makes little."""
    import buildtools.search_shards as search_shards

    given_back = []
    monkeypatch.setattr(search_shards, "return_freed_memory", lambda: given_back.append(True))
    copy_site(tmp_path)
    build(tmp_path)
    assert len(given_back) == len(ALL_SHARDS)
    given_back.clear()
    article = tmp_path / MELON
    article.write_text(article.read_text(encoding="utf-8") + "\n（本文有更正：瓜重十二斤。）\n", encoding="utf-8")
    assert build(tmp_path)["search"]["patched"] == ["news-2020-2024"]
    assert given_back == []


def add_copy_of_lottery_article(content, day: str, slug: str) -> pathlib.Path:
    """Another 社会 article with the same tags, so removing it empties no section or tag page."""
    source = (content / "news/2020-07-08/lottery-jackpot.md").read_text(encoding="utf-8")
    text = "\n".join(line for line in source.splitlines() if not line.startswith("Edition"))
    text = text.replace("Date: 2020-07-08", f"Date: {day}").replace("Slug: lottery-jackpot", f"Slug: {slug}")
    path = content / "news" / day / f"{slug}.md"
    path.parent.mkdir(exist_ok=True)
    path.write_text(text.replace("Title: ", "Title: 又讯："), encoding="utf-8")
    return path


def test_a_removed_article_is_no_longer_found_and_an_emptied_shard_goes(tmp_path):
    content = copy_site(tmp_path)
    again = add_copy_of_lottery_article(content, "2020-07-09", "lottery-again")
    older = add_copy_of_lottery_article(content, "2019-07-08", "old-jackpot")
    report = build(tmp_path)
    site = tmp_path / "output"
    assert report["search"]["reindexed"] == ["ledgers-2020", "news-2015-2019", "news-2020-2024", "site"]
    assert indexed_urls(site)["news-2015-2019"] == {"/news/2019/07/old-jackpot/"}
    assert "/news/2020/07/lottery-again/" in indexed_urls(site)["news-2020-2024"]

    again.unlink()
    before = shard_files(site)
    report = build(tmp_path)
    assert "news-2020-2024" not in report["search"]["patched"]  # a page gone: every later id moves
    # The 2019 article's page changes too (its related stories), so its shard may be indexed again.
    assert "news-2020-2024" in report["search"]["reindexed"] and "ledgers-2020" not in report["search"]["reindexed"]
    urls = indexed_urls(site)
    assert "/news/2020/07/lottery-again/" not in urls["news-2020-2024"] and len(urls["news-2020-2024"]) == 5
    after = shard_files(site)
    assert after["news-2020-2024"] != before["news-2020-2024"] and after["ledgers-2020"] == before["ledgers-2020"]

    older.unlink()
    report = build(tmp_path)
    # Its year's shard emptied: removed, not indexed; its archive pages went too (they are in `site`).
    assert "news-2015-2019" not in report["search"]["reindexed"] and "ledgers-2020" not in report["search"]["reindexed"]
    assert not (site / "search-index/news-2015-2019").exists()
    assert json.loads((site / "search-index/shards.json").read_text(encoding="utf-8"))["shards"] == ALL_SHARDS
    assert all("/news/2019/" not in url for urls in indexed_urls(site).values() for url in urls)


def test_a_fresh_build_indexes_every_shard_again(tmp_path):
    """A non-incremental build (and any build that cannot trust its work folder) passes None."""
    copy_site(tmp_path)
    build(tmp_path)
    result = build_copy(tmp_path, INCREMENTAL_BUILD=False)
    assert result.ok and result.report["search"]["reindexed"] == ALL_SHARDS


def test_publish_check_fails_when_a_listed_shard_is_missing(tmp_path):
    site = tmp_path / "site"
    (site / "search-index/news-2020-2024").mkdir(parents=True)
    (site / "search-index/news-2020-2024/layout.json").write_text("{}", encoding="utf-8")
    (site / "search-index/shards.json").write_text('{"shards": ["news-2020-2024", "site"]}\n', encoding="utf-8")
    assert check_search_index(str(site), "search-index/shards.json") == [
        "搜索索引分片 search-index/site/ 不完整（缺少 layout.json）：搜索步骤没有运行或失败了"
    ]
    (site / "search-index/site").mkdir()
    (site / "search-index/site/layout.json").write_text("{}", encoding="utf-8")
    assert check_search_index(str(site), "search-index/shards.json") == []
    (site / "search-index/shards.json").write_text('{"shards": []}\n', encoding="utf-8")
    assert check_search_index(str(site), "search-index/shards.json") == [
        "搜索索引清单 search-index/shards.json 没有列出任何分片"
    ]
    (site / "search-index/shards.json").write_text("[]", encoding="utf-8")
    assert check_search_index(str(site), "search-index/shards.json") == [
        '搜索索引清单 search-index/shards.json 无法读取：应为 {"shards": [...]}'
    ]


def test_a_publish_copies_the_list_of_shards_after_their_files(tmp_path):
    """A reader served during the copy gets the old list with its old versions, never the new list
    over buckets not yet copied (which it would then cache under the new version)."""
    from buildtools.incremental import sync

    work = tmp_path / "work"
    for name in ("index.html", "search-index/shards.json", "search-index/site/t/0.json", "zzz/index.html"):
        (work / name).parent.mkdir(parents=True, exist_ok=True)
        (work / name).write_text(name, encoding="utf-8")
    order = []
    sync(str(work), str(tmp_path / "release"), None, {}, linkable=lambda relative: order.append(relative))
    assert order[-1] == "search-index/shards.json" and len(order) == 4
