"""The problem list (问题清单) as built from content/disclosures/: figures recomputed independently from the
CSV, every problem's 结果公示 page, downloads, the personal-data guard on both text columns, and
`invoke check` and `invoke build` refusing a bad file with the same message."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import shutil
import subprocess
import sys
import zoneinfo

import chinese_calendar
import pytest
from test_build_runner import run_build, settings_for

from conftest import ROOT, parse

SOURCE = ROOT / "content" / "disclosures" / "problems.csv"
REGISTER = "disclosures/problems/"
HEADER = (
    "编号,村社区代码,反映日期,反映渠道,问题摘要,办理类型,责任单位,交办日期,办结日期,办理结果,群众评价,更新日期".split(
        ","
    )
)
VILLAGES = {"xiangshui", "huatang", "qingtan", "jinqiao", "changling", "xinyang"}


def source_rows() -> list[dict]:
    return list(csv.DictReader(io.StringIO(SOURCE.read_bytes().decode("utf-8-sig"))))


def today() -> dt.date:
    """The build date the session's site was built for (no BUILD_TIME: now, in Beijing)."""
    return dt.datetime.now(zoneinfo.ZoneInfo("Asia/Shanghai")).date()


def due(row) -> dt.date | None:
    """Independently of the plugin: the package's own search for the n-th working day after 交办."""
    assigned = dt.date.fromisoformat(row["交办日期"])
    days = {"急办": 0, "一般": 5, "复杂": 15}.get(row["办理类型"])
    if days is None:
        return None
    return assigned if days == 0 else chinese_calendar.find_workday(days - 1, assigned + dt.timedelta(days=1))


def expected_figures() -> dict:
    rows, now = source_rows(), today()
    timed = [row for row in rows if row["办理类型"] != "重大"]
    closed = [row for row in rows if row["办结日期"]]
    on_time = [row for row in timed if row["办结日期"] and dt.date.fromisoformat(row["办结日期"]) <= due(row)]
    late = [row for row in timed if row["办结日期"] and dt.date.fromisoformat(row["办结日期"]) > due(row)]
    overdue = [row for row in timed if not row["办结日期"] and now > due(row)]
    return {
        "total": len(rows),
        "closed": len(closed),
        "on_time": len(on_time),
        "late": len(late),
        "overdue": len(overdue),
        "rate": f"{len(on_time) * 100 / (len(on_time) + len(late) + len(overdue)):.1f}%",
        "kinds": {kind: sum(row["办理类型"] == kind for row in rows) for kind in ("急办", "一般", "复杂", "重大")},
        "channels": {ch: sum(row["反映渠道"] == ch for row in rows) for ch in ("微信群", "网格员", "电话", "来访")},
    }


def test_sample_data_meets_the_brief():
    rows = source_rows()
    assert list(rows[0]) == HEADER and len(rows) >= 40
    assert {row["村社区代码"] for row in rows} == VILLAGES
    assert {row["办理类型"] for row in rows} == {"急办", "一般", "复杂", "重大"}
    assert {row["反映渠道"] for row in rows} == {"微信群", "网格员", "电话", "来访"}
    reported = sorted(row["反映日期"] for row in rows)
    assert reported[0] >= "2020-05-01" and max(row["交办日期"] for row in rows) <= "2020-07-31"
    # 端午 (25–27 June 2020, Sunday 28 June worked) falls inside some deadlines.
    across_duanwu = [row for row in rows if due(row) and row["交办日期"] < "2020-06-25" < due(row).isoformat()]
    assert len(across_duanwu) >= 3
    # Closed on time, closed late, open, and explained all occur (open ones are overdue by now).
    assert {"on_time", "late", "overdue"} <= {key for key, value in expected_figures().items() if value}
    assert any(not row["办结日期"] and row["办理类型"] != "重大" and due(row) >= dt.date(2020, 7, 31) for row in rows)


def test_headline_figures_are_recomputed_from_the_csv(page):
    figures = expected_figures()
    register = page(REGISTER)
    tally = register.select_one(".lp-problem-tally")
    assert (
        tally.select_one(".lp-problem-tally__count").get_text()
        == f"共交办问题清单 {figures['total']} 个，办结 {figures['closed']} 个"
    )
    assert tally.select_one(".lp-problem-tally__rate").get_text() == figures["rate"]
    text = " ".join(tally.get_text().split())
    assert (
        f"按期办结 {figures['on_time']} 个，超期办结 {figures['late']} 个，逾期未办结 {figures['overdue']} 个" in text
    )
    for kind, count in figures["kinds"].items():
        assert f"{kind} {count} 个" in text
    for channel, count in figures["channels"].items():
        assert f"{channel} {count} 个" in text
    assert figures["total"] != 276  # the article's real figures stay in the news


def test_overdue_problems_come_first_and_every_row_is_in_the_register(page):
    register = page(REGISTER)
    statuses = [row["data-status"] for row in register.select("#problem-table tr.lp-problem-table__row")]
    assert len(statuses) == len(source_rows())
    order = ["overdue", "open", "closed", "explained"]
    assert statuses == sorted(statuses, key=order.index) and statuses[0] == "overdue"


def test_register_works_without_javascript(page):
    register = page(REGISTER)
    form = register.select_one("form[data-register-filter='problem-table']")
    assert form.has_attr("hidden")  # the script reveals it; without it the whole table shows
    links = [a["href"] for a in register.select(".lp-problem-tally a")]
    assert "#problem-table-overdue" in links and register.select_one("#problem-table-overdue")
    assert len(register.select(".lp-problem-browse__link")) == len(VILLAGES) + len(
        {row["责任单位"] for row in source_rows() if row["责任单位"].startswith("醴陵市")}
    )


@pytest.mark.parametrize("index", [0, 33, 10, 38])
def test_every_field_of_a_row_is_on_its_page(page, index):
    row = source_rows()[index]
    problem = page(f"{REGISTER}items/{row['编号']}/")
    assert problem.h1.get_text() == row["问题摘要"]
    assert problem.select_one(".lp-sample-notice")
    fields = dict(
        zip(
            [d.get_text() for d in problem.select(".lp-problem__fields dt")],
            [d.get_text().strip() for d in problem.select(".lp-problem__fields dd")],
        )
    )
    assert fields["反映日期"] == row["反映日期"] and fields["反映渠道"] == row["反映渠道"]
    assert fields["责任单位"] == row["责任单位"] and fields["交办日期"] == row["交办日期"]
    unclosed = "不适用（重大事项以解释说明答复）" if row["办理类型"] == "重大" else "未办结"
    assert fields["办结日期"] == (row["办结日期"] or unclosed)
    assert fields["群众评价"] == (row["群众评价"] or "暂无评价")
    assert fields["办理期限"].startswith(due(row).isoformat() if due(row) else "不设时限")
    if row["办理结果"]:
        assert problem.select_one(".lp-problem__result").get_text() == row["办理结果"]
    article = problem.select_one("article[data-pagefind-body]")
    assert article["data-pagefind-filter"] == "栏目:问题清单"


def test_a_problem_assigned_before_duanwu_is_due_on_1_july(page):
    row = next(
        row
        for row in source_rows()
        if row["交办日期"] == "2020-06-23" and row["办理类型"] == "一般" and row["办结日期"] == "2020-07-01"
    )
    problem = page(f"{REGISTER}items/{row['编号']}/")
    timeline = [" ".join(li.get_text().split()) for li in problem.select(".lp-problem__timeline li")]
    assert "2020-07-01 办理期限" in timeline
    assert problem.select_one(".lp-problem-status").get_text() == "已办结"


def test_village_and_department_pages_list_exactly_their_problems(page):
    rows = source_rows()
    for code in VILLAGES:
        village = page(f"{REGISTER}villages/{code}/")
        numbers = [td.get_text() for td in village.select(".lp-problem-table__number")]
        assert sorted(numbers) == sorted(row["编号"] for row in rows if row["村社区代码"] == code)
    water = page(f"{REGISTER}departments/shuili/")
    numbers = [td.get_text() for td in water.select(".lp-problem-table__number")]
    assert sorted(numbers) == sorted(row["编号"] for row in rows if row["责任单位"] == "醴陵市水利局")


def test_downloads_round_trip_and_the_package_validates(site):
    data = (site / REGISTER / "problems.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    assert list(csv.DictReader(io.StringIO(data.decode("utf-8-sig")))) == source_rows()
    document = json.loads((site / REGISTER / "problems.json").read_text(encoding="utf-8"))
    assert document["sample_data"] is True and document["total"] == len(source_rows())
    import frictionless  # requirements-test.txt

    report = frictionless.validate(str(site / REGISTER / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])


def test_feed_lists_newly_closed_problems_newest_first(site):
    import feedparser

    feed = feedparser.parse((site / REGISTER / "closed.atom.xml").read_bytes())
    closed = sorted(
        (row for row in source_rows() if row["办结日期"]), key=lambda r: (r["办结日期"], r["编号"]), reverse=True
    )
    assert [entry.link.rstrip("/").rsplit("/", 1)[-1] for entry in feed.entries] == [row["编号"] for row in closed]
    assert feed.entries[0].link.startswith("http://127.0.0.1:8000/")
    assert all(entry.summary.startswith("【示例数据】") for entry in feed.entries)


def test_problems_are_listed_in_the_zhengwu_section_and_the_sitemap(site):
    section_pages = sorted((site / "zhengwu").rglob("index.html"))
    linked = {a["href"] for path in section_pages for a in parse(path).select("a[href]")}
    assert sum("disclosures/problems/items/" in href for href in linked) == len(source_rows())
    assert f"/{REGISTER}</loc>" in (site / "sitemap.xml").read_text(encoding="utf-8")


def copy_content(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    return content


def replace_in_problems(content, old: str, new: str):
    path = content / "disclosures" / "problems.csv"
    text = path.read_bytes().decode("utf-8-sig")
    assert old in text
    path.write_bytes(b"\xef\xbb\xbf" + text.replace(old, new, 1).encode("utf-8"))


def line_of(text: str) -> int:
    lines = SOURCE.read_bytes().decode("utf-8-sig").split("\r\n")
    return next(number for number, line in enumerate(lines, start=1) if text in line)


def test_personal_data_guard_covers_both_text_columns(tmp_path):
    from pelican.settings import read_settings

    from plugins.personal_data_guard.guard import personal_data_problems

    content = copy_content(tmp_path)
    replace_in_problems(content, "三盏路灯不亮", "三盏路灯不亮，联系电话13907331234")
    replace_in_problems(content, "三盏路灯已恢复照明", "三盏路灯已恢复照明，经办人身份证430281198506131231")
    settings = read_settings(str(settings_for(tmp_path, content, flat=False)))
    found = [
        (e.path, e.line, e.column, e.code)
        for e in personal_data_problems(settings)
        if e.path == "disclosures/problems.csv"
    ]
    assert found == [
        ("disclosures/problems.csv", 2, 5, "personal-data-mobile"),
        ("disclosures/problems.csv", 2, 10, "personal-data-id-card"),
    ]


def test_check_and_build_refuse_a_bad_file_with_the_same_message(tmp_path):
    content = copy_content(tmp_path)
    number = "2020-0034"
    replace_in_problems(content, f"{number},jinqiao,2020-06-23,微信群", f"{number},jinqiao,2020-06-23,微博")
    expected = (
        f"disclosures/problems.csv:{line_of(number)}:4: 反映渠道“微博”不认识；应为 微信群、网格员、电话、来访 之一"
    )
    settings = settings_for(tmp_path, content, flat=False)
    check = subprocess.run(
        [sys.executable, "-m", "buildtools.check", "--settings", str(settings)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert check.returncode == 1 and check.stdout.splitlines() == [expected]
    output = tmp_path / "output"
    build = run_build(settings, output)
    assert build.returncode != 0 and expected in (build.stdout + build.stderr)
    assert "Traceback" not in build.stdout + build.stderr
    assert not (output / "index.html").exists()


def test_the_real_content_passes_check():
    check = subprocess.run(
        [sys.executable, "-m", "buildtools.check", "--settings", str(ROOT / "pelicanconf.py")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert check.returncode == 0, check.stdout
    assert re.search("检查通过", check.stdout)


def test_every_page_links_to_the_register_from_its_footer(page):
    for url in ("", "zhengwu/", "news/2020/07/lottery-jackpot/"):
        links = [a["href"] for a in page(url).select("footer a")]
        assert any(href.endswith(REGISTER) for href in links), url
