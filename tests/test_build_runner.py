"""The build runner: a content error or a Pelican warning fails the build, prints positions
without a traceback, and leaves the previous output exactly as it was."""

from __future__ import annotations

import logging

from build_helpers import EDITIONS_FIXTURE, copy_with_change, run_build, settings_for

from conftest import ROOT

DUPLICATE_SLOT = ROOT / "plugins" / "editions" / "test_data" / "duplicate"


def test_content_error_fails_without_traceback_and_keeps_old_output(tmp_path):
    output = tmp_path / "output"
    output.mkdir()
    (output / "index.html").write_text("the live site", encoding="utf-8")
    result = run_build(settings_for(tmp_path, DUPLICATE_SLOT), output)
    assert result.returncode == 1
    assert "b.md:8:19: 2021-03-02 这一期已有第 1 篇（a.md）；每篇文章的 Edition_Position 应不同" in result.stderr
    assert "共 1 处问题" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert (output / "index.html").read_text(encoding="utf-8") == "the live site"
    # no staging left behind; the build report, the lock and the incremental work folder sit
    # beside the output, never inside it
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "output",
        "output.build-report.json",
        "output.lock",
        "output.work",
        "testconf.py",
    ]


def link_to_a_missing_file(text: str) -> str:
    return text + "\n见[另一篇]({filename}/missing.md)。\n"


def test_pelican_warning_about_broken_content_fails_the_build(tmp_path):
    content = copy_with_change(EDITIONS_FIXTURE, tmp_path / "content", "a.md", link_to_a_missing_file)
    result = run_build(settings_for(tmp_path, content), tmp_path / "output")
    assert result.returncode == 1
    assert "missing.md" in result.stderr
    assert not (tmp_path / "output").exists()


def test_clean_build_swaps_the_new_site_in(tmp_path):
    output = tmp_path / "output"
    output.mkdir()
    (output / "stale.html").write_text("old", encoding="utf-8")
    result = run_build(settings_for(tmp_path, EDITIONS_FIXTURE), output)
    assert result.returncode == 0, result.stderr
    assert "构建完成" in result.stdout
    assert not (output / "stale.html").exists()
    assert (output / "editions" / "2021-03-02" / "index.html").is_file()


def test_unresolved_filename_link_names_the_article_line_and_column(tmp_path):
    content = copy_with_change(EDITIONS_FIXTURE, tmp_path / "content", "b.md", link_to_a_missing_file)
    result = run_build(settings_for(tmp_path, content), tmp_path / "output")
    assert result.returncode == 1
    assert "b.md:12:8: 链接的文件“{filename}/missing.md”不存在（应在 missing.md）" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "output").exists()


def test_missing_template_fails_the_build_naming_the_file(tmp_path):
    content = copy_with_change(EDITIONS_FIXTURE, tmp_path / "content", "a.md", lambda text: "Template: fancy\n" + text)
    result = run_build(settings_for(tmp_path, content), tmp_path / "output")
    assert result.returncode == 1
    assert "a.md:1:11: Template “fancy”在主题里不存在" in result.stderr
    assert not (tmp_path / "output").exists()


def test_problems_from_every_plugin_are_reported_in_one_run(tmp_path):
    """A Markdown mistake must not hide a CSV mistake until the next build (and vice versa)."""
    content = copy_with_change(
        ROOT / "content",
        tmp_path / "content",
        "news/2020-07-08/lottery-jackpot.md",
        lambda text: text.replace("Edition_Position: 4", "Edition_Position: 1"),
    )
    ledger = content / "disclosures" / "finance" / "xiangshui" / "2020-05.csv"
    ledger.write_text(ledger.read_text(encoding="utf-8-sig").replace(",8000.00,", ",8000.0o,"), encoding="utf-8-sig")
    result = run_build(settings_for(tmp_path, content, flat=False), tmp_path / "output")
    assert result.returncode == 1
    assert (
        "news/2020-07-08/wechat-group-supervision-best-case.md:11:19: 2020-07-08 这一期已有第 1 篇"
        "（news/2020-07-08/lottery-jackpot.md）"
    ) in result.stderr
    assert "disclosures/finance/xiangshui/2020-05.csv:2:6:" in result.stderr
    assert "共 2 处问题" in result.stderr


def test_every_build_in_one_process_hears_pelicans_warnings_again(tmp_path):
    """Pelican logs each warning once per process (LimitFilter's class-wide sets); a second build in
    the same process (`invoke serve`, the tests) must not pass silently what the first refused."""
    from pelican.log import LimitFilter

    from buildtools.stages import load_settings, run_pelican

    heard_before = (logging.WARNING, "Unable to find '/missing.md', skipping url replacement.")
    LimitFilter._raised_messages.add(heard_before)
    LimitFilter._group_count["an earlier build's group"] = 9
    settings = load_settings(str(settings_for(tmp_path, EDITIONS_FIXTURE)), {"OUTPUT_PATH": str(tmp_path / "out")})
    problems, _warnings = run_pelican(settings, write=False)
    assert problems == []
    assert heard_before not in LimitFilter._raised_messages
    assert "an earlier build's group" not in LimitFilter._group_count
