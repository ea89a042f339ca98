"""Formulas never reach a resident's spreadsheet: refused in an editor's CSV, neutralised in a download."""

from __future__ import annotations

import csv
import io

import pytest

from plugins.portal_data.csv_source import read_csv_table
from plugins.portal_data.downloads import csv_bytes
from plugins.portal_data.formulas import formula_start

HEADER = "日期,凭证号,摘要,科目,收入,支出,经办人,证明人,审批人"


@pytest.mark.parametrize(
    "cell, start",
    [
        ('=HYPERLINK("http://x.example";"点此查看")', "="),
        ("+86 0731", "+"),
        ("@SUM(A1)", "@"),
        ("\t=1+1", "\t"),
        ("\r=1", "\r"),
        ("-abc", "-"),
        ("-", "-"),
        ("-=1", "-"),
        ("-120.00", None),
        ("支付误工补贴", None),
        ("", None),
        ("1-2月", None),
        ("a=b", None),
    ],
)
def test_which_cells_a_spreadsheet_runs(cell, start):
    assert formula_start(cell) == start


def read(tmp_path, text: str):
    path = tmp_path / "2020-05.csv"
    path.write_bytes(text.encode("utf-8-sig"))
    return read_csv_table(str(path), exact_header=HEADER.split(","), display_path="disclosures/finance/x/2020-05.csv")


def test_a_formula_in_any_cell_is_refused_with_its_position(tmp_path):
    table, errors = read(
        tmp_path,
        HEADER + '\r\n2020-05-05,01,"=HYPERLINK(""http://x.example"";""点此查看"")",管理费用,,80.00,甲,乙,丙\r\n'
        "2020-05-06,02,\t@SUM(A1),管理费用,,-5.00,甲,乙,丙\r\n",
    )
    assert [str(error) for error in errors] == [
        "disclosures/finance/x/2020-05.csv:2:3: “摘要”列以“=”开头，表格软件会把它当作公式执行；公示数据里不能有公式，请删去开头的这个字符或改写这段文字",
        "disclosures/finance/x/2020-05.csv:3:3: “摘要”列以制表符（Tab）开头，表格软件会把它当作公式执行；公示数据里不能有公式，请删去开头的这个字符或改写这段文字",
    ]
    assert len(table.rows) == 2  # the rows are still read, so every other problem in them is reported too


def test_a_negative_amount_is_data_not_a_formula(tmp_path):
    _table, errors = read(tmp_path, HEADER + "\r\n2020-05-05,01,退回多付的款项,管理费用,-120.00,,甲,乙,丙\r\n")
    assert errors == []


def test_a_download_neutralises_a_formula_that_arrived_another_way():
    data = csv_bytes(["摘要", "支出"], [['=HYPERLINK("http://x.example")', "-120.00"], ["@SUM(A1)", 5]])
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[1:] == [['\'=HYPERLINK("http://x.example")', "-120.00"], ["'@SUM(A1)", "5"]]
