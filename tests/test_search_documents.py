"""Search documents kept between builds (buildtools/search_documents.py): made again only for a page
whose bytes changed, and always what a clean build makes."""

from __future__ import annotations

import json
import pathlib
import shutil

from benchmarks.bench import touch_ledger
from buildtools.build import build_site
from buildtools.search_documents import documented_pages, rules_digest, shard_record, update_shard
from buildtools.search_text import search_document

ROOT = pathlib.Path(__file__).resolve().parent.parent
MELON = "news/2020-07-08/giant-apple-melon.md"
PAGE = "<html><body><main data-pagefind-body><h1>{title}</h1><p>{text}</p></main></body></html>"


def write_page(site: pathlib.Path, relative: str, title: str, text: str = "正文") -> None:
    path = site / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(PAGE.format(title=title, text=text), encoding="utf-8")


def stored(store: pathlib.Path, shard: str) -> dict[str, str]:
    folder = store / shard
    return {p.relative_to(folder).as_posix(): p.read_text(encoding="utf-8") for p in folder.rglob("*") if p.is_file()}


def test_only_changed_pages_get_a_new_document_and_removed_pages_lose_theirs(tmp_path):
    site, store, rules = tmp_path / "site", tmp_path / "store", rules_digest()
    write_page(site, "a/index.html", "长岭村")
    write_page(site, "b/index.html", "香水村")
    (site / "c").mkdir()
    (site / "c/index.html").write_text("<html><body><p>没有内容区</p></body></html>", encoding="utf-8")
    pages = ["a/index.html", "b/index.html", "c/index.html"]
    assert update_shard(str(store), "s", str(site), pages, None, rules) == {"a/index.html", "b/index.html"}
    assert stored(store, "s") == {p: search_document((site / p).read_text(encoding="utf-8")) for p in pages[:2]}
    # The record names the documents the folder holds: a patched index takes them from it, unlisted.
    assert documented_pages(shard_record(str(store), "s", rules)) == sorted(stored(store, "s")) == pages[:2]
    kept = (store / "s/b/index.html").stat().st_mtime_ns

    write_page(site, "a/index.html", "长岭村", "更正后的正文")
    (site / "b/index.html").write_text(PAGE.format(title="香水村", text="正文"), encoding="utf-8")  # same bytes
    assert update_shard(str(store), "s", str(site), pages, {"a/index.html", "b/index.html"}, rules) == {"a/index.html"}
    assert "更正后的正文" in stored(store, "s")["a/index.html"]
    assert (store / "s/b/index.html").stat().st_mtime_ns == kept

    (site / "b/index.html").unlink()
    assert update_shard(str(store), "s", str(site), ["a/index.html", "c/index.html"], set(), rules) == {"b/index.html"}
    assert list(stored(store, "s")) == ["a/index.html"]
    assert documented_pages(shard_record(str(store), "s", rules)) == ["a/index.html"]


def test_a_page_the_record_does_not_know_is_read_even_when_the_build_did_not_name_it(tmp_path):
    site, store, rules = tmp_path / "site", tmp_path / "store", rules_digest()
    write_page(site, "a/index.html", "长岭村")
    update_shard(str(store), "s", str(site), ["a/index.html"], None, rules)
    write_page(site, "new/index.html", "新页面")
    changed = update_shard(str(store), "s", str(site), ["a/index.html", "new/index.html"], set(), rules)
    assert changed == {"new/index.html"} and set(stored(store, "s")) == {"a/index.html", "new/index.html"}


def test_other_rules_or_a_lost_record_make_every_document_again_and_drop_strays(tmp_path):
    site, store = tmp_path / "site", tmp_path / "store"
    write_page(site, "a/index.html", "长岭村")
    update_shard(str(store), "s", str(site), ["a/index.html"], None, "old rules")
    (store / "s/stray/index.html").parent.mkdir(parents=True)
    (store / "s/stray/index.html").write_text("left by an interrupted build", encoding="utf-8")
    (store / "s/a/index.html").write_text("made by older rules", encoding="utf-8")
    changed = update_shard(str(store), "s", str(site), ["a/index.html"], set(), rules_digest())
    assert changed == {"a/index.html"}
    assert stored(store, "s") == {"a/index.html": search_document((site / "a/index.html").read_text(encoding="utf-8"))}


def fragments(site: pathlib.Path) -> dict[str, list]:
    """Every shard's indexed pages as the index holds them (fragments, by URL)."""
    shards = json.loads((site / "search-index/shards.json").read_text(encoding="utf-8"))["shards"]
    found = {}
    for shard in shards:
        pieces = [json.loads(path.read_bytes()) for path in (site / "search-index" / shard / "f").glob("*.json")]
        found[shard] = sorted(pieces, key=lambda piece: piece["url"])
    return found


def test_kept_documents_after_edits_index_what_a_clean_build_indexes(tmp_path):
    shutil.copytree(ROOT / "content", tmp_path / "content")
    overrides = {"PATH": str(tmp_path / "content"), "BUILD_TIME": "2030-01-01T00:00", "PRECOMPRESS": False}
    output = tmp_path / "output"
    assert build_site(str(ROOT / "pelicanconf.py"), str(output), overrides).ok
    article = tmp_path / "content" / MELON
    article.write_text(article.read_text(encoding="utf-8") + "\n（本文有更正：瓜重十二斤。）\n", encoding="utf-8")
    touch_ledger(str(tmp_path / "content"))
    result = build_site(str(ROOT / "pelicanconf.py"), str(output), overrides)
    assert result.ok, result.problems
    assert result.report["search"]["documents_changed"] == 2  # the article and the corrected month
    assert result.report["search"]["reindexed"] == ["ledgers-2020", "news-2020-2024"]
    assert result.report["search"]["patched"] == ["ledgers-2020", "news-2020-2024"]  # both edits, patched

    clean = tmp_path / "clean"
    clean_result = build_site(str(ROOT / "pelicanconf.py"), str(clean), {**overrides, "INCREMENTAL_BUILD": False})
    assert clean_result.ok, clean_result.problems
    assert not list(tmp_path.glob("*.search-documents"))  # a build from nothing keeps none
    store = tmp_path / "output.work/search-documents"
    kept = {shard.name: stored(store, shard.name) for shard in store.iterdir() if shard.is_dir()}
    expected: dict[str, dict[str, str]] = {}
    for shard in kept:
        for relative in kept[shard]:
            expected.setdefault(shard, {})[relative] = search_document((clean / relative).read_text(encoding="utf-8"))
    assert kept == expected
    assert sum(map(len, kept.values())) == sum(map(len, fragments(clean).values()))
    assert fragments(output) == fragments(clean)
    # The whole index, not only its fragments: the same bytes as the clean build's, file by file.
    index = {
        p.relative_to(output).as_posix(): p.read_bytes() for p in (output / "search-index").rglob("*") if p.is_file()
    }
    assert index == {
        p.relative_to(clean).as_posix(): p.read_bytes() for p in (clean / "search-index").rglob("*") if p.is_file()
    }
