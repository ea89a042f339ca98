"""Publication deadlines as pure functions: the edges of the deadline day and when pages change next."""

from __future__ import annotations

import datetime as dt

import pytest

from .deadlines import LATE, MISSING, ON_TIME, UNKNOWN, deadline_of, month_status
from .integrity import Deadlines

JUNE = dt.date(2020, 6, 1)


@pytest.mark.parametrize(
    "published_on,published,today,expected",
    [
        (dt.date(2020, 7, 10), True, dt.date(2020, 9, 1), (ON_TIME, 0)),  # on the deadline day
        (dt.date(2020, 7, 11), True, dt.date(2020, 9, 1), (LATE, 1)),  # the day after
        (None, False, dt.date(2020, 7, 10), None),  # not due until the deadline day has passed
        (None, False, dt.date(2020, 7, 11), (MISSING, 1)),
        (None, True, dt.date(2020, 7, 11), (UNKNOWN, 0)),  # published, but not committed yet
    ],
)
def test_month_status_at_the_edges(published_on, published, today, expected):
    status = month_status(JUNE, deadline_of(JUNE, 10), published_on, published, today)
    assert (None if status is None else (status.status, status.days_late)) == expected


def test_deadline_is_the_set_day_of_the_following_month():
    assert deadline_of(dt.date(2020, 12, 1), 10) == dt.date(2021, 1, 10)
    assert deadline_of(dt.date(2020, 1, 1), 28) == dt.date(2020, 2, 28)


@pytest.mark.parametrize(
    "today,overdue,expected",
    [
        (dt.date(2020, 7, 5), False, dt.date(2020, 7, 11)),  # June falls due after 07-10
        (dt.date(2020, 7, 10), False, dt.date(2020, 7, 11)),
        (dt.date(2020, 7, 11), False, dt.date(2020, 8, 11)),  # next: July, after 08-10
        (dt.date(2020, 7, 11), True, dt.date(2020, 7, 12)),  # days late grow every day
    ],
)
def test_pages_change_next_when_a_month_falls_due_or_days_late_grow(today, overdue, expected):
    found = Deadlines(10, today, {}, {}, {"镇": ["someone"]} if overdue else {})
    assert found.next_change() == expected
