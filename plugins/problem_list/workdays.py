"""China's working-day calendar for problem deadlines: the State Council schedule, then holidays.csv, then weekends only.

The `chinese-calendar` package knows every published schedule (holidays and the weekend make-up
days, 调休) up to the last year it ships; a later year raises NotImplementedError. For such a year
the editors' optional holidays.csv (日期,类型 from the State Council notice) fills the gap; a
year it does not mention is counted on weekends alone and every day so counted is an estimate
(估算), so a deadline resting on it says so instead of failing the build.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import chinese_calendar

from plugins.portal_data import DataError
from plugins.portal_data.csv_source import CsvTable
from plugins.portal_data.dates import DateFormError, parse_day

HOLIDAYS_HEADER = ["日期", "类型"]
REST_DAY = "休息日"
MAKE_UP_WORKING_DAY = "调休上班日"
ONE_DAY = dt.timedelta(days=1)


def package_working_day(day: dt.date) -> bool | None:
    """What the package says, or None for a year whose schedule it does not hold."""
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        return None


@dataclass(frozen=True)
class WorkingCalendar:
    """`overrides`: holidays.csv as {date: is a working day}; used only where the package has no data."""

    overrides: dict = field(default_factory=dict)

    @property
    def override_years(self) -> frozenset[int]:
        return frozenset(day.year for day in self.overrides)

    def working_day(self, day: dt.date) -> tuple[bool, bool]:
        """(is a working day, is an estimate)."""
        known = package_working_day(day)
        if known is not None:
            return known, False
        if day in self.overrides:
            return self.overrides[day], False
        weekday = day.weekday() < 5
        return weekday, day.year not in self.override_years

    def nth_working_day_after(self, start: dt.date, count: int) -> tuple[dt.date, bool]:
        """The `count`-th working day after `start` (start itself not counted), and whether any day was estimated."""
        day, found, estimated = start, 0, False
        while found < count:
            day += ONE_DAY
            working, guessed = self.working_day(day)
            estimated = estimated or guessed
            found += working
        return day, estimated

    def working_days_between(self, start: dt.date, end: dt.date) -> tuple[int, bool]:
        """Working days d with start < d <= end (0 when end is not after start), and whether any was estimated."""
        days = [self.working_day(start + ONE_DAY * n) for n in range(1, (end - start).days + 1)]
        return sum(working for working, _ in days), any(guessed for _, guessed in days)


def read_holidays(table: CsvTable) -> tuple[WorkingCalendar, list[DataError]]:
    """holidays.csv into a calendar; a row the package contradicts is an error (a typo, most likely)."""
    overrides: dict[dt.date, bool] = {}
    seen: dict[dt.date, int] = {}
    errors: list[DataError] = []
    for row in table.rows:

        def error(column: str, code: str, message: str) -> DataError:
            return DataError(table.path, row.line, table.column_number(column), code, message)

        kind = row["类型"]
        try:
            day = parse_day(row["日期"], example="2027-10-01")
        except DateFormError as problem:
            errors.append(error("日期", "bad-date", f"日期{problem}"))
            continue
        if kind not in (REST_DAY, MAKE_UP_WORKING_DAY):
            errors.append(
                error("类型", "bad-day-type", f"类型“{kind}”不认识；应为“{REST_DAY}”或“{MAKE_UP_WORKING_DAY}”")
            )
            continue
        if day in seen:
            errors.append(error("日期", "duplicate-date", f"日期 {day.isoformat()} 与第 {seen[day]} 行重复"))
            continue
        seen[day] = row.line
        working = kind == MAKE_UP_WORKING_DAY
        if working and day.weekday() < 5:
            errors.append(
                error(
                    "类型",
                    "make-up-on-weekday",
                    f"{day.isoformat()} 是星期{'一二三四五'[day.weekday()]}，本来就上班；调休上班日应是周六或周日",
                )
            )
            continue
        known = package_working_day(day)
        if known is not None and known != working:
            actual = MAKE_UP_WORKING_DAY if known and day.weekday() >= 5 else ("工作日" if known else REST_DAY)
            errors.append(
                error(
                    "类型",
                    "contradicts-schedule",
                    f"国务院公布的安排中 {day.isoformat()} 是{actual}，这里写的是{kind}；请核对通知",
                )
            )
            continue
        overrides[day] = working
    return WorkingCalendar(overrides), errors
