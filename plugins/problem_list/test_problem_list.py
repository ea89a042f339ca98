"""The problem-list plugin: every bad-input case with its exact message, the models, and a fixture-site build."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import pathlib

import feedparser
import pytest

from plugins.portal_data import ContentError
from plugins.portal_data.fixture_site import build_register_site, refusal_messages, register_content
from plugins.portal_data.fixture_site import parse_page as soup
from plugins.problem_list.model import HEADER
from plugins.problem_list.problem_list import DEFAULTS, load_problem_list, next_status_change, problem_list_settings

HERE = pathlib.Path(__file__).parent
ROOT = HERE.parent.parent
GOOD = HERE / "test_data" / "good"
LIST = "disclosures/problems.csv"
D = dt.date.fromisoformat
CONFIG = problem_list_settings({})[0]

BASE_ROW = {
    "编号": "2020-0001",
    "村社区代码": "xiangshui",
    "反映日期": "2020-06-22",
    "反映渠道": "微信群",
    "问题摘要": "路灯不亮",
    "办理类型": "一般",
    "责任单位": "香水村",
    "交办日期": "2020-06-23",
    "办结日期": "2020-07-01",
    "办理结果": "更换灯泡",
    "群众评价": "满意",
    "更新日期": "2020-07-01",
}


# The good fixture's villages and departments, with these problems as problems.csv.
content_with = register_content(GOOD, LIST, HEADER)


def messages(tmp_path, *rows) -> list[str]:
    return refusal_messages(load_problem_list(str(content_with(tmp_path, *rows)), CONFIG, D("2020-07-31")))


def test_every_empty_required_cell_is_reported(tmp_path):
    assert messages(tmp_path, {**BASE_ROW, "反映渠道": "", "问题摘要": "", "更新日期": ""}) == [
        f"{LIST}:2:4: 反映渠道 为空；每个问题都要填写反映渠道",
        f"{LIST}:2:5: 问题摘要 为空；每个问题都要填写问题摘要",
        f"{LIST}:2:12: 更新日期 为空；每个问题都要填写更新日期",
    ]


@pytest.mark.parametrize(
    "column,value,position,message",
    [
        ("编号", "2020/0001", 1, "编号“2020/0001”不能用作网址；请用数字、字母和连字符，如 2020-0001"),
        ("村社区代码", "xiangsui", 2, "村社区代码“xiangsui”不在 disclosures/villages.csv 中；应为：xiangshui、huatang"),
        ("反映渠道", "信访", 4, "反映渠道“信访”不认识；应为 微信群、网格员、电话、来访 之一"),
        ("办理类型", "紧急", 6, "办理类型“紧急”不认识；应为 急办、一般、复杂、重大 之一"),
        ("群众评价", "很好", 11, "群众评价“很好”不认识；应为 满意、基本满意、不满意 之一，或者留空"),
        (
            "反映日期",
            "2020/6/22",
            3,
            "反映日期“2020/6/22”应写成 2020-06-22（格式 YYYY-MM-DD：年四位，月、日各两位，用“-”连接）",
        ),
        ("办结日期", "2020-06-31", 9, "办结日期“2020-06-31”不是真实存在的日期；请核对年月日（例：2020-06-23）"),
        ("交办日期", "2020-06-21", 8, "交办日期 2020-06-21 早于反映日期 2020-06-22；交办日期不能早于反映日期"),
        ("办结日期", "2020-06-22", 9, "办结日期 2020-06-22 早于交办日期 2020-06-23；办结日期不能早于交办日期"),
        ("更新日期", "2020-06-30", 12, "更新日期 2020-06-30 早于办结日期 2020-07-01；更新日期不能早于办结日期"),
        (
            "责任单位",
            "民政局",
            7,
            "责任单位“民政局”既不是 disclosures/departments.csv 中的部门，也不是本村社区（香水村）"
            "或所在镇街（王仙镇）；请写部门全称或村、镇街名称",
        ),
        (
            "责任单位",
            "华塘村",
            7,
            "责任单位“华塘村”既不是 disclosures/departments.csv 中的部门，也不是本村社区（香水村）"
            "或所在镇街（王仙镇）；请写部门全称或村、镇街名称",
        ),
        ("办理结果", "", 10, "已填写办结日期，办理结果不能为空；请写明是怎样解决的"),
    ],
)
def test_one_bad_cell(tmp_path, column, value, position, message):
    assert messages(tmp_path, {**BASE_ROW, column: value}) == [f"{LIST}:2:{position}: {message}"]


def test_major_matter_needs_its_explanation(tmp_path):
    row = {**BASE_ROW, "办理类型": "重大", "办结日期": "", "办理结果": "", "群众评价": ""}
    assert messages(tmp_path, row) == [
        f"{LIST}:2:10: 重大事项必须在办理结果中写明解释说明（为什么不能在市内解决、下一步怎么办）"
    ]


def test_evaluation_before_closing(tmp_path):
    assert messages(tmp_path, {**BASE_ROW, "办结日期": "", "办理结果": ""}) == [
        f"{LIST}:2:11: 问题还没有办结日期，不能有群众评价；办结后再填写"
    ]


def test_duplicate_number_names_the_first_line(tmp_path):
    assert messages(tmp_path, BASE_ROW, {**BASE_ROW, "问题摘要": "另一个问题"}) == [
        f"{LIST}:3:1: 编号 2020-0001 与第 2 行重复；每个问题的编号应不同"
    ]


def test_wrong_header_names_the_column(tmp_path):
    content = content_with(tmp_path, BASE_ROW)
    text = (content / LIST).read_text(encoding="utf-8").replace("反映渠道", "渠道", 1)
    (content / LIST).write_text(text, encoding="utf-8")
    _, errors = load_problem_list(str(content), CONFIG, D("2020-07-31"))
    assert [str(e) for e in errors] == [
        f"{LIST}:1:4: 表头第 4 列是“渠道”，应为“反映渠道”；完整表头应为：" + ",".join(HEADER)
    ]


def test_all_problems_of_all_rows_are_collected(tmp_path):
    found = messages(
        tmp_path,
        {**BASE_ROW, "反映渠道": "信访"},
        {**BASE_ROW, "编号": "2020-0002", "办理类型": "紧急"},
        {**BASE_ROW, "编号": "2020-0003", "村社区代码": "nowhere", "责任单位": "醴陵市民政局"},
    )
    assert [message.split(": ")[0] for message in found] == [f"{LIST}:2:4", f"{LIST}:3:6", f"{LIST}:4:2"]


def test_bad_holidays_file_stops_the_build_too(tmp_path):
    content = content_with(tmp_path, BASE_ROW)
    (content / "disclosures/holidays.csv").write_text("日期,类型\n2027-10-04,调休上班日\n", encoding="utf-8")
    _, errors = load_problem_list(str(content), CONFIG, D("2020-07-31"))
    assert [str(e) for e in errors] == [
        "disclosures/holidays.csv:2:2: 2027-10-04 是星期一，本来就上班；调休上班日应是周六或周日"
    ]


def test_setting_without_placeholder_is_an_error():
    _, errors = problem_list_settings({"PROBLEM_URL": "disclosures/problems/item/"})
    assert [str(e) for e in errors] == [
        "pelicanconf.py:0:0: PROBLEM_URL = 'disclosures/problems/item/' 缺少 {number}；"
        "例如 'disclosures/problems/items/{number}/'"
    ]


def fixture_list(today: str):
    problem_list, errors = load_problem_list(str(GOOD), CONFIG, D(today))
    assert errors == []
    return problem_list


def test_models_from_an_excel_gbk_file():
    problem_list = fixture_list("2020-07-08")
    by_number = {p.number: p for p in problem_list.problems}
    assert [p.number for p in problem_list.problems] == [
        "2020-0004",
        "2020-0005",
        "2020-0002",
        "2020-0001",
        "2020-0003",
    ]
    assert (
        by_number["2020-0002"].result == "更换井盖；\n排查周边" and by_number["2020-0003"].line == 5
    )  # multi-line cell
    assert by_number["2020-0002"].unit.url == "disclosures/problems/departments/chengguan/"
    assert by_number["2020-0001"].unit.url == ""  # handled by the village itself
    assert [(p.status, p.assessment.detail) for p in problem_list.problems] == [
        ("办理中", "还剩 10 个工作日"),
        ("已办结", "按期办结"),
        ("已办结", "超期 1 个工作日办结"),
        ("已办结", "按期办结"),
        ("已解释说明", "已作解释说明"),
    ]
    assert problem_list.headline == "共交办问题清单 5 个，办结 3 个"
    assert problem_list.tally.on_time_rate_text == "66.7%"
    assert [(v.code, v.tally.total) for v in problem_list.villages] == [("xiangshui", 3), ("huatang", 2)]
    assert [(d.code, d.tally.total) for d in problem_list.departments] == [("chengguan", 1), ("shuili", 1)]
    assert problem_list.towns == [("wangxian", "王仙镇"), ("guoci", "国瓷街道")]


def test_a_later_build_moves_the_open_problem_overdue_and_first():
    problem_list = fixture_list("2020-07-23")
    assert (problem_list.problems[0].number, problem_list.problems[0].status) == ("2020-0004", "逾期未办结")
    assert problem_list.tally.on_time_rate_text == "50.0%"  # 2 on time of 4 with a known outcome
    assert next_status_change(problem_list).isoformat() == "2020-07-24T00:00:00+08:00"


# Fixture sites keep their files in wenti/, not disclosures/: that proves the path settings, the
# other plugins' files the problem list reads (villages, departments) included.
FIXTURE_PATHS = {
    "PROBLEM_LIST_PATH": "wenti/problems.csv",
    "PROBLEM_HOLIDAYS_PATH": "wenti/holidays.csv",
    "VILLAGE_DISCLOSURE_VILLAGES": "wenti/villages.csv",
    "POWER_DEPARTMENTS_PATH": "wenti/departments.csv",
    "VILLAGE_DISCLOSURE_FINANCE_PATH": "wenti/finance",
    "POWER_LIST_PATH": "wenti/power-list.csv",
}


def build(content: pathlib.Path, output: pathlib.Path, build_time: str):
    return build_register_site(content, output, "wenti", "plugins.problem_list", BUILD_TIME=build_time, **FIXTURE_PATHS)


def test_fixture_site_writes_register_pages_downloads_and_feed(tmp_path):
    output = build(GOOD, tmp_path / "out", "2020-07-08T09:00")
    register = soup(output / "disclosures/problems/index.html")
    assert register.select_one(".lp-problem-tally__count").get_text() == "共交办问题清单 5 个，办结 3 个"
    assert [tbody["data-status"] for tbody in register.select("#problem-table tbody")] == [
        "open",
        "closed",
        "explained",
    ]
    first = register.select_one("#problem-table tr.lp-problem-table__row")
    assert (
        first["data-village"],
        first["data-town"],
        first["data-unit"],
        first["data-kind"],
        first["data-status"],
    ) == ("xiangshui", "wangxian", "shuili", "复杂", "open")
    assert register.select_one(".lp-sample-notice")  # 示例数据 by default
    problem = soup(output / "disclosures/problems/items/2020-0002/index.html")
    assert problem.h1.get_text() == "井盖破损"
    assert (
        " ".join(problem.select_one(".lp-problem__status").get_text().split())
        == "已办结 超期 1 个工作日办结（按 2020-07-08 计算）"
    )
    fields = dict(
        zip(
            [dt_.get_text() for dt_ in problem.select(".lp-problem__fields dt")],
            [dd.get_text() for dd in problem.select(".lp-problem__fields dd")],
        )
    )
    assert (fields["办理期限"], fields["办结日期"], fields["群众评价"], fields["反映渠道"]) == (
        "2020-07-01",
        "2020-07-02",
        "基本满意",
        "电话",
    )
    village = soup(output / "disclosures/problems/villages/huatang/index.html")
    assert [a.get_text() for a in village.select(".lp-problem-table__summary a")] == ["井盖破损", "铁路涵洞积水"]
    department = soup(output / "disclosures/problems/departments/shuili/index.html")
    assert department.h1.get_text().startswith("醴陵市水利局")
    rows = list(
        csv.reader(io.StringIO((output / "disclosures/problems/problems.csv").read_bytes().decode("utf-8-sig")))
    )
    assert rows[0] == HEADER and [row[0] for row in rows[1:]] == [
        "2020-0001",
        "2020-0002",
        "2020-0003",
        "2020-0004",
        "2020-0005",
    ]
    document = json.loads((output / "disclosures/problems/problems.json").read_text(encoding="utf-8"))
    assert document["problems"][3]["办理期限"] == "2020-07-22" and document["problems"][3]["状态"] == "办理中"
    package = json.loads((output / "disclosures/problems/datapackage.json").read_text(encoding="utf-8"))
    assert package["resources"][0]["path"] == "problems.csv"
    feed = feedparser.parse((output / "disclosures/problems/closed.atom.xml").read_bytes())
    assert [entry.link.rsplit("/", 2)[-2] for entry in feed.entries] == ["2020-0005", "2020-0002", "2020-0001"]
    assert feed.entries[0].summary.startswith("【示例数据】")


def test_the_same_file_built_later_shows_the_problem_overdue(tmp_path):
    output = build(GOOD, tmp_path / "out", "2020-07-27T01:00")
    register = soup(output / "disclosures/problems/index.html")
    assert register.select_one("#problem-table tbody")["data-status"] == "overdue"
    problem = soup(output / "disclosures/problems/items/2020-0004/index.html")
    assert "已超期 3 个工作日" in problem.select_one(".lp-problem__status").get_text()


def test_fixture_site_with_bad_rows_fails_with_every_problem(tmp_path):
    content = content_with(
        tmp_path, {**BASE_ROW, "反映渠道": "信访"}, {**BASE_ROW, "编号": "2020-0002", "办结日期": "2020-06-01"}
    )
    with pytest.raises(ContentError) as raised:
        build(content, tmp_path / "out", "2020-07-08T09:00")
    assert [(e.path, e.line, e.column, e.code) for e in raised.value.errors] == [
        ("wenti/problems.csv", 2, 4, "unknown-channel"),
        ("wenti/problems.csv", 3, 9, "date-order"),
    ]
    assert not (tmp_path / "out" / "disclosures").exists()


def test_site_without_a_problems_file_gets_no_problem_list(tmp_path):
    (tmp_path / "content" / "disclosures").mkdir(parents=True)
    output = build(tmp_path / "content", tmp_path / "out", "2020-07-08T09:00")
    assert not (output / "disclosures").exists()


def test_every_problem_registers_in_the_zhengwu_section():
    from plugins.problem_list.problem_list import section_items

    items = section_items(fixture_list("2020-07-08"), DEFAULTS["PROBLEM_LIST_SECTION"])
    assert {(i.section, i.kind) for i in items} == {("zhengwu", "problem")}
    assert (
        items[0].url == "disclosures/problems/items/2020-0004/"
        and items[0].title == "问题清单 2020-0004：香水村山塘渗水"
    )


def test_every_setting_is_documented_in_the_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert [key for key in DEFAULTS if f"`{key}`" not in readme] == []
