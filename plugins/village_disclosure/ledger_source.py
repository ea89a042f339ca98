"""Read the editors' village disclosure files into models, collecting every problem as a DataError.

Three kinds of file (see README, 村务公开): the account sets (accounts.csv), the villages
(villages.csv) and one ledger per village per month (finance/<代码>/<YYYY-MM>.csv).
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass

from plugins.portal_data import DataError
from plugins.portal_data.codes import code_problem, is_code
from plugins.portal_data.csv_source import read_csv_table
from plugins.portal_data.dates import DateFormError, parse_day, parse_month

from .model import Village, Voucher, parse_amount, parse_signed_amount

LEDGER_HEADER = ["日期", "凭证号", "摘要", "科目", "收入", "支出", "经办人", "证明人", "审批人"]
VILLAGE_COLUMNS = ["代码", "镇街", "村社区", "期初月份", "期初余额", "监督委员会联系人"]
ACCOUNT_COLUMNS = ["制度", "文号", "起用日期", "科目", "方向"]
SIGNATURE_COLUMNS = ["经办人", "证明人", "审批人"]
AMOUNT_EXAMPLE = "（例：1,234.50）"


@dataclass
class AccountSet:
    """The income and expenditure accounts of one accounting rule, in force from `start`."""

    name: str
    document: str
    start: dt.date
    accounts: dict  # account name -> "收入" or "支出"


def column(table, name: str) -> int:
    return table.column_number(name)


def read_account_sets(path: str, shown: str) -> tuple[list[AccountSet], list[DataError]]:
    table, errors = read_csv_table(path, required_columns=ACCOUNT_COLUMNS, display_path=shown)
    if table is None:
        return [], errors
    sets: dict[tuple, AccountSet] = {}
    for row in table.rows:
        try:
            start = parse_day(row["起用日期"], example="2024-01-01")
        except DateFormError as problem:
            errors.append(DataError(shown, row.line, column(table, "起用日期"), "bad-date", f"起用日期{problem}"))
            continue
        if row["方向"] not in ("收入", "支出"):
            errors.append(
                DataError(shown, row.line, column(table, "方向"), "bad-side", f"方向“{row['方向']}”应为“收入”或“支出”")
            )
            continue
        key = (row["制度"], start)
        account_set = sets.setdefault(key, AccountSet(row["制度"], row["文号"], start, {}))
        account_set.accounts[row["科目"]] = row["方向"]
    return sorted(sets.values(), key=lambda s: s.start), errors


def account_set_for(sets: list[AccountSet], month: dt.date) -> AccountSet | None:
    """The rule in force in `month`: the latest one that started on or before its first day."""
    in_force = [s for s in sets if s.start <= month]
    return in_force[-1] if in_force else None


def read_villages(path: str, shown: str) -> tuple[list[Village], list[DataError]]:
    table, errors = read_csv_table(path, required_columns=VILLAGE_COLUMNS, display_path=shown)
    if table is None:
        return [], errors
    villages: list[Village] = []
    seen: dict[str, int] = {}
    town_slugs: dict[str, tuple[str, int]] = {}
    for row in table.rows:
        problems = list(_village_row_errors(table, row, seen, town_slugs))
        errors.extend(problems)
        if problems:
            continue
        seen[row["代码"]] = row.line
        town_slug = row["镇街代码"] or row["镇街"]
        town_slugs.setdefault(row["镇街"], (town_slug, row.line))
        villages.append(
            Village(
                code=row["代码"],
                town=row["镇街"],
                name=row["村社区"],
                town_slug=town_slug,
                opening_month=parse_month(row["期初月份"]),
                opening_balance=parse_signed_amount(row["期初余额"]),
                supervisor=row["监督委员会联系人"],
                line=row.line,
            )
        )
    return villages, errors


def _village_row_errors(table, row, seen, town_slugs):
    shown = table.path
    code = row["代码"]
    if not is_code(code):
        yield DataError(
            shown, row.line, column(table, "代码"), "bad-village-code", f"代码{code_problem(code, 'xiangshui')}"
        )
    elif code in seen:
        yield DataError(
            shown,
            row.line,
            column(table, "代码"),
            "duplicate-village-code",
            f"代码“{code}”与第 {seen[code]} 行重复；每个村（社区）的代码应不同",
        )
    for name in ("镇街", "村社区", "监督委员会联系人"):
        if not row[name]:
            yield DataError(shown, row.line, column(table, name), "missing-cell", f"{name}不能为空")
    try:
        parse_month(row["期初月份"], example="2020-01")
    except DateFormError as problem:
        yield DataError(shown, row.line, column(table, "期初月份"), "bad-month", f"期初月份{problem}")
    if parse_signed_amount(row["期初余额"]) is None:
        yield DataError(
            shown,
            row.line,
            column(table, "期初余额"),
            "bad-amount",
            f"期初余额“{row['期初余额']}”不是金额{AMOUNT_EXAMPLE}",
        )
    town_slug = row["镇街代码"]
    if town_slug and not is_code(town_slug):
        yield DataError(
            shown,
            row.line,
            column(table, "镇街代码"),
            "bad-town-code",
            f"镇街代码{code_problem(town_slug, 'wangxian')}",
        )
    known = town_slugs.get(row["镇街"])
    if known and town_slug and known[0] != town_slug:
        yield DataError(
            shown,
            row.line,
            column(table, "镇街代码"),
            "conflicting-town-code",
            f"{row['镇街']}的镇街代码在第 {known[1]} 行是“{known[0]}”，这里是“{town_slug}”；同一镇街应使用同一代码",
        )


def read_ledger(
    path: str, shown: str, month: dt.date, accounts: AccountSet, data: bytes | None = None
) -> tuple[list[Voucher], list[DataError]]:
    """One village-month file -> its vouchers, or the problems found in it (all of them)."""
    table, errors = read_csv_table(path, exact_header=LEDGER_HEADER, display_path=shown, data=data)
    if table is None:
        return [], errors
    vouchers: list[Voucher] = []
    first_line_of: dict[str, int] = {}
    for row in table.rows:
        problems = list(_voucher_errors(shown, row, month, accounts, first_line_of))
        first_line_of.setdefault(row["凭证号"], row.line)
        errors.extend(problems)
        if not problems:
            vouchers.append(
                Voucher(
                    line=row.line,
                    date=parse_day(row["日期"]),
                    number=row["凭证号"],
                    summary=row["摘要"],
                    account=row["科目"],
                    income=parse_amount(row["收入"]),
                    expenditure=parse_amount(row["支出"]),
                    handler=row["经办人"],
                    witness=row["证明人"],
                    approver=row["审批人"],
                )
            )
    return vouchers, errors


def _col(name: str) -> int:
    return LEDGER_HEADER.index(name) + 1


def _voucher_errors(shown, row, month, accounts, first_line_of):
    line = row.line
    try:
        date = parse_day(row["日期"], example=f"{month:%Y-%m}-05")
    except DateFormError as problem:
        date = None
        yield DataError(shown, line, 1, "bad-date", f"日期{problem}")
    if date and (date.year, date.month) != (month.year, month.month):
        yield DataError(
            shown,
            line,
            1,
            "date-outside-month",
            f"日期 {date} 不在本文件的月份 {month:%Y-%m} 内；这张凭证应记在 {date:%Y-%m}.csv 里，或改正日期",
        )
    number = row["凭证号"]
    if not number:
        yield DataError(shown, line, 2, "missing-cell", "凭证号不能为空")
    elif number in first_line_of:
        yield DataError(
            shown,
            line,
            2,
            "duplicate-voucher",
            f"凭证号“{number}”与第 {first_line_of[number]} 行重复；同一村同一月的凭证号应不同",
        )
    if not row["摘要"]:
        yield DataError(shown, line, 3, "missing-cell", "摘要不能为空；请写明这笔钱的用途或来源")
    account_problems = list(_account_errors(shown, row, accounts))
    amount_problems = list(_amount_errors(shown, row))
    yield from account_problems
    yield from amount_problems
    if not account_problems and not amount_problems:
        yield from _side_errors(shown, row, accounts)
    for name in SIGNATURE_COLUMNS:
        if not row[name]:
            yield DataError(
                shown, line, _col(name), "missing-signature", f"{name}未签名；每张凭证都要有经办人、证明人和审批人"
            )


def _account_errors(shown, row, accounts):
    if row["科目"] not in accounts.accounts:
        names = "、".join(accounts.accounts)
        yield DataError(
            shown,
            row.line,
            4,
            "unknown-account",
            f"科目“{row['科目']}”不是{accounts.name}（{accounts.document}）的收支科目；应为：{names}",
        )


def _side_errors(shown, row, accounts):
    """An income account's amount belongs in 收入 and an expenditure account's in 支出: a 管理费用
    amount typed into 收入 would silently raise the village's balance."""
    side = accounts.accounts[row["科目"]]
    filled = "收入" if parse_amount(row["收入"]) else "支出"
    if filled != side:
        yield DataError(
            shown,
            row.line,
            _col(filled),
            "wrong-side",
            f"科目“{row['科目']}”是{side}科目，金额应填在“{side}”列，不是“{filled}”列",
        )


def _amount_errors(shown, row):
    values = {}
    for name in ("收入", "支出"):
        text = row[name]
        value = parse_amount(text)
        if value is None and text.lstrip().startswith("-") and parse_amount(text.lstrip()[1:]) is not None:
            yield DataError(
                shown,
                row.line,
                _col(name),
                "negative-amount",
                f"第 {row.line} 行 {name} 列的“{text}”是负数；金额应填正数{AMOUNT_EXAMPLE}",
            )
        elif value is None:
            yield DataError(
                shown,
                row.line,
                _col(name),
                "bad-amount",
                f"第 {row.line} 行 {name} 列的“{text}”不是金额{AMOUNT_EXAMPLE}",
            )
        values[name] = value
    if None in values.values():
        return
    if values["收入"] and values["支出"]:
        yield DataError(
            shown, row.line, _col("收入"), "both-amounts", "收入和支出都填了；一张凭证只填其中一列，另一列留空"
        )
    elif not values["收入"] and not values["支出"]:
        yield DataError(
            shown, row.line, _col("收入"), "no-amount", "收入和支出都是空的（或为 0）；请在其中一列填写金额"
        )


def ledger_files(finance_path: str) -> list[tuple[str, str]]:
    """Every (village folder name, file name) under finance/, sorted, CSV files only."""
    found = []
    if not os.path.isdir(finance_path):
        return found
    for folder in sorted(os.listdir(finance_path)):
        folder_path = os.path.join(finance_path, folder)
        if os.path.isdir(folder_path):
            found.extend((folder, name) for name in sorted(os.listdir(folder_path)) if name.lower().endswith(".csv"))
    return found
