"""The personal-data guard on fixture content written the way editors write it (GBK CSV from Excel)."""

from __future__ import annotations

import pathlib

import pytest
from pelican import Pelican

from plugins.personal_data_guard.detectors import find_personal_data, id_check_digit_ok, luhn_ok, mask
from plugins.personal_data_guard.guard import personal_data_problems
from plugins.portal_data import ContentError
from plugins.portal_data.fixture_site import fixture_settings

HERE = pathlib.Path(__file__).parent
ROOT = HERE.parent.parent


def settings_for(folder: str, **extra):
    return fixture_settings(HERE / "test_data" / folder, **extra)


def kinds(text: str, plates: bool = True):
    return [(f.kind, f.value) for f in find_personal_data(text, plates)]


def test_every_hit_is_positioned_and_masked():
    problems = personal_data_problems(settings_for("leaky"))
    assert [(e.path, e.line, e.column, e.code) for e in problems] == [
        ("disclosures/supervision.csv", 4, 2, "personal-data-mobile"),
        ("disclosures/supervision.csv", 5, 3, "personal-data-id-card"),
        ("news/a.md", 8, 7, "personal-data-id-card"),
        ("news/a.md", 8, 30, "personal-data-mobile"),
        ("news/a.md", 9, 5, "personal-data-licence-plate"),
        ("news/a.md", 9, 22, "personal-data-licence-plate"),
        ("news/a.md", 10, 8, "personal-data-bank-card"),
    ]
    messages = [str(e) for e in problems]
    assert messages[2].startswith("news/a.md:8:7: 疑似身份证号 4302**********1231：个人信息不得公开；请删除或改为打码")
    assert "疑似手机号 138****1234" in messages[3]
    assert "疑似完整车牌号 湘B****5" in messages[4] and "湘B*****5" in messages[5]
    assert "疑似银行卡号 6222***********0128" in messages[6]
    # The log must not republish what the guard found.
    assert not any(raw in "\n".join(messages) for raw in ("430281198506131231", "0733-1234", "13807335678"))


def test_allow_list_entry_covers_one_value_in_one_file_only(tmp_path):
    problems = personal_data_problems(settings_for("leaky"))
    assert not any(e.line == 3 and e.path.endswith(".csv") for e in problems)  # 仙霞村's reviewed number
    from plugins.personal_data_guard.allowlist import load_allowlist
    from plugins.personal_data_guard.guard import scan_text

    allowed, _ = load_allowlist(str(HERE / "test_data/leaky/personal-data-allowlist.toml"), "x.toml")
    assert scan_text("disclosures/supervision.csv", "13907331234", allowed) == []
    [elsewhere] = scan_text("news/other.md", "电话13907331234", allowed)
    assert (elsewhere.line, elsewhere.column, elsewhere.code) == (1, 3, "personal-data-mobile")


def test_allow_list_without_reviewer_is_an_error():
    [problem] = personal_data_problems(settings_for("bad_allowlist"))
    assert (problem.path, problem.line, problem.code) == ("personal-data-allowlist.toml", 1, "bad-allowlist")
    assert problem.message.startswith("这一条缺少 reviewer；")


def test_build_stops_before_writing(tmp_path):
    with pytest.raises(ContentError) as raised:
        Pelican(settings=settings_for("leaky", OUTPUT_PATH=str(tmp_path / "out"))).run()
    assert {e.code for e in raised.value.errors} >= {"personal-data-mobile", "personal-data-id-card"}
    assert not (tmp_path / "out" / "news").exists()


def test_the_real_lottery_article_does_not_trigger():
    text = (ROOT / "content/news/2020-07-08/lottery-jackpot.md").read_text(encoding="utf-8")
    assert "43033061" in text and "2020060" in text
    assert kinds(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "站点编号43033061",
        "期号2020060",
        "电话0731-23212345",
        "073123212345",
        "138123456789",  # 12 digits
        "订单号 91138001380013800",
        "2020年7月8日",
        "12345678901",
        "邮编412200",
        "湘B1234",
        "湘BAKERY",
        "4302811985061312",
        "身份证 430281198506131232",  # wrong check digit, and not Luhn-valid either
    ],
)
def test_numbers_that_are_not_personal_data(text):
    assert kinds(text) == []


@pytest.mark.parametrize(
    "text, expected",
    [
        ("手机13907331234。", [("mobile", "13907331234")]),
        ("手机 +86 139 0733 1234", [("mobile", "+86 139 0733 1234")]),
        ("证号11010519491231002X", [("id-card", "11010519491231002X")]),
        ("卡号6228480012345671", [("bank-card", "6228480012345671")]),
        ("车牌湘B·12345", [("licence-plate", "湘B·12345")]),
        ("新能源湘B12345D", [("licence-plate", "湘B12345D")]),
    ],
)
def test_personal_data_as_people_write_it(text, expected):
    assert kinds(text) == expected


def test_plates_are_only_looked_for_in_news_text():
    assert kinds("湘B12345", plates=False) == []


def test_checksums_and_mask():
    assert id_check_digit_ok("11010519491231002X") and not id_check_digit_ok("110105194912310021")
    assert luhn_ok("6228480012345671") and not luhn_ok("6228480012345672")
    assert mask("430281198506131231") == "4302**********1231"
    assert mask("13907331234") == "139****1234"


def test_every_setting_is_documented_in_the_readme():
    from plugins.personal_data_guard.guard import DEFAULTS

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert [key for key in DEFAULTS if f"`{key}`" not in readme] == []


def test_malformed_csv_is_still_scanned_but_its_format_is_left_to_its_plugin(tmp_path):
    (tmp_path / "broken.csv").write_bytes("姓名,电话\n张三,13907331234,多余\n".encode() + b"\xff\xfe\x81 13807335678\n")
    (tmp_path / "quotes.csv").write_bytes('a,b\n"未闭合,430281198506131231\n'.encode())
    problems = personal_data_problems(fixture_settings(tmp_path, articles=False))
    assert [(e.path, e.line, e.column, e.code) for e in problems] == [
        ("broken.csv", 2, 2, "personal-data-mobile"),
        ("broken.csv", 3, 1, "personal-data-mobile"),
        ("quotes.csv", 2, 1, "personal-data-id-card"),
    ]


CSV_EDGES = [
    "\ufeff13812345678,备注\r\n",  # first cell of the file, after the BOM
    '日期,摘要\r\n2020-07-01,"家属""13812345678""代领"\r\n',  # quotes doubled around the number
    '日期,摘要\r\n2020-07-01,"第一行\r\n430281199001011234 第二行"\r\n',  # a cell over two lines
    "联系电话,说明\r\n0731-23456789,公开热线\r\n13812345678,手机\r\n",  # the phone column's own rule
    "编号,卡号\r\n1,6222 0212 3456 7890 128\r\n2,1381234,5678\r\n",  # a card; digits split by a comma are not one
    '"未闭合的引号,13812345678\r\n',  # malformed: scanned line by line
    "日期,金额\r\n2020-07-01,1280.50\r\n",  # nothing at all
    '姓名,电话\r\n张三,"138"12345678\r\n',  # a quote inside the digits (one cell: 13812345678)
    '姓名,备注\r\n张三,"5""13812345678"\r\n',  # an escaped quote just before them
    "凭证号,金额\r\n记-2020-07-001,1280.50\r\n",  # a voucher number: ten digits, not personal
]


@pytest.mark.parametrize("text", CSV_EDGES)
@pytest.mark.parametrize("encoding", ["utf-8", "gbk"])
def test_the_whole_file_scan_never_hides_a_cell_finding(text, encoding):
    """csv_findings skips the cell-by-cell scan when the whole text holds nothing; it must find
    exactly what scanning every cell finds."""
    from plugins.personal_data_guard.guard import csv_cells, csv_findings

    data = text.encode(encoding) if encoding == "utf-8" else text.lstrip("\ufeff").encode(encoding)
    words = ("电话", "热线", "座机", "传真")
    by_cell = []
    for line, column, name, cell in csv_cells(data):
        phone_column = any(word in name for word in words)
        for finding in find_personal_data(cell, plates=False):
            if not (phone_column and finding.kind != "mobile"):
                by_cell.append((line + cell.count("\n", 0, finding.start), column, finding))
    assert csv_findings(data, words) == by_cell
