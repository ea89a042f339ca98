"""Every build writes a report beside its output: pages by kind, changes since the previous output,
warnings and phase times; a failing build reports its problems and leaves the output alone."""

from __future__ import annotations

import json
import pathlib
import shutil

from buildtools.build import build_site
from buildtools.report import page_kind

ROOT = pathlib.Path(__file__).resolve().parent.parent.parent
ARTICLE = "news/2020-07-08/lottery-jackpot.md"


def copy_content(tmp_path: pathlib.Path) -> pathlib.Path:
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    return content


def build(content: pathlib.Path, output: pathlib.Path):
    return build_site(
        str(ROOT / "pelicanconf.py"), str(output), {"PATH": str(content), "BUILD_TIME": "2030-01-01T00:00"}
    )


def test_report_counts_pages_by_kind_and_lies_outside_the_served_folder(tmp_path):
    output = tmp_path / "output"
    result = build(copy_content(tmp_path), output)
    report = json.loads((tmp_path / "output.build-report.json").read_text(encoding="utf-8"))
    assert result.ok and report["ok"] and report == result.report
    pages = [p.relative_to(output).as_posix() for p in output.rglob("*.html")]
    assert report["pages"] == len(pages) and report["pages_by_kind"]["news"] == 5
    assert report["pages_by_kind"] == {
        kind: sum(page_kind(p) == kind for p in pages) for kind in report["pages_by_kind"]
    }
    assert set(report["phases_s"]) >= {"read", "write", "search-and-precompress", "report"}
    assert report["articles"] == 5 and report["warnings"] == []
    assert not list(output.rglob("*report*"))


def test_report_names_the_pages_one_edit_changed(tmp_path):
    content = copy_content(tmp_path)
    output = tmp_path / "output"
    build(content, output)
    before = {p: p.read_bytes() for p in output.rglob("*.html")}
    article = content / ARTICLE
    article.write_text(article.read_text(encoding="utf-8").replace("老彩民。", "老彩民了。"), encoding="utf-8")
    report = build(content, output).report
    changed = sorted(p.relative_to(output).as_posix() for p in output.rglob("*.html") if p.read_bytes() != before[p])
    assert changed == ["news/2020/07/lottery-jackpot/index.html"]
    # Besides the page, only the search index changes (it indexes the edited text).
    assert report["pages_changed"] == 1
    assert [p for p in report["changed_paths"]["changed"] if not p.startswith("search-index/")] == changed


def test_a_failing_build_reports_its_problems_and_keeps_the_output(tmp_path):
    content = copy_content(tmp_path)
    output = tmp_path / "output"
    build(content, output)
    kept = (output / "index.html").read_bytes()
    article = content / ARTICLE
    article.write_text(
        article.read_text(encoding="utf-8").replace("Edition_Position: 4", "Edition_Position: 1"), encoding="utf-8"
    )
    result = build(content, output)
    report = json.loads((tmp_path / "output.build-report.json").read_text(encoding="utf-8"))
    assert not result.ok and not report["ok"]
    assert any(":19: 2020-07-08 这一期已有第 1 篇" in problem for problem in report["problems"]), report["problems"]
    assert (output / "index.html").read_bytes() == kept


NEW_LEAD = """Title: 测试用头条
Date: 2020-07-09
Category: 社会
Slug: test-lead
Author: 测试记者
Summary: 只在测试里出现的文章。
Edition: 2020-07-09
Edition_Position: 1

只在测试里出现的文章。
"""


def test_the_report_says_when_a_newer_editions_lead_becomes_the_front_pages_lead(tmp_path):
    from buildtools.report import summary

    content = copy_content(tmp_path)
    output = tmp_path / "output"
    first = build(content, output).report
    assert first["front_page_lead"]["source"] == "news/2020-07-08/wechat-group-supervision-best-case.md"
    assert first["front_page_lead_before"] is None and "头条" not in summary(first)
    (content / "news" / "2020-07-09").mkdir()
    (content / "news" / "2020-07-09" / "test-lead.md").write_text(NEW_LEAD, encoding="utf-8")
    second = build(content, output).report
    lines = [line for line in summary(second).splitlines() if "头条" in line]
    assert lines == [
        "首页头条换成了《测试用头条》（2020-07-09 这一期，news/2020-07-09/test-lead.md），"
        "原头条《醴陵新时代网上群众路线这样走》"
    ]
    third = build(content, output).report  # nothing changed: the same lead, no line
    assert third["front_page_lead"] == second["front_page_lead"] and "头条" not in summary(third)
