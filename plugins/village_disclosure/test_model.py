"""Parsing and ledger arithmetic without Pelican: amounts, months, balances, account sets."""

from __future__ import annotations

import datetime as dt
import pathlib
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from .ledger_source import account_set_for, read_account_sets, read_ledger
from .model import Voucher, chain_months, parse_amount, parse_signed_amount

ACCOUNTS = pathlib.Path(__file__).parent.parent.parent / "content" / "disclosures" / "accounts.csv"
HEADER = "日期,凭证号,摘要,科目,收入,支出,经办人,证明人,审批人\r\n"


def test_amounts_as_editors_write_them():
    assert parse_amount("1,234.50") == Decimal("1234.50")
    assert parse_amount("1234.5") == Decimal("1234.50")
    assert parse_amount(" 0.05 ") == Decimal("0.05")
    assert parse_amount("") == Decimal("0.00")
    assert str(parse_amount("12")) == "12.00"


def test_what_is_not_an_amount():
    for text in ("12o.00", "-5", "1.234", "1,23.00", "¥12", "12,", "1 000", "1e3", "NaN"):
        assert parse_amount(text) is None, text


def test_opening_balance_may_be_negative_but_must_be_written():
    assert parse_signed_amount("-1,200.00") == Decimal("-1200.00")
    assert parse_signed_amount("") is None and parse_signed_amount("-") is None


def voucher(day: dt.date, income="0", expenditure="0", account="管理费用"):
    return Voucher(1, day, "01", "摘要", account, Decimal(income), Decimal(expenditure), "甲", "乙", "丙")


def test_closing_balance_is_carried_to_the_next_month():
    january, february = dt.date(2020, 1, 1), dt.date(2020, 2, 1)
    months = chain_months(
        "demo",
        Decimal("100.00"),
        [
            (february, [voucher(february, expenditure="30.25")], ""),
            (january, [voucher(january, income="50.50"), voucher(january, expenditure="20.00")], ""),
        ],
    )
    assert [m.key for m in months] == ["2020-01", "2020-02"]
    assert months[0].closing_balance == Decimal("130.50") == months[1].opening_balance
    assert months[1].closing_balance == Decimal("100.25")
    assert months[0].next is months[1] and months[1].previous is months[0]


cents = st.integers(min_value=0, max_value=5_000_000).map(lambda c: Decimal(c) / 100)
month_vouchers = st.lists(st.tuples(st.booleans(), cents), max_size=12)


# No time limit per example: speed belongs in the benchmarks, and a loaded CI machine is no bug.
@settings(deadline=None)
@given(
    opening=st.integers(min_value=-10_000_000, max_value=10_000_000).map(lambda c: Decimal(c) / 100),
    months=st.lists(month_vouchers, min_size=1, max_size=24),
)
def test_balances_chain_for_any_valid_ledger(opening, months):
    start = dt.date(2019, 1, 1)
    dated = []
    for index, rows in enumerate(months):
        month = dt.date(start.year + (start.month - 1 + index) // 12, (start.month - 1 + index) % 12 + 1, 1)
        vouchers = [
            voucher(month, income=str(a) if is_income else "0", expenditure="0" if is_income else str(a))
            for is_income, a in rows
        ]
        dated.append((month, vouchers, ""))
    ledgers = chain_months("v", opening, dated)
    assert ledgers[0].opening_balance == opening
    for before, after in zip(ledgers, ledgers[1:]):
        assert after.opening_balance == before.closing_balance
    for ledger in ledgers:
        assert ledger.closing_balance == ledger.opening_balance + ledger.income_total - ledger.expenditure_total
    all_in = sum((a for rows in months for is_income, a in rows if is_income), Decimal(0))
    all_out = sum((a for rows in months for is_income, a in rows if not is_income), Decimal(0))
    assert ledgers[-1].closing_balance == opening + all_in - all_out


def test_account_set_follows_the_month():
    sets, errors = read_account_sets(str(ACCOUNTS), "disclosures/accounts.csv")
    assert errors == []
    old, new = account_set_for(sets, dt.date(2020, 6, 1)), account_set_for(sets, dt.date(2024, 1, 1))
    assert (old.document, new.document) == ("财会〔2004〕12号", "财会〔2023〕14号")
    assert "发包及上交收入" in old.accounts and "发包及上交收入" not in new.accounts
    assert {"公益支出", "税金及附加", "所得税费用"} <= set(new.accounts) and "公益支出" not in old.accounts
    assert account_set_for(sets, dt.date(2023, 12, 1)) is old


def test_a_2024_ledger_is_checked_against_the_2023_rule(tmp_path):
    sets, _ = read_account_sets(str(ACCOUNTS), "accounts.csv")
    path = tmp_path / "2024-01.csv"
    path.write_bytes(
        (
            HEADER + "2024-01-05,01,鱼塘承包金,发包及上交收入,3000,,甲,乙,丙\r\n"
            "2024-01-06,02,困难户慰问,公益支出,,800,甲,乙,丙\r\n"
        ).encode("gbk")
    )
    month = dt.date(2024, 1, 1)
    vouchers, errors = read_ledger(str(path), "f.csv", month, account_set_for(sets, month))
    assert [v.account for v in vouchers] == ["公益支出"]
    assert [(e.line, e.column, e.code) for e in errors] == [(2, 4, "unknown-account")]
    assert "农村集体经济组织会计制度（财会〔2023〕14号）" in errors[0].message


def test_a_bad_date_says_how_to_write_it(tmp_path):
    path = tmp_path / "2020-05.csv"
    path.write_bytes(("\ufeff" + HEADER + "2020/5/7,01,办公用品,管理费用,,10,甲,乙,丙\r\n").encode("utf-8"))
    sets, _ = read_account_sets(str(ACCOUNTS), "accounts.csv")
    _, errors = read_ledger(str(path), "f.csv", dt.date(2020, 5, 1), sets[0])
    assert [str(e) for e in errors] == [
        "f.csv:2:1: 日期“2020/5/7”应写成 2020-05-07（格式 YYYY-MM-DD：年四位，月、日各两位，用“-”连接）"
    ]


def test_every_setting_is_documented_in_the_readme():
    from .village_disclosure import DEFAULTS

    readme = (ACCOUNTS.parent.parent.parent / "README.md").read_text(encoding="utf-8")
    assert [key for key in DEFAULTS if f"`{key}`" not in readme] == []


def test_village_rows_are_checked_cell_by_cell(tmp_path):
    from .ledger_source import read_villages

    path = tmp_path / "villages.csv"
    path.write_bytes(
        (
            "代码,镇街,镇街代码,村社区,期初月份,期初余额,监督委员会联系人\r\n"
            'xiangshui,王仙镇,wangxian,香水村,2020-01,"86,412.35",刘桂英\r\n'
            "xiangshui,王仙镇,wx,香水二村,2020-1,八万,\r\n"
        ).encode("gbk")
    )
    villages, errors = read_villages(str(path), "villages.csv")
    assert [v.opening_balance for v in villages] == [Decimal("86412.35")]
    assert [str(e) for e in errors] == [
        "villages.csv:3:1: 代码“xiangshui”与第 2 行重复；每个村（社区）的代码应不同",
        "villages.csv:3:7: 监督委员会联系人不能为空",
        "villages.csv:3:5: 期初月份“2020-1”应写成 2020-01（格式 YYYY-MM：年四位，月两位，用“-”连接）",
        "villages.csv:3:6: 期初余额“八万”不是金额（例：1,234.50）",
        "villages.csv:3:3: 王仙镇的镇街代码在第 2 行是“wangxian”，这里是“wx”；同一镇街应使用同一代码",
    ]


def test_an_amount_in_the_wrong_column_for_its_account(tmp_path):
    path = tmp_path / "2020-05.csv"
    path.write_bytes(
        (
            "\ufeff" + HEADER + "2020-05-07,01,办公用品,管理费用,10,,甲,乙,丙\r\n"
            "2020-05-08,02,镇拨运转经费,补助收入,,5000,甲,乙,丙\r\n"
        ).encode("utf-8")
    )
    sets, _ = read_account_sets(str(ACCOUNTS), "accounts.csv")
    vouchers, errors = read_ledger(str(path), "f.csv", dt.date(2020, 5, 1), sets[0])
    assert vouchers == []
    assert [str(e) for e in errors] == [
        "f.csv:2:5: 科目“管理费用”是支出科目，金额应填在“支出”列，不是“收入”列",
        "f.csv:3:6: 科目“补助收入”是收入科目，金额应填在“收入”列，不是“支出”列",
    ]
