"""The site's own search index (buildtools/search_index.py): which terms a page is found by, the
postings the browser decodes, and files that are the same bytes for the same pages."""

from __future__ import annotations

import json

from buildtools.search_index import (
    Document,
    bucket_count,
    encoded_postings,
    fnv1a,
    page_url,
    patched_index,
    postings_of,
    shard_index,
    spliced_postings,
    terms_of,
)
from buildtools.search_shards import ENTRY, index_one_shard
from buildtools.search_text import abbreviation_tokens, search_tokens


def document(text: str, weight: float = 1.0, **meta) -> Document:
    return Document([(token, weight) for token in search_tokens(text)], dict(meta), {})


def decode(flat: list) -> dict[int, tuple[float, list[int]]]:
    """The browser's reading of a posting list (search.js `search`), in Python."""
    pages, page_id, i = {}, 0, 0
    while i < len(flat):
        page_id += flat[i]
        weight, count = flat[i + 1], flat[i + 2]
        positions, position = [], 0
        for step in flat[i + 3 : i + 3 + count]:
            position += step
            positions.append(position)
        pages[page_id] = (weight, positions)
        i += 3 + count
    return pages


def test_a_phrase_is_found_at_consecutive_positions():
    terms, _ = postings_of([document("醴陵市左权路")])
    first, second = search_tokens("左权")[0], search_tokens("权路")[0]
    assert terms[first][0][1] == [3] and terms[second][0][1] == [4]  # after 醴陵 陵市 市左


def test_a_character_alone_finds_every_bigram_it_starts_and_a_run_ending_with_it():
    _, characters = postings_of([document("左权路"), document("向左"), document("权力")])
    left = search_tokens("左")[0][:5]
    assert sorted(characters[left]) == [0, 1]  # 左权 in the first, the run's last 左 in the second
    assert 2 not in characters[left]


def test_a_number_with_a_date_unit_is_found_by_the_number_and_never_by_a_shorter_one():
    terms, _ = postings_of([document("2020年5月"), document("5"), document("123")])
    five = search_tokens("5")[0][:-1]  # the browser asks without the end letter
    five_month = search_tokens("5月")[0][:-1]
    twelve = search_tokens("12")[0][:-1]
    assert sorted(terms[five]) == [0, 1] and sorted(terms[five_month]) == [0]
    assert twelve not in terms  # 12 is not 123


def test_a_headline_abbreviation_is_found_by_its_bigram_at_its_own_weight():
    tokens = abbreviation_tokens("最低生活保障")
    low_guarantee = search_tokens("低保")[0]
    assert terms_of(next(t for t in tokens if t.startswith(low_guarantee)))[0] == [low_guarantee]
    terms, _ = postings_of([Document([(token, 5.0) for token in tokens], {}, {})])
    assert terms[low_guarantee][0][0] == 5.0


def test_postings_round_trip_through_the_browsers_decoding():
    pages = {0: [11.0, [0, 4, 9]], 3: [1.0, [7]], 40: [2.5, [1, 2]]}
    assert decode(encoded_postings(pages)) == {0: (11, [0, 4, 9]), 3: (1, [7]), 40: (2.5, [1, 2])}


def test_the_hash_and_bucket_counts_are_fixed():
    # search.js computes the same FNV-1a: these values are what it must give (tests/test_search.py
    # searches through it in a browser).
    assert fnv1a("") == 0x811C9DC5 and fnv1a("a") == 0xE40C292C
    assert [bucket_count(size, 16) for size in (0, 8192, 8193, 8192 * 4)] == [1, 1, 2, 4]  # by bytes
    assert [bucket_count(100, terms) for terms in (0, 16, 17, 16 * 100)] == [1, 1, 2, 128]  # by terms
    assert bucket_count(8192 * 100, 10) == 8 and bucket_count(10**6, 3) == 2  # never more buckets than terms
    assert bucket_count(10**12, 10**9) == 4096


def test_page_urls_are_the_links_to_the_pages():
    assert page_url("news/2020/07/x/index.html") == "/news/2020/07/x/"
    assert page_url("index.html") == "/" and page_url("about.html") == "/about.html"


def test_the_same_pages_give_the_same_bytes_and_a_new_version_when_one_changes():
    pages = [("a/index.html", document("醴陵苹果瓜", title="甲")), ("b/index.html", document("左权路", title="乙"))]
    first, again = shard_index(pages), shard_index(list(pages))
    assert first.files == again.files and first.layout == again.layout
    changed = shard_index([pages[0], ("b/index.html", document("左权路福彩站点", title="乙"))])
    assert changed.layout["version"] != first.layout["version"]
    assert json.loads(first.files["f/1.json"]) == {"url": "/b/", "meta": {"title": "乙"}}
    # Every bucket is written, an empty one as {}: no term's lookup is a 404.
    assert all(f"t/{n}.json" in first.files for n in range(first.layout["terms"]))
    buckets = [json.loads(first.files[f"t/{n}.json"]) for n in range(first.layout["terms"])]
    assert sorted(term for bucket in buckets for term in bucket) == sorted(postings_of([d for _, d in pages])[0])


def test_a_shard_left_half_written_has_no_layout_and_is_indexed_whole_again(tmp_path):
    documents = tmp_path / "documents"
    (documents / "a").mkdir(parents=True)
    (documents / "a/index.html").write_text(
        '<div data-pagefind-body>\n<p data-pagefind-weight="10">' + " ".join(search_tokens("醴陵")) + "</p>\n</div>\n"
        '<div data-pagefind-meta="title">醴陵</div>\n',
        encoding="utf-8",
    )
    site = tmp_path / "site"
    problems, written, patched = index_one_shard(str(site), "s", str(documents))
    assert problems == [] and ENTRY in written and "f/0.json" in written and not patched
    folder = site / "search-index/s"
    stale = folder / "t/999.json"
    stale.write_text("{}", encoding="utf-8")  # left by an older index
    (folder / ENTRY).unlink()  # as an interrupted update leaves it
    problems, written, patched = index_one_shard(str(site), "s", str(documents), {"a/index.html"})
    assert problems == [] and written == {ENTRY, "t/999.json"} and not patched  # nothing else differed
    assert not stale.exists() and (folder / ENTRY).is_file()


def written_index(folder, index) -> None:
    for name, data in index.files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(data)


def test_a_patched_index_is_the_index_made_whole(tmp_path):
    """Editing pages (words gone and new, a filter changed, two pages at once) patches only the
    files that change, and the result is byte for byte what indexing the pages afresh gives."""
    pages = [
        (f"p{n}/index.html", document(text, title=f"第{n}页"))
        for n, text in enumerate(["醴陵市左权路福彩站点", "枫林镇苹果瓜", "香水村五月支出 2020年5月", "网格员微信群"])
    ]
    pages[1][1].filters = {"栏目": ["三农"]}
    before = shard_index(pages)
    written_index(tmp_path, before)
    edited = list(pages)
    edited[1] = ("p1/index.html", document("枫林镇特大苹果瓜", title="第1页"))
    edited[1][1].filters = {"栏目": ["社会"]}
    edited[3] = ("p3/index.html", document("网格员代办", title="第3页改"))
    after = shard_index(edited)
    patch = patched_index(
        str(tmp_path), before.layout, before.state, {1: (pages[1][1], edited[1][1]), 3: (pages[3][1], edited[3][1])}
    )
    assert patch.layout == after.layout and patch.state == after.state
    assert patch.files == {name: data for name, data in after.files.items() if before.files.get(name) != data}
    # Page 3's title changed, page 1's did not; page 1 moved from 三农 to 社会.
    assert "f/3.json" in patch.files and "f/1.json" not in patch.files and "filters.json" in patch.files


def test_a_patch_reads_only_the_buckets_of_terms_whose_postings_moved(tmp_path, monkeypatch):
    """A sentence added at the end of a page leaves its other terms where they were: their
    buckets are neither read nor written, and the patch is still the index made whole."""
    import buildtools.search_index as search_index

    text = "醴陵市左权路福彩站点开出大奖，枫林镇苹果瓜重十二斤，香水村五月支出公开，网格员代办事项"
    pages = [("p0/index.html", document(text, title="甲")), ("p1/index.html", document("阳三石街道", title="乙"))]
    before = shard_index(pages)
    written_index(tmp_path, before)
    edited = [pages[0], ("p1/index.html", document("阳三石街道。更正", title="乙"))]
    after = shard_index(edited)
    read = []
    real_bucket_terms = search_index.bucket_terms
    monkeypatch.setattr(search_index, "bucket_terms", lambda data: read.append(data) or real_bucket_terms(data))
    patch = patched_index(str(tmp_path), before.layout, before.state, {1: (pages[1][1], edited[1][1])})
    assert patch.files == {name: data for name, data in after.files.items() if before.files.get(name) != data}
    buckets = [name for name in patch.files if name.startswith(("t/", "c/"))]
    assert len(read) == len(buckets)  # each bucket read was one that changed
    unchanged_terms = set(postings_of([pages[1][1]])[0]) & set(postings_of([edited[1][1]])[0])
    assert unchanged_terms  # 阳三石街道 stand where they were


def test_a_patch_that_would_change_the_bucket_count_is_refused(tmp_path):
    """A clean build counts buckets from the whole shard's size: a patch that grows past a
    boundary returns None, and the shard is indexed whole."""
    small = [("a/index.html", document("醴陵"))]
    before = shard_index(small)
    written_index(tmp_path, before)
    big = document("".join(chr(0x4E00 + n) for n in range(6000)))
    assert shard_index([("a/index.html", big)]).layout["terms"] != before.layout["terms"]
    assert patched_index(str(tmp_path), before.layout, before.state, {0: (small[0][1], big)}) is None


def test_splicing_a_posting_list_is_encoding_the_pages_after_the_change():
    before = {0: [11.0, [0, 4, 9]], 3: [1.0, [7]], 40: [2.5, [1, 2]]}
    flat = encoded_postings(before)
    for replacements in (
        {3: None},
        {3: [2.0, [5]]},
        {1: [1.0, [0]]},
        {41: [1.0, [3]], 0: None},
        {40: None, 3: None, 0: None},
    ):
        after = {page: entry for page, entry in {**before, **replacements}.items() if entry is not None}
        assert spliced_postings(flat, replacements) == encoded_postings(after), replacements


def test_a_weight_that_is_not_a_number_fails_the_shard_naming_the_page(tmp_path):
    documents = tmp_path / "documents"
    (documents / "news/x").mkdir(parents=True)
    (documents / "news/x/index.html").write_text(
        '<div data-pagefind-body>\n<p data-pagefind-weight="heavy">'
        + " ".join(search_tokens("醴陵"))
        + "</p>\n</div>\n",
        encoding="utf-8",
    )
    problems, _, _ = index_one_shard(str(tmp_path / "site"), "s", str(documents))
    assert problems == [
        "搜索索引 s 构建失败：news/x/index.html：data-pagefind-weight=“heavy” 不是数字（模板里应写 0 到 10 之间的数，例如 5）"
    ]


def test_previous_documents_that_cannot_be_removed_fail_the_shard_and_leave_it_to_be_indexed_whole(
    tmp_path, monkeypatch
):
    """A previous document left behind would be taken by the next patch for what the index holds."""
    documents = tmp_path / "documents"
    (documents / "a").mkdir(parents=True)
    (documents / "a/index.html").write_text(
        "<div data-pagefind-body>\n<p>" + " ".join(search_tokens("醴陵")) + "</p>\n</div>\n", encoding="utf-8"
    )
    (tmp_path / "documents.previous/a").mkdir(parents=True)
    (tmp_path / "documents.previous/a/index.html").write_text("", encoding="utf-8")

    def refuse(path, *args, **kwargs):
        raise PermissionError(f"busy: {path}")

    import buildtools.search_shards as search_shards

    monkeypatch.setattr(search_shards.shutil, "rmtree", refuse)
    problems, _, _ = index_one_shard(str(tmp_path / "site"), "s", str(documents))
    assert problems == [f"搜索索引 s 构建失败：busy: {tmp_path / 'documents.previous'}"]
    assert not (tmp_path / "site/search-index/s" / ENTRY).exists()  # the next build indexes it whole
