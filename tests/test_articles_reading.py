"""The articles' reading kept between incremental builds (buildtools/articles_reading.py): reused only
when no file it is read from changed and the build time splits the articles as before; the output
is then byte for byte a fresh build's."""

from __future__ import annotations

import pathlib

from buildtools.articles_reading import (
    ARTICLES_AS_READ,
    AS_READ_FORMAT,
    FILE,
    ArticlesReading,
    _added_items,
    _read_from_bytes_alone,
    articles_key,
    edited_during_build,
    may_keep_as_read,
)
from tests.test_incremental import LEDGER, _replace, attempt, build, build_with_clock, copy_site, files, fresh
from tests.test_parallel_output import child_processes

SCHEDULED = (
    "Title: 九点整发布的稿件\nDate: 2030-06-01 09:00\nCategory: 社会\nAuthor: 王定时\nSlug: scheduled-at-nine\n"
    "Summary: 定时发布的稿件。\n\n九点整发布。\n"
)


def edit_ledger(content: pathlib.Path, old: bytes = b"253.17", new: bytes = b"263.17") -> None:
    ledger = content / LEDGER
    data = ledger.read_bytes()
    assert old in data
    ledger.write_bytes(data.replace(old, new))


def reused(report: dict) -> bool:
    return report["incremental"]["articles_reading_reused"]


def quick(content, theme, output) -> dict:
    """An incremental build as editors run it: an audit build reads the articles anyway."""
    return build(content, theme, output, audit=False)


def built_once(tmp_path: pathlib.Path):
    """(content, theme, output) of a copy of the site built once, its reading kept."""
    content, theme = copy_site(tmp_path)
    output = tmp_path / "output"
    quick(content, theme, output)
    return content, theme, output


# The smallest PNG (one transparent pixel): beside an article, outside STATIC_PATHS, it reaches the
# output only because the article links it (Pelican's `static_links`, which reuse must replay).
PIXEL = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000185d4a6bd0000000049454e44ae426082"
)


def test_a_ledger_edit_reuses_the_reading_and_an_article_edit_makes_a_new_one(tmp_path):
    content, theme = copy_site(tmp_path)
    output = tmp_path / "output"
    # A link to another article and an image: Pelican resolves them from what reading put in the
    # context (every article by its source, every linked static file), which reuse must replay.
    linking = content / "news/2020-07-08/first-ciyi-post.md"
    (content / "news/2020-07-08/post-sign.png").write_bytes(PIXEL)
    linking.write_text(
        linking.read_text(encoding="utf-8")
        + "\n另见[彩票站的消息]({filename}/news/2020-07-08/lottery-jackpot.md)。\n"
        + "\n![驿站门口的标牌]({static}/news/2020-07-08/post-sign.png)\n",
        encoding="utf-8",
    )
    assert reused(quick(content, theme, output)) is False  # nothing kept yet
    assert (tmp_path / "output.work/cache" / FILE).is_file()
    edit_ledger(content)
    assert reused(quick(content, theme, output)) is True
    assert files(output) == fresh(content, theme, tmp_path, "fresh-ledger")
    assert (output / "news/2020-07-08/post-sign.png").read_bytes() == PIXEL
    assert 'href="../../../../news/2020/07/lottery-jackpot/"' in (
        output / "news/2020/07/first-ciyi-post/index.html"
    ).read_text("utf-8")
    # An article's text changes: read again, and that reading is the one kept for the next build.
    article = content / "news/2020-07-08/giant-apple-melon.md"
    _replace(article, "Summary: ", "Summary: 更正：")
    assert reused(quick(content, theme, output)) is False
    edit_ledger(content, b"263.17", b"273.17")
    assert reused(quick(content, theme, output)) is True
    after = files(output)
    assert "更正：" in after["news/2020/07/giant-apple-melon/index.html"].decode("utf-8")
    assert after == fresh(content, theme, tmp_path, "fresh-both")


def not_read_again(report: dict) -> int:
    return report["incremental"]["articles_not_read_again"]


def test_an_edited_article_is_read_again_and_every_other_one_is_taken_as_it_was_read(tmp_path):
    content, theme, output = built_once(tmp_path)
    articles = len(list((content / "news").rglob("*.md")))
    melon = content / "news/2020-07-08/giant-apple-melon.md"
    _replace(melon, "Summary: ", "Summary: 更正：")
    report = quick(content, theme, output)
    assert reused(report) is False and not_read_again(report) == articles - 1
    page = (output / "news/2020/07/giant-apple-melon/index.html").read_text("utf-8")
    assert "更正：" in page
    # Related stories, sections and listings are worked out again from the articles as read: no
    # article kept from the last reading brings what was added to it then.
    assert files(output) == fresh(content, theme, tmp_path, "fresh-edit")
    # A new article is read, a removed one is gone, the rest are taken as read.
    (content / "news/2020-07-08/scheduled.md").write_text(SCHEDULED.replace("2030-06-01", "2020-07-09"), "utf-8")
    melon.unlink()
    report = quick(content, theme, output)
    assert not_read_again(report) == articles - 1
    assert not (output / "news/2020/07/giant-apple-melon/index.html").exists()
    assert files(output) == fresh(content, theme, tmp_path, "fresh-added-removed")


def test_articles_kept_as_read_that_cannot_be_loaded_are_read_again_without_a_word(tmp_path):
    content, theme, output = built_once(tmp_path)
    kept = tmp_path / "output.work/cache" / ARTICLES_AS_READ
    data = kept.read_bytes()
    kept.write_bytes(data[: len(data) // 2])
    _replace(content / "news/2020-07-08/giant-apple-melon.md", "Summary: ", "Summary: 更正：")
    report = quick(content, theme, output)
    assert not_read_again(report) == 0 and report["warnings"] == []
    assert files(output) == fresh(content, theme, tmp_path, "fresh")


def test_one_kept_article_that_cannot_be_loaded_is_read_again_and_the_rest_are_taken(tmp_path):
    import pickle

    content, theme, output = built_once(tmp_path)
    articles = len(list((content / "news").rglob("*.md")))
    kept = tmp_path / "output.work/cache" / ARTICLES_AS_READ
    with kept.open("rb") as handle:
        head = handle.readline() + handle.readline()
        entries = pickle.load(handle)
    name = "news/2020-07-08/lottery-jackpot.md"
    entries[name] = (entries[name][0], b"not a pickle")
    kept.write_bytes(head + pickle.dumps(entries))
    assert head.startswith(AS_READ_FORMAT)
    _replace(content / "news/2020-07-08/giant-apple-melon.md", "Summary: ", "Summary: 更正：")
    report = quick(content, theme, output)
    assert not_read_again(report) == articles - 2 and report["warnings"] == []
    assert files(output) == fresh(content, theme, tmp_path, "fresh")


def test_a_draft_with_a_tag_that_has_no_slug_builds_as_a_clean_build_does(tmp_path):
    """Pelican warns (and a warning fails a build) when it is asked a slug it cannot make; a clean
    build never asks a draft's tags for theirs, so keeping articles must not either."""
    content, theme, output = built_once(tmp_path)
    (content / "news/2020-07-08/draft.md").write_text(
        "Title: 未完成的稿件\nDate: 2020-07-08 10:00\nCategory: 社会\nAuthor: 王草稿\nTags: ★\n"
        "Status: draft\nSlug: unfinished-draft\nSummary: 草稿。\n\n还没写完。\n",
        encoding="utf-8",
    )
    report = quick(content, theme, output)
    assert report["warnings"] == []
    _replace(content / "news/2020-07-08/giant-apple-melon.md", "Summary: ", "Summary: 更正：")
    report = quick(content, theme, output)
    assert report["warnings"] == [] and not_read_again(report) > 0
    assert files(output) == fresh(content, theme, tmp_path, "fresh")


def test_articles_are_kept_as_read_only_while_reading_one_depends_on_its_file_alone():
    from pelican import signals

    settings = {"MARKDOWN": {"extension_configs": {"markdown.extensions.extra": {}}}, "DEFAULT_DATE_FORMAT": "%Y"}
    assert may_keep_as_read(settings)
    assert not may_keep_as_read({**settings, "TYPOGRIFY": True})  # sets a process-wide default
    assert not may_keep_as_read({**settings, "DATE_FORMATS": {"zh": ("zh_CN.UTF-8", "%Y")}})  # sets the locale
    assert not may_keep_as_read({**settings, "MARKDOWN": {"extensions": ["markdown_include.include"]}})

    def reads_another_file(content):
        pass

    signals.content_object_init.connect(reads_another_file)
    try:
        assert not may_keep_as_read(settings)
    finally:
        signals.content_object_init.disconnect(reads_another_file)
    assert may_keep_as_read(settings)


def test_any_content_file_but_a_csv_is_an_input_of_the_reading(tmp_path):
    content, theme, output = built_once(tmp_path)
    _replace(content / "pages/about.md", "Title: 关于本站", "Title: 关于我们")
    assert reused(quick(content, theme, output)) is False  # conservative: a standing page is not an article
    files_now = {"news/a.md": [1, 2, 3, 4, "aa"], "disclosures/finance/x/2020-01.csv": [1, 2, 3, 4, "bb"]}
    key = articles_key("print", files_now)
    assert key == articles_key("print", {**files_now, "disclosures/finance/x/2020-01.csv": [1, 2, 3, 4, "cc"]})
    assert key != articles_key("print", {**files_now, "news/a.md": [1, 2, 3, 4, "ab"]})
    assert key != articles_key("print", {**files_now, "news/b.md": [1, 2, 3, 4, "ab"]})  # a new file
    assert key != articles_key("other print", files_now)  # settings, theme or code changed


def test_an_article_coming_due_is_read_again_though_no_file_changed(tmp_path, monkeypatch):
    content, theme = copy_site(tmp_path)
    output = tmp_path / "output"
    (content / "news/2030-06-01").mkdir()
    (content / "news/2030-06-01/scheduled.md").write_text(SCHEDULED, encoding="utf-8")
    page = "news/2030/06/scheduled-at-nine/index.html"
    build_with_clock(content, theme, output, monkeypatch, "2030-06-01T08:00")
    edit_ledger(content)
    report = build_with_clock(content, theme, output, monkeypatch, "2030-06-01T08:59")
    assert reused(report) is True and not (output / page).exists()
    edit_ledger(content, b"263.17", b"273.17")
    report = build_with_clock(content, theme, output, monkeypatch, "2030-06-01T09:00")
    assert reused(report) is False and (output / page).is_file()
    assert "九点整发布的稿件" in (output / "index.html").read_text(encoding="utf-8")
    # The clock going back withholds it again: the kept reading shows it, so it is not reused.
    edit_ledger(content, b"273.17", b"283.17")
    report = build_with_clock(content, theme, output, monkeypatch, "2030-06-01T08:30")
    assert reused(report) is False and not (output / page).exists()
    assert files(output) == fresh(content, theme, tmp_path, "fresh")  # the clock is still 08:30 here


def test_a_damaged_kept_reading_is_read_again_without_a_word(tmp_path):
    content, theme, output = built_once(tmp_path)
    kept = tmp_path / "output.work/cache" / FILE
    data = kept.read_bytes()
    kept.write_bytes(data[: len(data) // 2])  # a disk that filled up mid-write, say
    edit_ledger(content)
    report = quick(content, theme, output)
    assert reused(report) is False and report["warnings"] == []
    assert files(output) == fresh(content, theme, tmp_path, "fresh")


def test_a_reading_that_changed_what_it_did_not_add_is_not_kept(tmp_path):
    """Replaying can only add what reading added; an entry it replaced could not be replayed."""
    assert _added_items({"a": 1}, {"a": 1, "b": 2}) == {"b": 2}
    assert _added_items({1}, {1, 2}) == {2}
    assert _added_items([1], [1, 2]) == [2]
    for before, after in (({"a": 1}, {"a": 3}), ({"a": 1}, {"b": 2}), ({1, 2}, {1}), ([1, 2], [2, 1])):
        try:
            _added_items(before, after)
        except ValueError:
            continue
        raise AssertionError(f"{before} -> {after} was taken for an addition")

    class Generator:
        settings = {"WITH_FUTURE_DATES": True, "PLUGINS": []}

        def __init__(self):
            self.context = {"generated_content": {"old": object()}}
            self.articles = []

        def generate_context(self):
            self.articles = ["one"]
            self.context["generated_content"]["old"] = object()  # replaced, not added

    reading = ArticlesReading(str(tmp_path), "key")
    generator = Generator()
    reading.generate_context(generator)
    assert generator.articles == ["one"] and reading.made is None and not reading.reused
    assert reading.save(str(tmp_path), {}, 0) is True  # nothing made, nothing to keep
    assert not (tmp_path / FILE).exists()


def test_settings_that_date_articles_by_clock_or_file_time_are_never_served_a_kept_reading():
    assert _read_from_bytes_alone({"WITH_FUTURE_DATES": True})
    assert not _read_from_bytes_alone({"WITH_FUTURE_DATES": False})
    assert not _read_from_bytes_alone({"DEFAULT_DATE": "fs"})


def test_a_refused_build_keeps_no_reading_and_an_audit_reads_anyway(tmp_path):
    content, theme, output = built_once(tmp_path)
    kept = tmp_path / "output.work/cache" / FILE
    before = kept.read_bytes()
    # A problem found while reading: the build is refused, and what it read is not kept.
    article = content / "news/2020-07-08/giant-apple-melon.md"
    _replace(article, "Category: 三农", "Category: 不存在")
    children = child_processes()
    assert not attempt(content, theme, output, audit=False).ok
    assert kept.read_bytes() == before
    assert child_processes() == children  # the child pickling the refused reading was stopped and reaped
    edit_ledger(content)  # the bad article is still there: a CSV edit must not slip past it
    assert not attempt(content, theme, output, audit=False).ok
    _replace(article, "Category: 不存在", "Category: 三农")
    report = build(content, theme, output)  # an audit: reads, whatever is kept
    assert reused(report) is False and report["incremental"]["articles_reading_kept"] is True
    edit_ledger(content, b"263.17", b"273.17")
    assert reused(quick(content, theme, output)) is True
    assert files(output) == fresh(content, theme, tmp_path, "fresh")


def test_a_file_saved_while_the_build_read_keeps_no_reading(tmp_path):
    """Digests are taken before reading: an article saved (or added, or removed) after that may be
    in the reading under the key of its earlier bytes, so that reading is not kept."""
    import os
    import time

    root = tmp_path / "content"
    (root / "news").mkdir(parents=True)
    article, ledger = root / "news/a.md", root / "x.csv"
    article.write_text("Title: 一\n", encoding="utf-8")
    ledger.write_text("a\n", encoding="utf-8")
    old = time.time_ns() - 3_600_000_000_000
    for path in (article, ledger):
        os.utime(path, ns=(old, old))
    digested = {"news/a.md": [0, 0, 0, 0, "d"], "x.csv": [0, 0, 0, 0, "e"]}
    taken = time.time_ns()
    time.sleep(0.01)  # the writes below are after the digests, as an editor's save during a build
    assert not edited_during_build(str(root), digested, taken)
    ledger.write_text("b\n", encoding="utf-8")  # a CSV is no input of the reading
    assert not edited_during_build(str(root), digested, taken)
    article.write_text("Title: 二\n", encoding="utf-8")
    assert edited_during_build(str(root), digested, taken)
    (tmp_path / "cache").mkdir()
    reading = ArticlesReading(str(tmp_path / "cache"), "key", made=b"a reading of the earlier bytes")
    assert reading.save(str(root), digested, taken) is False and not (tmp_path / "cache" / FILE).exists()
    # One that could not be pickled was still what the pages were made from; a reused one was not read now.
    assert ArticlesReading(str(tmp_path / "cache"), "key").save(str(root), digested, taken) is False
    assert ArticlesReading(str(tmp_path / "cache"), "key", reused=True).save(str(root), digested, taken) is True
    assert edited_during_build(str(root), {**digested, "news/b.md": [0, 0, 0, 0, "f"]}, 0)  # one removed


def test_a_reused_reading_brings_each_articles_url_and_save_as_pinned(tmp_path, monkeypatch):
    """URLs and output paths are pinned before the reading is kept, so a ledger's rebuild works
    none out again from settings, and still writes what a clean build writes."""
    from pelican.contents import Article

    content, theme, output = built_once(tmp_path)
    worked_out = []
    original = Article._expand_settings  # what Pelican calls when no URL is pinned
    monkeypatch.setattr(Article, "_expand_settings", lambda self, key: worked_out.append(key) or original(self, key))
    edit_ledger(content)
    report = quick(content, theme, output)
    assert reused(report)
    assert "url" not in worked_out and "save_as" not in worked_out
    monkeypatch.undo()
    assert files(output) == fresh(content, theme, tmp_path, "fresh")


def spliced(report: dict) -> int:
    return report["incremental"]["articles_spliced"]


def test_an_article_whose_text_alone_changed_is_spliced_into_the_kept_reading(tmp_path):
    """An editor's correction: the kept reading is taken, the article read again and put in its
    place; pages, lists, related stories and the next build's reading are a fresh build's."""
    content, theme, output = built_once(tmp_path)
    melon = content / "news/2020-07-08/giant-apple-melon.md"
    melon.write_text(melon.read_text(encoding="utf-8") + "\n（本文有更正：瓜重1.6公斤。）\n", encoding="utf-8")
    report = quick(content, theme, output)
    assert spliced(report) == 1 and reused(report) is False
    # The generator groups are kept but for the pages whose keys reached the melon (its page, the
    # lists and related stories showing it): those alone are keyed and rendered again.
    assert report["incremental"]["generators_kept_in_part"] > 0
    assert "本文有更正" in (output / "news/2020/07/giant-apple-melon/index.html").read_text("utf-8")
    assert files(output) == fresh(content, theme, tmp_path, "fresh-text")
    # The spliced reading is the one kept: a ledger's rebuild takes it whole, with the new text.
    edit_ledger(content)
    report = quick(content, theme, output)
    assert reused(report) is True
    assert files(output) == fresh(content, theme, tmp_path, "fresh-then-ledger")
    # Two corrections at once, one of them a link to another article (resolved from the context).
    _replace(melon, "（本文有更正：瓜重1.6公斤。）", "（本文有两处更正。）")
    lottery = content / "news/2020-07-08/lottery-jackpot.md"
    lottery.write_text(
        lottery.read_text(encoding="utf-8") + "\n另见[苹果瓜]({filename}/news/2020-07-08/giant-apple-melon.md)。\n",
        encoding="utf-8",
    )
    report = quick(content, theme, output)
    assert spliced(report) == 2
    # Kept in part again, by the reach the first correction's groups recorded and the ledger's carried.
    assert report["incremental"]["generators_kept_in_part"] > 0
    assert 'href="../../../../news/2020/07/giant-apple-melon/"' in (
        output / "news/2020/07/lottery-jackpot/index.html"
    ).read_text("utf-8")
    assert files(output) == fresh(content, theme, tmp_path, "fresh-two")


def test_an_edit_that_moves_an_article_or_links_an_image_is_read_as_any_build_reads(tmp_path):
    content, theme, output = built_once(tmp_path)
    melon = content / "news/2020-07-08/giant-apple-melon.md"
    _replace(melon, "Summary: ", "Summary: 更正：")  # metadata: its cards change everywhere
    report = quick(content, theme, output)
    assert spliced(report) == 0 and not_read_again(report) > 0
    assert files(output) == fresh(content, theme, tmp_path, "fresh-summary")
    # A new static link to an image already there (added by the build before): the image must
    # reach the output, as Pelican's static_links bring it.
    (content / "news/2020-07-08/melon.png").write_bytes(PIXEL)
    quick(content, theme, output)
    assert not (output / "news/2020-07-08/melon.png").exists()
    melon.write_text(melon.read_text(encoding="utf-8") + "\n![瓜]({static}/news/2020-07-08/melon.png)\n", "utf-8")
    report = quick(content, theme, output)
    assert spliced(report) == 0
    assert (output / "news/2020-07-08/melon.png").read_bytes() == PIXEL
    assert files(output) == fresh(content, theme, tmp_path, "fresh-image")
    # A page's text is not an article: read as any build reads.
    _replace(content / "pages/about.md", "Title: 关于本站", "Title: 关于本站")
    about = content / "pages/about.md"
    about.write_text(about.read_text(encoding="utf-8") + "\n补充一句。\n", encoding="utf-8")
    report = quick(content, theme, output)
    assert spliced(report) == 0
    assert files(output) == fresh(content, theme, tmp_path, "fresh-page")


def test_no_splice_when_a_hook_after_reading_is_not_known_to_place_by_metadata(tmp_path):
    from pelican import signals

    content, theme, output = built_once(tmp_path)

    def counts_words(generator):  # a plugin deriving something from the text after reading
        for article in generator.articles:
            article.words = len(article._content)

    signals.article_generator_finalized.connect(counts_words)
    try:
        melon = content / "news/2020-07-08/giant-apple-melon.md"
        melon.write_text(melon.read_text(encoding="utf-8") + "\n补充一句。\n", encoding="utf-8")
        report = quick(content, theme, output)
    finally:
        signals.article_generator_finalized.disconnect(counts_words)
    assert spliced(report) == 0 and not_read_again(report) > 0
