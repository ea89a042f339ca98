"""The power-list plugin: every bad-input case with its exact message, the models, and a fixture-site build."""

from __future__ import annotations

import json
import pathlib

import pytest

from plugins.portal_data import ContentError
from plugins.portal_data.fixture_site import build_register_site, refusal_messages, register_content
from plugins.portal_data.fixture_site import parse_page as soup
from plugins.power_list.model import HEADER
from plugins.power_list.power_list import DEFAULTS, load_power_list, power_list_settings

HERE = pathlib.Path(__file__).parent
ROOT = HERE.parent.parent
GOOD = HERE / "test_data" / "good"
LIST = "disclosures/power-list.csv"

BASE_ROW = {
    "序号": "1",
    "实施部门": "醴陵市民政局",
    "事项名称": "老年证年审",
    "事项类别": "其他行政权力",
    "设定依据": "《中华人民共和国老年人权益保障法》第五章",
    "办理条件": "年满60周岁",
    "申请材料": "老年人优待证；居民身份证",
    "办理流程": "提交；核对；确认",
    "法定时限": "5",
    "承诺时限": "1",
    "收费标准": "不收费",
    "办理方式": "窗口、微信群代办",
    "责任事项": "受理责任：一次性告知",
    "监督电话": "0731-23000001",
    "更新日期": "2020-06-30",
}
SECOND_ROW = {
    **BASE_ROW,
    "序号": "2",
    "实施部门": "醴陵市卫生健康局",
    "事项名称": "健康证明",
    "事项类别": "行政确认",
    "监督电话": "0731-23000002",
}


# The good fixture's departments and power types, with these matters as power-list.csv.
content_with = register_content(GOOD, LIST, HEADER)


def messages(tmp_path, *rows) -> list[str]:
    return refusal_messages(load_power_list(str(content_with(tmp_path, *rows)), DEFAULTS))


def test_unknown_category(tmp_path):
    assert messages(tmp_path, {**BASE_ROW, "事项类别": "公共服务"}) == [
        f"{LIST}:2:4: 事项类别“公共服务”不是十类行政权力之一；应为：行政许可、行政处罚、行政强制、行政征收、"
        "行政给付、行政检查、行政确认、行政奖励、行政裁决、其他行政权力（见 disclosures/power-types.csv）"
    ]


def test_promise_longer_than_the_law_allows(tmp_path):
    assert messages(tmp_path, {**BASE_ROW, "法定时限": "5", "承诺时限": "7"}) == [
        f"{LIST}:2:10: 承诺时限 7 个工作日长于法定时限 5 个工作日；承诺时限不能超过法定时限"
    ]


@pytest.mark.parametrize(
    "column,value,position", [("法定时限", "20天", 9), ("承诺时限", "2.5", 10), ("承诺时限", "-1", 10)]
)
def test_days_that_are_not_whole_numbers(tmp_path, column, value, position):
    assert messages(tmp_path, {**BASE_ROW, column: value}) == [
        f"{LIST}:2:{position}: {column}“{value}”不是整数天数；只写工作日天数，如 20（当场办结写 0）"
    ]


def test_duplicate_number_names_the_first_line(tmp_path):
    assert messages(tmp_path, BASE_ROW, {**SECOND_ROW, "序号": "01"}) == [
        f"{LIST}:3:1: 序号 1 与第 2 行重复；每个事项的序号应不同"
    ]


def test_duplicate_matter_of_one_department(tmp_path):
    assert messages(tmp_path, BASE_ROW, {**BASE_ROW, "序号": "2"}) == [
        f"{LIST}:3:3: 醴陵市民政局的“老年证年审”与第 2 行重复；同一部门的事项名称应不同"
    ]


def test_same_matter_name_in_two_departments_is_fine(tmp_path):
    content = content_with(tmp_path, BASE_ROW, {**SECOND_ROW, "事项名称": BASE_ROW["事项名称"]})
    power_list, errors = load_power_list(str(content), DEFAULTS)
    assert errors == [] and power_list.item_count == 2


def test_every_empty_required_cell_is_reported(tmp_path):
    assert messages(tmp_path, {**BASE_ROW, "设定依据": "", "收费标准": ""}) == [
        f"{LIST}:2:5: 设定依据 为空；每个事项都要填写设定依据",
        f"{LIST}:2:11: 收费标准 为空；每个事项都要填写收费标准",
    ]


@pytest.mark.parametrize("phone", ["13907331234", "0731 23000001", "23000001", "0731-2300"])
def test_malformed_phone_number(tmp_path, phone):
    assert messages(tmp_path, {**BASE_ROW, "监督电话": phone}) == [
        f"{LIST}:2:14: 监督电话“{phone}”格式不对；应写固定电话“区号-号码”，如 0731-23000001（不写手机号）"
    ]


def test_unknown_department_asks_for_the_departments_file(tmp_path):
    assert messages(tmp_path, {**BASE_ROW, "实施部门": "民政局"}) == [
        f"{LIST}:2:2: 实施部门“民政局”不在部门表中；请写部门全称，或先在 disclosures/departments.csv 添加这个部门和它的代码"
    ]


def test_unknown_channel_and_bad_date_and_number(tmp_path):
    assert messages(tmp_path, {**BASE_ROW, "序号": "一", "办理方式": "窗口、电话", "更新日期": "2020/6/30"}) == [
        f"{LIST}:2:1: 序号“一”不是正整数；请写 1、2、3 这样的数字",
        f"{LIST}:2:12: 办理方式“电话”不认识；应为 窗口、网上、微信群代办 中的一个或几个，用“、”分隔",
        f"{LIST}:2:15: 更新日期“2020/6/30”应写成 2020-06-30（格式 YYYY-MM-DD：年四位，月、日各两位，用“-”连接）",
    ]


def test_all_problems_of_all_rows_are_collected(tmp_path):
    found = messages(
        tmp_path,
        {**BASE_ROW, "事项类别": "公共服务"},
        {**SECOND_ROW, "承诺时限": "9"},
        {**SECOND_ROW, "序号": "3", "监督电话": "110"},
    )
    assert [message.split(": ")[0] for message in found] == [
        f"{LIST}:2:4",
        f"{LIST}:3:10",
        f"{LIST}:4:3",
        f"{LIST}:4:14",
    ]


def test_bad_department_code_is_positioned_in_the_departments_file(tmp_path):
    content = content_with(tmp_path, BASE_ROW)
    (content / "disclosures/departments.csv").write_text(
        "部门,代码\n醴陵市民政局,民政\n醴陵市卫生健康局,weijian\n醴陵市水利局,weijian\n", encoding="utf-8"
    )
    _, errors = load_power_list(str(content), DEFAULTS)
    assert [(e.path, e.line, e.column, e.code) for e in errors] == [
        ("disclosures/departments.csv", 2, 2, "bad-code"),
        ("disclosures/departments.csv", 4, 2, "duplicate-code"),
    ]


def test_setting_without_placeholder_is_an_error():
    _, errors = power_list_settings({"POWER_ITEM_URL": "disclosures/power-list/item/"})
    assert [str(e) for e in errors] == [
        "pelicanconf.py:0:0: POWER_ITEM_URL = 'disclosures/power-list/item/' 缺少 {number}；"
        "例如 'disclosures/power-list/items/{number}/'"
    ]


def test_models_from_an_excel_gbk_file():
    power_list, errors = load_power_list(str(GOOD), DEFAULTS)
    assert errors == []
    assert power_list.headline == "2 个部门 3 项"  # 醴陵市水利局 has no matters and is not counted
    assert [(d.code, [i.number for i in d.items]) for d in power_list.departments] == [
        ("minzheng", [1, 3]),
        ("weijian", [2]),
    ]
    health = power_list.departments[1].items[0]
    assert health.line == 3 and power_list.departments[0].items[1].line == 6  # multi-line cells counted
    assert health.materials == ["居民身份证", "近期免冠照片1张"] and health.steps == ["预约体检", "领取健康证明"]
    assert health.phone_href == "tel:073123000002" and health.promised_text == "3 个工作日"
    assert power_list.count_by_channel("微信群代办") == 2
    assert str(power_list.updated) == "2020-06-30"


def test_how_to_apply_is_plain_language_from_the_row():
    power_list, _ = load_power_list(str(GOOD), DEFAULTS)
    steps = power_list.items[0].how_to_apply
    assert steps[0] == "看看自己是否符合条件：年满60周岁的本市户籍老年人。"
    assert steps[1] == "准备材料（共 2 项）：老年人优待证原件、居民身份证。"
    assert "由网格员代办" in steps[2] and "到政务服务中心" in steps[2] and "网上" not in steps[2]
    assert steps[3:6] == ["在微信群提交信息。", "民政局核对。", "加注年审记录。"]
    assert steps[6] == "醴陵市民政局承诺在 1 个工作日内办结（法律规定的时限是 5 个工作日）；收费：不收费。"
    assert steps[-1].endswith("请拨打监督电话 0731-23000001。")


# Fixture sites keep their files in quanli/, not disclosures/: that proves the path settings.
FIXTURE_PATHS = {
    "POWER_LIST_PATH": "quanli/power-list.csv",
    "POWER_DEPARTMENTS_PATH": "quanli/departments.csv",
    "POWER_TYPES_PATH": "quanli/power-types.csv",
}


def build(content: pathlib.Path, output: pathlib.Path):
    return build_register_site(content, output, "quanli", "plugins.power_list", **FIXTURE_PATHS)


def test_fixture_site_writes_register_departments_matters_and_downloads(tmp_path):
    output = build(GOOD, tmp_path / "out")
    register = soup(output / "disclosures/power-list/index.html")
    assert register.select_one(".lp-power-headline__count").get_text() == "2 个部门 3 项"
    assert [a.get_text() for a in register.select(".lp-power-table__group-heading a")] == [
        "醴陵市民政局",
        "醴陵市卫生健康局",
    ]
    department = soup(output / "disclosures/power-list/departments/minzheng/index.html")
    assert [a.get_text() for a in department.select(".lp-power-table__name a")] == ["老年证年审", "最低生活保障审批"]
    matter = soup(output / "disclosures/power-list/items/2/index.html")
    assert matter.h1.get_text() == "健康证明"
    # Sample data (the fixture has no registers.toml): the number is text, not a call link.
    assert matter.select_one('a[href^="tel:"]') is None
    assert matter.select_one(".lp-power-item__number").get_text() == "0731-23000002"
    package = json.loads((output / "disclosures/power-list/datapackage.json").read_text(encoding="utf-8"))
    assert package["resources"][0]["path"] == "power-list.csv"


def test_fixture_site_with_bad_rows_fails_with_every_problem(tmp_path):
    content = content_with(tmp_path, {**BASE_ROW, "承诺时限": "8"}, {**SECOND_ROW, "监督电话": "13907331234"})
    with pytest.raises(ContentError) as raised:
        build(content, tmp_path / "out")
    assert [(e.path, e.line, e.column, e.code) for e in raised.value.errors] == [
        ("quanli/power-list.csv", 2, 10, "promise-exceeds-legal"),
        ("quanli/power-list.csv", 3, 14, "bad-phone"),
    ]
    assert not (tmp_path / "out" / "disclosures").exists()


def test_site_without_a_power_list_file_gets_no_power_list(tmp_path):
    (tmp_path / "content" / "disclosures").mkdir(parents=True)
    output = build(tmp_path / "content", tmp_path / "out")
    assert not (output / "disclosures").exists()


def test_every_matter_registers_in_the_zhengwu_section():
    from plugins.power_list.power_list import section_items

    power_list, _ = load_power_list(str(GOOD), DEFAULTS)
    items = section_items(power_list, DEFAULTS["POWER_LIST_SECTION"], "Asia/Shanghai")
    assert [(i.section, i.kind, i.url) for i in items] == [
        ("zhengwu", "power-item", "disclosures/power-list/items/1/"),
        ("zhengwu", "power-item", "disclosures/power-list/items/3/"),
        ("zhengwu", "power-item", "disclosures/power-list/items/2/"),
    ]
    assert items[0].title == "老年证年审（醴陵市民政局）"
    assert items[0].date.isoformat() == "2020-06-30T00:00:00+08:00"


def test_every_setting_is_documented_in_the_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert [key for key in DEFAULTS if f"`{key}`" not in readme] == []
