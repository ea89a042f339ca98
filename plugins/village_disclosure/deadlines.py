"""Publication deadlines: which months each village owed by the build date, and whether it paid on time.

A month is due on day VILLAGE_DISCLOSURE_DEADLINE_DAY of the month after it. A month first
published (committed) on or before that day is on time; later, it is late by the days between;
not published once the day has passed, it is missing and overdue. A published month whose file
has no committed history yet (a local build before committing) cannot be judged: "unknown".
Pure functions over villages, their months' first publication days and today's date.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .model import month_label, next_month

ON_TIME, LATE, MISSING, UNKNOWN = "on-time", "late", "missing", "unknown"
COMPLIANCE_HEADER = ["镇街", "村社区", "代码", "应公开月数", "按时公开", "逾期公开", "未公开", "公开日期未记录"]


def deadline_of(month: dt.date, day: int) -> dt.date:
    """The last day to publish `month`: day `day` of the following month."""
    return next_month(month).replace(day=day)


@dataclass(frozen=True)
class MonthStatus:
    month: dt.date
    deadline: dt.date
    status: str  # ON_TIME, LATE, MISSING or UNKNOWN
    published_on: dt.date | None
    days_late: int  # late: publication day - deadline; missing: today - deadline

    @property
    def label(self) -> str:
        return month_label(self.month)


def month_status(
    month: dt.date, deadline: dt.date, published_on: dt.date | None, published: bool, today: dt.date
) -> MonthStatus | None:
    """The status of one month, or None when it is not due yet (and not published late)."""
    if published and published_on is None:
        return MonthStatus(month, deadline, UNKNOWN, None, 0) if deadline < today else None
    if published:
        late = (published_on - deadline).days
        return MonthStatus(month, deadline, LATE if late > 0 else ON_TIME, published_on, max(late, 0))
    if deadline < today:
        return MonthStatus(month, deadline, MISSING, None, (today - deadline).days)
    return None


def month_calendar(first: dt.date, last: dt.date, day: int) -> list[tuple[dt.date, dt.date]]:
    """(month, its deadline) from `first` to `last`: worked out once for every village."""
    calendar, month = [], first
    while month <= last:
        calendar.append((month, deadline_of(month, day)))
        month = next_month(month)
    return calendar


def village_month_statuses(village, published_on: dict, calendar, today: dt.date, first_month=None) -> list:
    """Every due month of `village` from its opening month (or `first_month`, if later) up to today.

    `published_on` maps each published month to the Beijing day it first appeared (None: unknown);
    `calendar` is month_calendar() covering every month of every village up to today's month.
    A month published before it is due is listed too, so its note can say it was on time.
    """
    start = max(village.opening_month, first_month or village.opening_month)
    statuses = []
    for month, deadline in calendar:
        if month < start:
            continue
        status = month_status(month, deadline, published_on.get(month), month in published_on, today)
        if status is not None:
            statuses.append(status)
    return statuses


@dataclass(frozen=True)
class Compliance:
    """Counts for one village, town or the city: months due by today and how each was published."""

    name: str
    due: int
    on_time: int
    late: int
    missing: int
    unknown: int

    @classmethod
    def of(cls, name: str, statuses, today: dt.date) -> Compliance:
        due = [s for s in statuses if s.deadline < today]
        count = lambda kind: sum(1 for s in due if s.status == kind)  # noqa: E731
        return cls(name, len(due), count(ON_TIME), count(LATE), count(MISSING), count(UNKNOWN))

    @classmethod
    def total(cls, name: str, parts) -> Compliance:
        parts = list(parts)
        return cls(name, *(sum(getattr(p, f) for p in parts) for f in ("due", "on_time", "late", "missing", "unknown")))


@dataclass(frozen=True)
class Overdue:
    """A village with months it has not published past their deadline, oldest first."""

    village: object
    months: tuple[MonthStatus, ...]

    @property
    def most_days_late(self) -> int:
        return self.months[0].days_late

    @property
    def summary(self) -> str:
        """What the overdue list says: the months (a run of many as a range) and days late."""
        if len(self.months) <= 3:
            return "、".join(f"{m.label}（逾期 {m.days_late} 天）" for m in self.months)
        first, last = self.months[0], self.months[-1]
        return f"{first.label}至{last.label}共 {len(self.months)} 个月；最早的已逾期 {first.days_late} 天"


def overdue(village, statuses) -> Overdue | None:
    missing = tuple(s for s in statuses if s.status == MISSING)
    return Overdue(village, missing) if missing else None


def compliance_rows(villages, compliance_of: dict) -> list[list]:
    """The compliance CSV: one row per village, in villages.csv order."""
    return [
        [
            v.town,
            v.name,
            v.code,
            *(getattr(compliance_of[v.code], f) for f in ("due", "on_time", "late", "missing", "unknown")),
        ]
        for v in villages
    ]
