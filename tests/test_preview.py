"""`invoke serve`'s fast path (buildtools/preview.py): a saved article's page shown before the build,
equal to what the build then writes, and the output after the build equal to a clean build's."""

from __future__ import annotations

import contextlib
import json
import pathlib
import re
import shutil
from collections.abc import Iterator

from buildtools.build import build_site
from buildtools.preview import PreviewSession

ROOT = pathlib.Path(__file__).resolve().parent.parent
ARTICLE = "news/2020-07-08/giant-apple-melon.md"
PAGE = "news/2020/07/giant-apple-melon/index.html"


def copy_site(tmp_path: pathlib.Path) -> tuple[pathlib.Path, pathlib.Path]:
    """A copy of the real content and its settings file (a fixed build time, so builds compare)."""
    shutil.copytree(ROOT / "content", tmp_path / "content")
    settings = tmp_path / "settings.py"
    settings.write_text(
        f"import sys\nsys.path.insert(0, {str(ROOT)!r})\nfrom pelicanconf import *\n"
        f"PATH = {str(tmp_path / 'content')!r}\nBUILD_TIME = '2030-01-01T00:00'\n",
        encoding="utf-8",
    )
    return tmp_path / "content", settings


def files(root: pathlib.Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def clean_build(settings: pathlib.Path, output: pathlib.Path) -> dict[str, bytes]:
    result = build_site(str(settings), str(output), {"INCREMENTAL_BUILD": False})
    assert result.ok, result.problems
    return files(output)


def add_to_body(article: pathlib.Path, paragraph: str) -> None:
    article.write_text(article.read_text(encoding="utf-8") + f"\n{paragraph}\n", encoding="utf-8")


@contextlib.contextmanager
def started_session(tmp_path) -> Iterator[tuple[pathlib.Path, pathlib.Path, pathlib.Path, PreviewSession]]:
    """(content, settings, output, session) after the session's first build; closed when the block ends."""
    content, settings = copy_site(tmp_path)
    output = tmp_path / "output"
    session = PreviewSession(str(settings), str(output), workers=1)
    try:
        assert session.build()
        assert session.warm.generators is not None  # the serve process keeps what the build read
        yield content, settings, output, session
    finally:
        session.close()


def test_a_body_edit_is_shown_at_once_as_the_build_then_writes_it(tmp_path):
    with started_session(tmp_path) as (content, settings, output, session):
        add_to_body(content / ARTICLE, "王锋说，明年还要多种一亩。")
        work_page = tmp_path / "output.work" / "site" / PAGE
        kept_in_work = work_page.read_bytes()
        before_link = (output / PAGE).stat().st_ino
        shown = session.show(str(content / ARTICLE))
        assert shown.page == str(output / PAGE), shown.reason
        fast_page = (output / PAGE).read_bytes()
        assert "明年还要多种一亩" in fast_page.decode("utf-8")
        assert (output / PAGE).stat().st_ino != before_link  # replaced by rename, not written through
        assert work_page.read_bytes() == kept_in_work  # the output's hard link into the work folder is left alone
        assert session.build()
        assert (output / PAGE).read_bytes() == fast_page
        assert files(output) == clean_build(settings, tmp_path / "clean")


def test_a_refused_edit_leaves_the_page_and_prints_the_builds_message(tmp_path, capsys):
    with started_session(tmp_path) as (content, _settings, output, session):
        served = (output / PAGE).read_bytes()
        article = content / ARTICLE
        article.write_text(
            article.read_text(encoding="utf-8").replace("Date: 2020-07-08\n", "Date: 2020-7-8\n"), encoding="utf-8"
        )
        session.saved(str(article))
        session.wait()
        assert (output / PAGE).read_bytes() == served
        printed = capsys.readouterr()
        assert re.search(rf"{re.escape(ARTICLE)}:3:\d+: ", printed.err), printed.err
        assert "已先更新" not in printed.out


def test_unsafe_html_in_the_body_is_not_shown_before_the_build_refuses_it(tmp_path, capsys):
    with started_session(tmp_path) as (content, _settings, output, session):
        served = (output / PAGE).read_bytes()
        add_to_body(content / ARTICLE, "<script>alert(1)</script>")
        assert session.show(str(content / ARTICLE)).page is None
        assert not session.build()
        assert (output / PAGE).read_bytes() == served
        assert ARTICLE in capsys.readouterr().err


def test_a_save_during_the_build_is_built_after_it(tmp_path):
    with started_session(tmp_path) as (content, settings, output, session):
        add_to_body(content / ARTICLE, "第一次保存。")
        session.saved(str(content / ARTICLE))  # shown, and the build starts in the background
        add_to_body(content / ARTICLE, "第二次保存，构建还在进行。")
        session.saved(str(content / ARTICLE))  # waits for that build
        session.wait()
        page = (output / PAGE).read_text(encoding="utf-8")
        assert "第一次保存" in page and "第二次保存" in page
        assert files(output) == clean_build(settings, tmp_path / "clean")


def test_changed_front_matter_and_other_files_go_to_the_build(tmp_path):
    with started_session(tmp_path) as (content, _settings, output, session):
        article = content / ARTICLE
        article.write_text(
            article.read_text(encoding="utf-8").replace("Title: 醴陵农民", "Title: 醴陵市农民"), encoding="utf-8"
        )
        assert session.show(str(article)).page is None  # the title is in lists: the build shows it
        assert session.show(str(content / "sections.toml")).page is None
        session.saved(str(content / "news/2020-07-08/.giant-apple-melon.md.swx"))  # an editor's temporary file
        assert session._thread is None  # started no build
        new_article = content / "news/2020-07-08/new-story.md"
        shutil.copy(article, new_article)
        assert session.show(str(new_article)).page is None


def test_a_serve_started_on_an_up_to_date_output_reads_the_site_to_keep_it_warm(tmp_path):
    with started_session(tmp_path) as (content, settings, output, _first):
        pass  # a first session built the output and has stopped
    session = PreviewSession(str(settings), str(output), workers=1)
    try:
        assert session.build()
        report = json.loads((tmp_path / "output.build-report.json").read_text(encoding="utf-8"))
        assert report["incremental"]["unchanged_inputs"] is True  # the build reused the output, read nothing
        assert session.warm.generators is not None
        add_to_body(content / ARTICLE, "合作社还打算注册商标。")
        assert session.show(str(content / ARTICLE)).page == str(output / PAGE)
        fast_page = (output / PAGE).read_bytes()
        assert session.build()
        assert (output / PAGE).read_bytes() == fast_page
    finally:
        session.close()


def test_the_preview_reads_with_the_builds_own_content_cache(tmp_path):
    """The preview's reading loads the content cache the build wrote (both read it with the
    same settings, uncompressed): it would silently start empty if they disagreed."""
    from pelican.readers import Readers

    with started_session(tmp_path) as (_content, _settings, _output, session):
        readers = Readers(session.reading_settings(), "LinearArchivesGenerator-Readers")
        assert any(path.endswith(ARTICLE) for path in readers._cache)
