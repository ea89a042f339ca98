"""Turn power-list rows into PowerItem models, reporting every problem with its file, line and column.

Each check is a small function that yields DataError values (as frictionless's row checks do);
read_power_items runs them all and only builds a model from a row with no problems, so a bad
row is never shown half-right and never dropped silently: its errors fail the build.
"""

from __future__ import annotations

from collections.abc import Iterator

from plugins.portal_data import DataError
from plugins.portal_data.csv_register import empty_cells, read_register_rows, repeated_values, unknown_value
from plugins.portal_data.csv_source import CsvRow, CsvTable
from plugins.portal_data.dates import DateFormError, parse_day
from plugins.portal_data.numbers import whole_number

from .model import CHANNEL_SEPARATOR, CHANNELS, HEADER, PHONE_PATTERN, Department, PowerItem, PowerType, split_list

# Every column must be filled: a matter without its legal basis or fee is not publishable.
REQUIRED = HEADER


def read_power_items(
    table: CsvTable, departments: list[Department], power_types: list[PowerType], departments_path: str, types_path: str
) -> tuple[list[PowerItem], list[DataError]]:
    by_name = {department.name: department for department in departments}
    type_names = [power_type.name for power_type in power_types]
    items, errors = read_register_rows(
        table,
        lambda row, error: check_row(row, error, by_name, type_names, departments_path, types_path),
        lambda row: make_item(row, by_name),
    )
    errors.extend(check_unique(table))
    return items, errors


def check_row(row, error, departments, type_names, departments_path, types_path) -> Iterator[DataError]:
    yield from empty_cells(row, REQUIRED, error, "事项")
    number = row["序号"]
    if number and not (is_whole(number) and int(number) > 0):
        yield error("序号", "bad-number", f"序号“{number}”不是正整数；请写 1、2、3 这样的数字")
    yield from unknown_value(
        row,
        error,
        "实施部门",
        departments,
        "unknown-department",
        lambda name: f"实施部门“{name}”不在部门表中；请写部门全称，或先在 {departments_path} 添加这个部门和它的代码",
    )
    yield from unknown_value(
        row,
        error,
        "事项类别",
        type_names,
        "unknown-category",
        lambda name: f"事项类别“{name}”不是十类行政权力之一；应为：{'、'.join(type_names)}（见 {types_path}）",
    )
    yield from check_days(row, error)
    yield from check_channels(row, error)
    phone = row["监督电话"]
    if phone and not PHONE_PATTERN.match(phone):
        yield error(
            "监督电话",
            "bad-phone",
            f"监督电话“{phone}”格式不对；应写固定电话“区号-号码”，如 0731-23000001（不写手机号）",
        )
    yield from check_updated(row, error)


def check_updated(row: CsvRow, error) -> Iterator[DataError]:
    if row["更新日期"]:
        try:
            parse_day(row["更新日期"], example="2020-06-30")
        except DateFormError as problem:
            yield error("更新日期", "bad-date", f"更新日期{problem}")


def check_days(row: CsvRow, error) -> Iterator[DataError]:
    days = {}
    for column in ("法定时限", "承诺时限"):
        value = row[column]
        if value and not is_whole(value):
            yield error(column, "bad-days", f"{column}“{value}”不是整数天数；只写工作日天数，如 20（当场办结写 0）")
        elif value:
            days[column] = int(value)
    if len(days) == 2 and days["承诺时限"] > days["法定时限"]:
        yield error(
            "承诺时限",
            "promise-exceeds-legal",
            f"承诺时限 {days['承诺时限']} 个工作日长于法定时限 {days['法定时限']} 个工作日；承诺时限不能超过法定时限",
        )


def check_channels(row: CsvRow, error) -> Iterator[DataError]:
    for channel in split_channels(row["办理方式"]):
        if channel not in CHANNELS:
            yield error(
                "办理方式",
                "unknown-channel",
                f"办理方式“{channel}”不认识；应为 {'、'.join(CHANNELS)} 中的一个或几个，用“{CHANNEL_SEPARATOR}”分隔",
            )


def check_unique(table: CsvTable) -> Iterator[DataError]:
    yield from repeated_values(
        table,
        "序号",
        lambda row: str(int(row["序号"])) if is_whole(row["序号"]) else None,
        lambda number, earlier, _row: f"序号 {number} 与第 {earlier.line} 行重复；每个事项的序号应不同",
        "duplicate-number",
    )
    yield from repeated_values(
        table,
        "事项名称",
        lambda row: (row["实施部门"], row["事项名称"]) if row["实施部门"] and row["事项名称"] else None,
        lambda matter, earlier, _row: f"{matter[0]}的“{matter[1]}”与第 {earlier.line} 行重复；同一部门的事项名称应不同",
        "duplicate-matter",
    )


def is_whole(text: str) -> bool:
    return whole_number(text) is not None


def split_channels(text: str) -> list[str]:
    return [part.strip() for part in text.split(CHANNEL_SEPARATOR) if part.strip()]


def make_item(row: CsvRow, departments: dict[str, Department]) -> PowerItem:
    channels = split_channels(row["办理方式"])
    return PowerItem(
        number=int(row["序号"]),
        department=departments[row["实施部门"]],
        name=row["事项名称"],
        category=row["事项类别"],
        legal_basis=split_list(row["设定依据"]),
        conditions=row["办理条件"],
        materials=split_list(row["申请材料"]),
        steps=split_list(row["办理流程"]),
        legal_days=int(row["法定时限"]),
        promised_days=int(row["承诺时限"]),
        fee=row["收费标准"],
        # In the order CHANNELS lists them, so filters and pages read the same everywhere.
        channels=[channel for channel in CHANNELS if channel in channels],
        duties=split_list(row["责任事项"]),
        phone=row["监督电话"],
        updated=parse_day(row["更新日期"]),
        line=row.line,
        cells=dict(row.cells),
    )
