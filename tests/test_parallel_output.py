"""Writing shared between worker processes (buildtools/parallel_output.py): the same bytes as one
process, every worker's warnings and failures reach the build, and no page is lost or doubled."""

from __future__ import annotations

import json
import logging
import os
import pathlib
import shutil
import signal

import jinja2
import pytest
from pelican.settings import DEFAULT_CONFIG
from pelican.writers import FileOverwriteFailedError

from buildtools.parallel_output import write_shared
from conftest import ROOT
from plugins.incremental_writer.incremental_writer import OutputRecord, UnchangedFilesWriter, share_of


def tree(root: pathlib.Path) -> dict[str, bytes]:
    return {str(path.relative_to(root)): path.read_bytes() for path in sorted(root.rglob("*")) if path.is_file()}


def test_a_shared_build_writes_the_same_bytes_as_one_process(tmp_path):
    from buildtools.build import build_site

    outputs = {}
    for workers in (1, 3):
        output = tmp_path / f"out-{workers}"
        result = build_site(
            str(ROOT / "pelicanconf.py"),
            str(output),
            {"BUILD_WORKERS": workers, "SEARCH_INDEX": False, "PRECOMPRESS": False},
        )
        assert result.ok, result.problems
        outputs[workers] = output
    one, shared = tree(outputs[1]), tree(outputs[3])
    assert len(one) > 200
    assert one.keys() == shared.keys()
    assert [name for name in one if one[name] != shared[name]] == []
    # the merged record: every page's render key, and the counts of the whole output
    keys = {
        workers: json.loads((tmp_path / f"out-{workers}.work" / "cache" / "render-keys.json").read_text())
        for workers in (1, 3)
    }
    assert {path: value[0] for path, value in keys[1].items()} == {path: value[0] for path, value in keys[3].items()}
    reports = {workers: json.loads((tmp_path / f"out-{workers}.build-report.json").read_text()) for workers in (1, 3)}
    assert reports[3]["incremental"]["written"] == reports[1]["incremental"]["written"] > 100


def test_a_shared_rebuild_after_one_edit_rewrites_only_that_page(tmp_path):
    import shutil

    from buildtools.build import build_site

    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    settings = tmp_path / "conf.py"
    settings.write_text(
        f"import sys\nsys.path.insert(0, {str(ROOT)!r})\nfrom pelicanconf import *\n"
        f"PATH = {str(content)!r}\nSEARCH_INDEX = False\nPRECOMPRESS = False\nBUILD_WORKERS = 2\n",
        encoding="utf-8",
    )
    output = tmp_path / "output"
    assert build_site(str(settings), str(output)).ok
    article = next(content.glob("news/**/*.md"))
    article.write_text(article.read_text(encoding="utf-8") + "\n（本文有更正。）\n", encoding="utf-8")
    result = build_site(str(settings), str(output), {"RENDER_KEYS_AUDIT": True})
    assert result.ok, result.problems
    counts = result.report["incremental"]
    assert 1 <= counts["written"] < 20 and counts["kept"] + counts["not_rendered"] > 100


# --- write_shared on pages made for the test: which worker renders a page is known in advance ---


def pages_for(share: int, workers: int, count: int, prefix: str) -> list[str]:
    names, number = [], 0
    while len(names) < count:
        name = f"{prefix}{number}/index.html"
        if share_of(name, workers) == share:
            names.append(name)
        number += 1
    return names


class PageList:
    """A generator writing one page per name through the writer, as Pelican's generators do."""

    def __init__(self, names, action=lambda name: ""):
        environment = jinja2.Environment(
            loader=jinja2.DictLoader({"page.html": "<p>{{ output_file }}{{ act(output_file) }}</p>"})
        )
        environment.globals["act"] = action
        self.template = environment.get_template("page.html")
        self.names = names

    def generate_output(self, writer):
        for name in self.names:
            writer.write_file(name, self.template, {"localsiteurl": ""})


def writer_for(output: pathlib.Path) -> UnchangedFilesWriter:
    writer = UnchangedFilesWriter(str(output), settings=dict(DEFAULT_CONFIG))
    writer.use_record(OutputRecord({}))
    return writer


def test_every_page_is_written_once_and_the_record_holds_them_all(tmp_path):
    names = pages_for(0, 2, 5, "a") + pages_for(1, 2, 5, "b")
    writer = writer_for(tmp_path)
    write_shared([PageList(names)], writer, 2, {})
    assert sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*.html")) == sorted(names)
    assert (tmp_path / names[-1]).read_text() == f"<p>{names[-1]}</p>"
    assert writer.record.tally["written"] == 10
    assert sorted(writer.record.render_keys) == sorted(names)
    assert len(writer.record.paths) == 10


def test_a_warning_logged_in_another_worker_reaches_the_build_once(tmp_path, caplog):
    logger = logging.getLogger("pelican.test")
    page = pages_for(1, 2, 1, "w")[0]

    def action(name):
        if name == page:
            logger.warning("链接 {filename}/missing.md 找不到")
        return ""

    with caplog.at_level(logging.WARNING):
        write_shared([PageList(pages_for(0, 2, 2, "x") + [page], action)], writer_for(tmp_path), 2, {})
    assert [record.getMessage() for record in caplog.records] == ["链接 {filename}/missing.md 找不到"]
    assert caplog.records[0].name == "pelican.test"


def test_an_error_in_another_worker_fails_with_its_message(tmp_path):
    page = pages_for(1, 2, 1, "e")[0]

    def action(name):
        if name == page:
            raise ValueError(f"{name}：模板出错")
        return ""

    with pytest.raises(ValueError, match=f"^{page}：模板出错$"):
        write_shared([PageList(pages_for(0, 2, 2, "y") + [page], action)], writer_for(tmp_path), 2, {})


def test_a_worker_that_dies_fails_the_build_with_a_clear_message(tmp_path):
    page = pages_for(1, 2, 1, "k")[0]

    def action(name):
        if name == page:
            os.kill(os.getpid(), signal.SIGKILL)  # as the kernel's OOM killer would
        return ""

    with pytest.raises(
        RuntimeError, match=r"^输出进程 1 未交回结果（被信号 9 终止）：它负责的页面没有写完，本次构建作废。$"
    ):
        write_shared([PageList(pages_for(0, 2, 2, "z") + [page], action)], writer_for(tmp_path), 2, {})


def test_two_pages_claiming_one_path_are_refused_whichever_worker_renders_it(tmp_path):
    twice = pages_for(1, 2, 1, "d")[0]
    with pytest.raises(FileOverwriteFailedError, match="already written"):
        write_shared([PageList([twice]), PageList([twice])], writer_for(tmp_path), 2, {})


@pytest.mark.parametrize("relative_urls", [True, False])
def test_another_workers_page_is_not_rendered_and_leaves_what_pelicans_writer_leaves(tmp_path, relative_urls):
    """A worker skips the pages of another's share before Pelican copies the context for them, but
    leaves what Pelican's write_file would: the context's localsiteurl, its record of the path and
    the refusal of a second page at that path."""
    from pelican.writers import Writer

    theirs = pages_for(1, 2, 1, "o")[0]
    rendered = []
    pages = PageList([theirs], action=lambda name: rendered.append(name) or "")
    writer = writer_for(tmp_path / "shared")
    writer.record.share, writer.record.workers = 0, 2
    context = {"localsiteurl": "../earlier/"}
    writer.write_file(theirs, pages.template, context, relative_urls=relative_urls)
    assert rendered == [] and not (tmp_path / "shared" / theirs).exists()
    pelicans = {"localsiteurl": "../earlier/"}
    Writer(str(tmp_path / "pelican"), settings=dict(DEFAULT_CONFIG)).write_file(
        theirs, pages.template, pelicans, relative_urls=relative_urls
    )
    assert rendered == [theirs] and context == pelicans
    assert writer.record.paths == {os.path.abspath(tmp_path / "shared" / theirs)}
    with pytest.raises(FileOverwriteFailedError, match="already written"):
        writer.write_file(theirs, pages.template, context, relative_urls=relative_urls)


class CopyingGenerator:
    """Stands for Pelican's StaticGenerator: output that is not pages through the writer."""


def test_copying_generators_run_in_one_worker_only(tmp_path, monkeypatch):
    from pelican.generators import StaticGenerator

    log = tmp_path / "copies.log"

    class Copies(StaticGenerator):
        def __init__(self):
            pass

        def generate_output(self, writer):
            with open(log, "a", encoding="utf-8") as handle:
                handle.write(f"{os.getpid()}\n")

    write_shared([PageList(pages_for(1, 3, 2, "c")), Copies()], writer_for(tmp_path / "out"), 3, {})
    assert log.read_text().splitlines() == [str(os.getpid())]


def test_build_workers_setting():
    from plugins.portal_data.workers import build_workers

    assert build_workers({"BUILD_WORKERS": 3}) == 3
    assert 1 <= build_workers({}) <= 4
    with pytest.raises(ValueError, match=r"^BUILD_WORKERS 应为正整数（例：2），现为 '2'$"):
        build_workers({"BUILD_WORKERS": "2"})


def test_indexed_lists_answer_in_as_lists_do_for_articles():
    from pelican.contents import Article

    from buildtools.parallel_output import IndexedList

    articles = [Article("<p>正文</p>", metadata={"title": f"第 {n} 篇"}) for n in range(3)]
    lookalike = Article("<p>正文</p>", metadata={"title": "第 0 篇"})
    indexed = IndexedList(articles[:2])
    assert indexed == articles[:2] and isinstance(indexed, list)
    assert (
        [article in indexed for article in [*articles, lookalike]]
        == [article in articles[:2] for article in [*articles, lookalike]]
        == [True, True, False, False]
    )


def test_an_editors_error_found_in_another_worker_keeps_its_positions(tmp_path):
    from plugins.portal_data import ContentError, DataError

    page = pages_for(1, 2, 1, "p")[0]

    def action(name):
        if name == page:
            raise ContentError([DataError("news/a.md", 7, 3, "bad-link", "链接指向的文章不存在")])
        return ""

    with pytest.raises(ContentError) as raised:
        write_shared([PageList([page], action)], writer_for(tmp_path), 2, {})
    assert raised.value.report() == "news/a.md:7:3: 链接指向的文章不存在\n共 1 处问题，请修改以上文件后重新构建。"
    assert str(raised.value) == raised.value.report() and len(raised.value.errors) == 1


def test_linear_period_archives_are_pelicans_archives():
    import datetime as dt
    import random
    from types import SimpleNamespace

    from pelican.generators import ArticlesGenerator
    from pelican.settings import DEFAULT_CONFIG

    from buildtools.parallel_output import LinearArchivesGenerator

    chooser = random.Random(8)
    articles = [
        SimpleNamespace(
            date=dt.datetime(2015, 1, 1) + dt.timedelta(days=chooser.randrange(3000), hours=n % 24), number=n
        )
        for n in range(400)
    ]
    chooser.shuffle(articles)
    dates = sorted(articles, key=lambda article: article.date, reverse=True)
    settings = {
        **DEFAULT_CONFIG,
        "YEAR_ARCHIVE_SAVE_AS": "archives/{date:%Y}/index.html",
        "MONTH_ARCHIVE_SAVE_AS": "archives/{date:%Y}/{date:%m}/index.html",
        "DAY_ARCHIVE_SAVE_AS": "archives/{date:%Y}/{date:%m}/{date:%d}/index.html",
    }
    pelicans = ArticlesGenerator._build_period_archives(None, dates, articles, settings)
    ours = LinearArchivesGenerator.__new__(LinearArchivesGenerator)._build_period_archives(dates, articles, settings)
    assert set(ours) == {"year", "month", "day"}
    assert ours == pelicans
    assert sum(len(archive["articles"]) for archive in ours["month"]) == 400


def child_processes() -> set[int]:
    children = set()
    for task in os.listdir(f"/proc/{os.getpid()}/task"):
        with open(f"/proc/{os.getpid()}/task/{task}/children") as handle:
            children |= {int(pid) for pid in handle.read().split()}
    return children


def test_a_failure_in_this_worker_stops_and_reaps_the_others(tmp_path):
    import time

    mine, theirs = pages_for(0, 3, 1, "f")[0], pages_for(1, 3, 1, "g") + pages_for(2, 3, 1, "h")
    before = child_processes()

    def action(name):
        if name == mine:
            raise ValueError("模板出错")
        if name in theirs:
            time.sleep(30)  # still rendering when this worker fails: stopped, not waited for
        return ""

    started = time.monotonic()
    with pytest.raises(ValueError, match="^模板出错$"):
        write_shared([PageList(theirs + [mine], action)], writer_for(tmp_path), 3, {})
    assert time.monotonic() - started < 20
    assert child_processes() == before  # every worker stopped and reaped: none left, no zombie


def test_a_warning_every_worker_logs_is_reported_once(tmp_path):
    """A generator's warning that does not depend on the page (every worker runs every generator)."""
    from buildtools.build import build_site

    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    article = next(content.glob("news/**/*.md"))
    article.write_text(
        article.read_text(encoding="utf-8") + "\n见[另一篇]({filename}/missing.md)。\n", encoding="utf-8"
    )
    result = build_site(
        str(ROOT / "pelicanconf.py"),
        str(tmp_path / "out"),
        {"PATH": str(content), "BUILD_WORKERS": 2, "SEARCH_INDEX": False, "PRECOMPRESS": False},
    )
    assert not result.ok
    missing = [problem for problem in result.problems if "missing.md" in problem]
    assert len(missing) == 1, result.problems


def test_a_wrong_build_workers_setting_fails_the_build_with_its_message(tmp_path):
    from buildtools.build import build_site

    result = build_site(
        str(ROOT / "pelicanconf.py"),
        str(tmp_path / "out"),
        {"BUILD_WORKERS": "2", "SEARCH_INDEX": False, "PRECOMPRESS": False},
    )
    assert not result.ok
    assert result.problems == ["设置有误：BUILD_WORKERS 应为正整数（例：2），现为 '2'"]


def test_without_fork_prctl_or_affinity_the_build_runs_in_one_process_with_the_same_bytes(tmp_path, monkeypatch):
    """Windows has no fork, macOS no prctl or sched_getaffinity: the build falls back to this one
    process (Markdown, pages, compressed copies) and writes exactly what the shared build writes."""
    import ctypes

    from buildtools.build import build_site
    from plugins.portal_data import workers

    overrides = {"BUILD_WORKERS": 3, "SEARCH_INDEX": False, "PRECOMPRESS": True}
    shared = tmp_path / "shared"
    assert build_site(str(ROOT / "pelicanconf.py"), str(shared), overrides).ok

    monkeypatch.delattr(os, "fork")
    monkeypatch.delattr(os, "sched_getaffinity")
    monkeypatch.setattr(ctypes, "CDLL", None)  # no prctl through libc either
    assert not workers.can_fork() and workers.usable_cpus() == (os.cpu_count() or 1)
    assert workers.build_workers({"BUILD_WORKERS": 3}) == workers.build_workers({}) == 1
    alone = tmp_path / "alone"
    result = build_site(str(ROOT / "pelicanconf.py"), str(alone), overrides)
    assert result.ok, result.problems
    one, parallel = tree(alone), tree(shared)
    assert len(one) > 400 and any(name.endswith(".br") for name in one)
    assert one.keys() == parallel.keys()
    assert [name for name in one if one[name] != parallel[name]] == []


@pytest.mark.parametrize("layer", ["reader", "generator"])
def test_the_articles_generator_stamps_files_only_for_a_generator_level_cache(tmp_path, layer):
    """Pelican digests every file to look it up in, and to store it into, the generator-level
    cache even when that layer is off and the cache empty; the articles generator does not, and
    with the layer on it caches as Pelican does."""
    from pelican.settings import DEFAULT_CONFIG

    from buildtools.parallel_output import LinearArchivesGenerator

    (tmp_path / "content").mkdir()
    (tmp_path / "content/a.md").write_text("Title: 甲\nDate: 2020-07-08\n\n正文\n", encoding="utf-8")
    settings = {
        **DEFAULT_CONFIG,
        "PATH": str(tmp_path / "content"),
        "CACHE_PATH": str(tmp_path / "cache"),
        "CACHE_CONTENT": True,
        "LOAD_CONTENT_CACHE": True,
        "CONTENT_CACHING_LAYER": layer,
        "CHECK_MODIFIED_METHOD": "md5",
    }
    generator = LinearArchivesGenerator(
        context={}, settings=settings, path=settings["PATH"], theme=DEFAULT_CONFIG["THEME"], output_path=str(tmp_path)
    )
    stamped = []
    original = generator._get_file_stamp
    generator._get_file_stamp = lambda filename: stamped.append(filename) or original(filename)
    generator.cache_data("a.md", "甲的文章")
    assert generator.get_cached_data("a.md", None) == (None if layer == "reader" else "甲的文章")
    assert stamped == ([] if layer == "reader" else ["a.md", "a.md"])


def test_an_article_is_named_by_its_file_only_while_its_text_is_as_read(monkeypatch):
    """Render keys may name an article by its file's digest instead of digesting its text only
    while that text (and summary) is the very one read from the file, and only when reading
    depends on the file and the settings alone."""
    import datetime

    from pelican.contents import Article
    from pelican.generators import ArticlesGenerator

    from buildtools import parallel_output
    from buildtools.articles_reading import ArticlesReading
    from buildtools.parallel_output import read_from_identities

    settings = {**DEFAULT_CONFIG, "PATH": "/site"}

    def article(name: str) -> Article:
        metadata = {"title": name, "slug": name, "date": datetime.datetime(2020, 7, 8)}
        return Article("<p>正文</p>", metadata=metadata, settings=settings, source_path=f"/site/news/{name}.md")

    untouched, rewritten, summarised, unread = (article(name) for name in ("a", "b", "c", "d"))
    generator = object.__new__(ArticlesGenerator)
    generator.settings = settings
    for name in ("translations", "hidden_translations", "hidden_articles", "drafts_translations", "drafts"):
        setattr(generator, name, [])
    generator.articles = [untouched, rewritten, summarised, unread]
    as_read = {id(item): (item, dict(vars(item))) for item in generator.articles}
    rewritten._content = "<p>正文，另见<a href='/news/a.html'>一</a></p>"  # a plugin after reading
    summarised._summary = "改写的摘要"
    digests = {f"news/{name}.md": f"digest-{name}" for name in "abc"}  # d: not an input of the reading
    reading = ArticlesReading("/nowhere", "key", digests=digests)

    # Whatever hooks other tests left connected: those two conditions are tested on their own below.
    monkeypatch.setattr(parallel_output, "may_keep_as_read", lambda settings: True)
    monkeypatch.setattr(parallel_output, "placing_hooks_known", lambda: True)
    found = read_from_identities([generator], reading, as_read)
    assert list(found) == [id(untouched)]
    reading.digests = {**digests, "news/a.md": "another"}
    assert read_from_identities([generator], reading, as_read)[id(untouched)] != found[id(untouched)]
    monkeypatch.setattr(parallel_output, "placing_hooks_known", lambda: False)  # a hook that may write into a text
    assert read_from_identities([generator], reading, as_read) == {}
    monkeypatch.setattr(parallel_output, "placing_hooks_known", lambda: True)
    monkeypatch.setattr(parallel_output, "may_keep_as_read", lambda settings: False)
    assert read_from_identities([generator], reading, as_read) == {}


def test_the_folder_is_walked_for_files_of_disabled_readers_only_when_a_reader_is_disabled():
    """Pelican's check_disabled_readers walks the whole content folder to warn of files no enabled
    reader reads; with no reader disabled nothing can match, so the build does not call it."""
    from types import SimpleNamespace

    from buildtools.parallel_output import has_disabled_readers

    assert has_disabled_readers(SimpleNamespace(readers=SimpleNamespace(disabled_extensions={"md": object()}.keys())))
    assert not has_disabled_readers(SimpleNamespace(readers=SimpleNamespace(disabled_extensions={}.keys())))
    assert has_disabled_readers(SimpleNamespace())  # a generator of its own kind: Pelican decides
