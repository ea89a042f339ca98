"""Turn problems.csv rows into Problem models, reporting every problem with its file, line and column.

Each check is a small function yielding DataError values; a row with any error builds no model,
and its errors fail the build, so a bad row is never shown half-right nor dropped silently.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from plugins.portal_data import DataError
from plugins.portal_data.csv_register import empty_cells, read_register_rows, repeated_values, unknown_value
from plugins.portal_data.csv_source import CsvRow, CsvTable
from plugins.portal_data.dates import DateFormError, parse_day

from .model import CHANNELS, EVALUATIONS, EXPLAINED_KIND, KINDS, Place, Problem, Unit

REQUIRED = ("编号", "村社区代码", "反映日期", "反映渠道", "问题摘要", "办理类型", "责任单位", "交办日期", "更新日期")
# The number is the problem's web address: letters, digits and hyphens only.
NUMBER_PATTERN = re.compile(r"^[0-9A-Za-z]+(?:-[0-9A-Za-z]+)*$")
DATE_COLUMNS = ("反映日期", "交办日期", "办结日期", "更新日期")
# Columns that take one of a few words: (error code, the words, what else is allowed).
CHOICES = {
    "反映渠道": ("unknown-channel", CHANNELS, ""),
    "办理类型": ("unknown-kind", KINDS, ""),
    "群众评价": ("unknown-evaluation", EVALUATIONS, "，或者留空"),
}


def read_problems(
    table: CsvTable, places: dict[str, Place], departments: dict[str, Unit], villages_path: str, departments_path: str
) -> tuple[list[Problem], list[DataError]]:
    problems, errors = read_register_rows(
        table,
        lambda row, error: check_row(row, error, places, departments, villages_path, departments_path),
        lambda row: make_problem(row, places, departments),
    )
    errors.extend(check_unique(table))
    return problems, errors


def check_row(row, error, places, departments, villages_path, departments_path) -> Iterator[DataError]:
    yield from empty_cells(row, REQUIRED, error, "问题")
    number = row["编号"]
    if number and not NUMBER_PATTERN.match(number):
        yield error("编号", "bad-number", f"编号“{number}”不能用作网址；请用数字、字母和连字符，如 2020-0001")
    yield from unknown_value(
        row,
        error,
        "村社区代码",
        places,
        "unknown-village",
        lambda code: f"村社区代码“{code}”不在 {villages_path} 中；应为：{'、'.join(places)}",
    )
    for column, (code_name, choices, hint) in CHOICES.items():
        yield from unknown_value(
            row,
            error,
            column,
            choices,
            code_name,
            lambda value, column=column, choices=choices, hint=hint: (
                f"{column}“{value}”不认识；应为 {'、'.join(choices)} 之一{hint}"
            ),
        )
    code = row["村社区代码"]
    yield from check_dates(row, error)
    place = places.get(code)
    unit = row["责任单位"]
    # With an unknown village the unit cannot be judged; the village's own error says what to fix.
    if unit and place and unit not in departments and unit not in (place.name, place.town):
        yield error(
            "责任单位",
            "unknown-unit",
            f"责任单位“{unit}”既不是 {departments_path} 中的部门，也不是本村社区（{place.name}）"
            f"或所在镇街（{place.town}）；请写部门全称或村、镇街名称",
        )
    yield from check_result(row, error)


def check_dates(row: CsvRow, error) -> Iterator[DataError]:
    dates = {}
    for column in DATE_COLUMNS:
        value = row[column]
        if value:
            try:
                dates[column] = parse_day(value, example="2020-06-23")
            except DateFormError as problem:
                yield error(column, "bad-date", f"{column}{problem}")
    for later, earlier in (
        ("交办日期", "反映日期"),
        ("办结日期", "交办日期"),
        ("更新日期", "办结日期"),
        ("更新日期", "交办日期"),
    ):
        if later in dates and earlier in dates and dates[later] < dates[earlier]:
            yield error(
                later,
                "date-order",
                f"{later} {dates[later].isoformat()} 早于{earlier} {dates[earlier].isoformat()}；{later}不能早于{earlier}",
            )
            return  # one order problem at a time: the others usually follow from it


def check_result(row: CsvRow, error) -> Iterator[DataError]:
    explained = row["办理类型"] == EXPLAINED_KIND
    if not row["办理结果"] and explained:
        yield error(
            "办理结果",
            "missing-explanation",
            "重大事项必须在办理结果中写明解释说明（为什么不能在市内解决、下一步怎么办）",
        )
    elif not row["办理结果"] and row["办结日期"]:
        yield error("办理结果", "missing-result", "已填写办结日期，办理结果不能为空；请写明是怎样解决的")
    if row["群众评价"] and not row["办结日期"] and not explained:
        yield error("群众评价", "evaluation-while-open", "问题还没有办结日期，不能有群众评价；办结后再填写")


def check_unique(table: CsvTable) -> Iterator[DataError]:
    return repeated_values(
        table,
        "编号",
        lambda row: row["编号"] or None,
        lambda number, earlier, _row: f"编号 {number} 与第 {earlier.line} 行重复；每个问题的编号应不同",
        "duplicate-number",
    )


def make_problem(row: CsvRow, places: dict[str, Place], departments: dict[str, Unit]) -> Problem:
    place = places[row["村社区代码"]]
    unit = departments.get(row["责任单位"]) or Unit(row["责任单位"])
    closed = row["办结日期"]
    return Problem(
        number=row["编号"],
        place=place,
        reported=parse_day(row["反映日期"]),
        channel=row["反映渠道"],
        summary=row["问题摘要"],
        kind=row["办理类型"],
        unit=unit,
        assigned=parse_day(row["交办日期"]),
        closed=parse_day(closed) if closed else None,
        result=row["办理结果"],
        evaluation=row["群众评价"],
        updated=parse_day(row["更新日期"]),
        line=row.line,
        cells=dict(row.cells),
    )
