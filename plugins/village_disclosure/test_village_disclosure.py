"""The village_disclosure plugin on small fixture sites written the way Excel writes (GBK, BOM, CRLF)."""

from __future__ import annotations

import json
import pathlib
import re

import pytest

from plugins.portal_data import ContentError
from plugins.portal_data.fixture_site import build_fixture_site, fixture_settings
from plugins.portal_data.fixture_site import parse_page as soup

HERE = pathlib.Path(__file__).parent
ROOT = HERE.parent.parent
ACCOUNTS = str(ROOT / "content" / "disclosures" / "accounts.csv")


def build(content: str, output: pathlib.Path, **overrides):
    settings = {"VILLAGE_DISCLOSURE_ACCOUNTS": ACCOUNTS, **overrides}
    return build_fixture_site(
        HERE / "test_data" / content, output, ["plugins.village_disclosure"], articles=False, **settings
    )


def text(node) -> str:
    return re.sub(r"\s+", "", node.get_text())


@pytest.fixture(scope="module")
def good(tmp_path_factory):
    return build("good", tmp_path_factory.mktemp("good"))


def test_month_page_shows_vouchers_totals_and_chained_balances(good):
    january = soup(good / "disclosures/villages/demo/2020-01/index.html")
    rows = january.select(".lp-ledger-table tbody tr")
    assert [row.th.get_text() for row in rows] == ["01", "02", "03", "04"]
    assert text(rows[3].select("td")[1]) == "春节慰问困难户（含米、油）"
    assert text(january.select_one(".lp-ledger-table__income-total")) == "23,500.00"
    assert text(january.select_one(".lp-ledger-table__expenditure-total")) == "8,451.00"
    assert text(january.select_one(".lp-balance__opening")) == "10,000.00元"
    assert text(january.select_one(".lp-balance__closing")) == "25,049.00元"
    february = soup(good / "disclosures/villages/demo/2020-02/index.html")
    assert text(february.select_one(".lp-balance__opening")) == "25,049.00元"
    assert text(february.select_one(".lp-balance__closing")) == "22,426.55元"
    assert february.select_one(".lp-sample-notice") is not None


def test_month_page_links_neighbours_and_names_signatories(good):
    january = soup(good / "disclosures/villages/demo/2020-01/index.html")
    assert [a["href"] for a in january.select(".lp-neighbours__link")] == [
        "../../../../disclosures/villages/demo/2020-02/"
    ]
    signers = {row.dt.get_text(): row.dd.get_text() for row in january.select(".lp-signatories__row")}
    assert signers == {
        "经办人": "周小梅、李建华",
        "证明人": "李建华、周秀兰",
        "审批人": "彭志刚",
        "村务监督委员会联系人": "周秀兰",
    }


def test_breakdown_chart_is_inline_svg_with_a_text_alternative(good):
    january = soup(good / "disclosures/villages/demo/2020-01/index.html")
    svg = january.select_one(".lp-chart svg")
    assert svg["role"] == "img"
    assert svg.title.get_text() == "王仙镇示范村 2020年1月 收支按科目"
    assert svg.desc.get_text() == (
        "收入：补助收入 20,000.00 元、发包及上交收入 3,500.00 元；支出：管理费用 7,250.50 元、其他支出 1,200.50 元"
    )
    assert [text(t) for t in svg.find_all("text")][:2] == ["收入", "补助收入20,000.00元（85.1%）"]
    shares = [[text(c) for c in row.find_all(["th", "td"])] for row in january.select(".lp-account-table tbody tr")]
    assert shares[0] == ["收入", "补助收入", "20,000.00", "85.1%"]
    assert shares[-1] == ["支出", "其他支出", "1,200.50", "14.2%"]


def test_table_is_accessible_and_states_units(good):
    january = soup(good / "disclosures/villages/demo/2020-01/index.html")
    table = january.select_one(".lp-ledger-table")
    assert "单位：元" in table.caption.get_text()
    assert all(th.get("scope") == "col" for th in table.thead.find_all("th"))
    region = table.find_parent(class_="lp-table-scroll")
    assert region["role"] == "region" and region["tabindex"] == "0"
    assert region["aria-labelledby"] == table.caption["id"]


def test_index_and_town_flag_villages_that_have_not_published_the_current_month(good):
    for page in ("disclosures/villages/index.html", "disclosures/towns/wangxian/index.html"):
        rows = {row["data-village"]: row for row in soup(good / page).select(".lp-status-table__row")}
        assert "lp-status-table__row--behind" in rows["late"]["class"]
        assert text(rows["late"]) == "后进村未公开尚未公开"
        assert "lp-status-table__row--behind" not in rows["demo"]["class"]
        assert text(rows["demo"]) == "示范村已公开2020年2月22,426.55"


def test_current_month_setting_makes_the_flag_deterministic(tmp_path):
    output = build("good", tmp_path, VILLAGE_DISCLOSURE_CURRENT_MONTH="2020-03")
    rows = soup(output / "disclosures/villages/index.html").select(".lp-status-table__row--behind")
    assert sorted(row["data-village"] for row in rows) == ["demo", "late"]


def test_village_page_lists_months_with_a_trend_chart(good):
    village = soup(good / "disclosures/villages/demo/index.html")
    months = [[text(c) for c in row.find_all(["th", "td"])] for row in village.select(".lp-months-table tbody tr")]
    assert months == [
        ["2020年2月", "25,049.00", "0.00", "2,622.45", "22,426.55"],
        ["2020年1月", "10,000.00", "23,500.00", "8,451.00", "25,049.00"],
    ]
    assert village.select_one(".lp-chart svg title").get_text() == "王仙镇示范村 每月收支"


def test_downloads_carry_the_same_rows(good):
    raw = (good / "disclosures/villages/demo/2020-02.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw
    lines = raw[3:].decode("utf-8").splitlines()
    assert lines == [
        "日期,凭证号,摘要,科目,收入,支出,经办人,证明人,审批人",
        "2020-02-03,01,购买口罩、消毒液,其他支出,,2310.00,周小梅,李建华,彭志刚",
        "2020-02-21,02,缴纳村部1月电费,管理费用,,312.45,周小梅,李建华,彭志刚",
    ]
    document = json.loads((good / "disclosures/villages/demo/2020-02.json").read_text(encoding="utf-8"))
    assert (document["期初余额"], document["期末余额"]) == ("25049.00", "22426.55")
    assert document["凭证"][0]["支出"] == "2310.00"


def test_pages_register_in_the_cunwu_section(tmp_path):
    from .village_disclosure import VillageDisclosureGenerator

    settings = fixture_settings(HERE / "test_data" / "good", articles=False, VILLAGE_DISCLOSURE_ACCOUNTS=ACCOUNTS)
    context = {}
    generator = VillageDisclosureGenerator(context, settings, settings["PATH"], settings["THEME"], str(tmp_path))
    generator.generate_context()
    items = context["section_items"]
    assert [(i.section, i.kind, i.url) for i in items] == [
        ("cunwu", "ledger", "disclosures/villages/demo/2020-01/"),
        ("cunwu", "ledger", "disclosures/villages/demo/2020-02/"),
    ]
    assert items[0].title == "王仙镇示范村 2020年1月收支公开"
    assert items[0].date.isoformat() == "2020-01-01T00:00:00+08:00"


def test_site_without_disclosures_folder_is_untouched(tmp_path):
    build("../../editions/test_data/good", tmp_path, ARTICLE_PATHS=[""])
    assert not (tmp_path / "disclosures").exists()


EXPECTED_ERRORS = [
    "disclosures/finance/a/2020-01.csv:2:1: 日期 2020-02-01 不在本文件的月份 2020-01 内；这张凭证应记在 2020-02.csv 里，或改正日期",
    "disclosures/finance/a/2020-01.csv:3:6: 第 3 行 支出 列的“12o.00”不是金额（例：1,234.50）",
    "disclosures/finance/a/2020-01.csv:4:6: 第 4 行 支出 列的“-5.00”是负数；金额应填正数（例：1,234.50）",
    "disclosures/finance/a/2020-01.csv:5:5: 收入和支出都填了；一张凭证只填其中一列，另一列留空",
    "disclosures/finance/a/2020-01.csv:6:5: 收入和支出都是空的（或为 0）；请在其中一列填写金额",
    "disclosures/finance/a/2020-01.csv:7:4: 科目“公益支出”不是村集体经济组织会计制度（财会〔2004〕12号）的收支科目；"
    "应为：经营收入、发包及上交收入、农业税附加返还收入、补助收入、其他收入、投资收益、经营支出、管理费用、其他支出",
    "disclosures/finance/a/2020-01.csv:8:2: 凭证号“06”与第 7 行重复；同一村同一月的凭证号应不同",
    "disclosures/finance/a/2020-01.csv:9:8: 证明人未签名；每张凭证都要有经办人、证明人和审批人",
    "disclosures/finance/a/2020-01.csv:9:9: 审批人未签名；每张凭证都要有经办人、证明人和审批人",
    "disclosures/finance/a/2020-03.csv:0:0: 缺少 2020-02 的收支表 disclosures/finance/a/2020-02.csv；"
    "从期初月份 2020-01 到已公开的 2020-03，每个月都要公开",
    "disclosures/finance/a/2020-13.csv:0:0: 文件名“2020-13.csv”不是月份；应为 YYYY-MM.csv（例：2020-06.csv）",
    "disclosures/finance/b/2020-01.csv:2:0: 文件编码无法识别；请在 Excel 中另存为“CSV UTF-8（逗号分隔）”或 GB18030/GBK 编码的 CSV",
    "disclosures/finance/nosuch/2020-01.csv:0:0: 文件夹“nosuch”不是已登记的村代码；"
    "请先在 disclosures/villages.csv 中添加这个村，或把文件夹改名为已有的代码",
]


def test_every_problem_is_reported_with_file_line_and_column(tmp_path):
    with pytest.raises(ContentError) as raised:
        build("bad", tmp_path)
    assert [str(error) for error in raised.value.errors] == EXPECTED_ERRORS
    assert not (tmp_path / "disclosures").exists()  # nothing half-published


def test_bad_current_month_setting_names_the_key(tmp_path):
    with pytest.raises(ContentError) as raised:
        build("good", tmp_path, VILLAGE_DISCLOSURE_CURRENT_MONTH="六月")
    assert [str(e) for e in raised.value.errors] == [
        "pelicanconf.py:0:0: VILLAGE_DISCLOSURE_CURRENT_MONTH = “六月”不是月份；应写成 2020-06 这样的 YYYY-MM，或留空"
    ]


def test_a_village_is_named_by_what_it_was_read_from_only_while_each_ledger_s_source_is_known():
    import datetime as dt
    from decimal import Decimal

    from .collect import read_from
    from .model import Village

    village = Village("xiangshui", "枫林镇", "湘水村", "fenglin", dt.date(2020, 1, 1), Decimal("1000.00"), "刘桂英")
    sources = {"disclosures/finance/xiangshui/2020-01.csv": "a", "disclosures/finance/xiangshui/2020-02.csv": "b"}
    named = read_from(village, sources)
    assert named and read_from(village, dict(reversed(sources.items()))) == named  # order is no input
    assert read_from(village, {**sources, "disclosures/finance/xiangshui/2020-02.csv": "c"}) != named
    village.supervisor = "刘桂兰"  # its row in villages.csv
    assert read_from(village, sources) != named
    assert read_from(village, {**sources, "disclosures/finance/xiangshui/2020-03.csv": None}) == ""
