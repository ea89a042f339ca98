"""Deadlines on China's working-day calendar: against the package for whole years, the worked examples, and the 估算 path."""

from __future__ import annotations

import datetime as dt

import chinese_calendar
import pytest

from plugins.portal_data.csv_source import read_csv_table
from plugins.problem_list.model import assess
from plugins.problem_list.workdays import HOLIDAYS_HEADER, WorkingCalendar, read_holidays

D = dt.date.fromisoformat
CALENDAR = WorkingCalendar()


def days_of(year: int):
    day = dt.date(year, 1, 1)
    while day.year == year:
        yield day
        day += dt.timedelta(days=1)


@pytest.mark.parametrize("year", range(2020, 2027))
def test_every_day_of_the_year_is_what_the_state_council_published(year):
    for day in days_of(year):
        assert CALENDAR.working_day(day) == (chinese_calendar.is_workday(day), False), day


@pytest.mark.parametrize("year", range(2020, 2027))
def test_deadlines_match_the_packages_own_workday_search(year):
    """find_workday(n, d) is the n-th working day counting d itself when d works; counting starts the
    day after 交办, so it is asked from the next day."""
    for assigned in days_of(year):
        for kind, days in (("一般", 5), ("复杂", 15)):
            try:
                expected = chinese_calendar.find_workday(days - 1, assigned + dt.timedelta(days=1))
            except NotImplementedError:
                continue  # runs past the package's last year: the estimate tests below
            assert assess(kind, assigned, None, assigned, CALENDAR).due == expected, (assigned, kind)


def test_deadlines_across_duanwu_and_guoqing_count_make_up_days():
    # 端午 25–27 June 2020 off, Sunday 28 June worked.
    assert assess("一般", D("2020-06-23"), None, D("2020-06-23"), CALENDAR).due == D("2020-07-01")
    # 国庆中秋 1–8 October 2020 off, Sunday 27 September and Saturday 10 October worked.
    assert assess("复杂", D("2020-09-25"), None, D("2020-09-25"), CALENDAR).due == D("2020-10-22")


def test_make_up_days_count_and_holidays_do_not():
    assert CALENDAR.working_day(D("2020-06-28")) == (True, False)  # a Sunday, worked (调休)
    assert CALENDAR.working_day(D("2020-06-25")) == (False, False)  # 端午, a Thursday
    assert CALENDAR.working_days_between(D("2020-06-24"), D("2020-06-29")) == (2, False)  # 28 and 29 June


def test_urgent_is_due_the_day_it_is_assigned_and_major_has_no_deadline():
    urgent = assess("急办", D("2020-06-25"), None, D("2020-06-25"), CALENDAR)
    assert (urgent.due, urgent.status, urgent.detail) == (D("2020-06-25"), "办理中", "今天到期")
    major = assess("重大", D("2020-06-25"), None, D("2030-01-01"), CALENDAR)
    assert (major.due, major.status, major.on_time) == (None, "已解释说明", None)


def test_2027_without_holidays_file_is_counted_on_weekends_and_marked_estimated():
    # 2027-09-30 is a Thursday; weekends only: Fri 1, Mon 4, Tue 5, Wed 6, Thu 7 October.
    assessment = assess("一般", D("2027-09-30"), None, D("2027-09-30"), CALENDAR)
    assert (assessment.due, assessment.estimated) == (D("2027-10-07"), True)


def test_a_deadline_running_from_2026_into_2027_is_an_estimate():
    assessment = assess("复杂", D("2026-12-25"), None, D("2026-12-25"), CALENDAR)
    assert assessment.estimated is True and assessment.due.year == 2027
    assert assess("一般", D("2026-12-01"), None, D("2026-12-01"), CALENDAR).estimated is False


def holidays_file(tmp_path, rows: str, encoding="utf-8-sig"):
    path = tmp_path / "holidays.csv"
    path.write_bytes(("日期,类型\r\n" + rows).encode(encoding))
    table, errors = read_csv_table(str(path), exact_header=HOLIDAYS_HEADER, display_path="disclosures/holidays.csv")
    assert errors == []
    return read_holidays(table)


NATIONAL_DAY_2027 = (
    "".join(f"2027-10-0{day},休息日\r\n" for day in range(1, 8)) + "2027-09-26,调休上班日\r\n2027-10-09,调休上班日\r\n"
)


def test_2027_with_holidays_file_follows_the_notice_and_is_not_an_estimate(tmp_path):
    calendar, errors = holidays_file(tmp_path, NATIONAL_DAY_2027, encoding="gbk")
    assert errors == []
    # 1–7 October off; Fri 8 (1), Sat 9 worked (2), Mon 11 (3), Tue 12 (4), Wed 13 (5).
    assessment = assess("一般", D("2027-09-30"), None, D("2027-09-30"), calendar)
    assert (assessment.due, assessment.estimated) == (D("2027-10-13"), False)
    # A year the file does not mention is still an estimate.
    assert assess("一般", D("2028-03-01"), None, D("2028-03-01"), calendar).estimated is True


def test_holidays_file_errors_are_positioned(tmp_path):
    _, errors = holidays_file(
        tmp_path,
        "2027-10-1,休息日\r\n2027-10-02,放假\r\n2027-10-04,调休上班日\r\n"
        "2027-10-05,休息日\r\n2027-10-05,休息日\r\n2020-06-28,休息日\r\n2020-06-25,休息日\r\n",
    )
    assert [str(error) for error in errors] == [
        "disclosures/holidays.csv:2:1: 日期“2027-10-1”应写成 2027-10-01（格式 YYYY-MM-DD：年四位，月、日各两位，用“-”连接）",
        "disclosures/holidays.csv:3:2: 类型“放假”不认识；应为“休息日”或“调休上班日”",
        "disclosures/holidays.csv:4:2: 2027-10-04 是星期一，本来就上班；调休上班日应是周六或周日",
        "disclosures/holidays.csv:6:1: 日期 2027-10-05 与第 5 行重复",
        "disclosures/holidays.csv:7:2: 国务院公布的安排中 2020-06-28 是调休上班日，这里写的是休息日；请核对通知",
    ]


def test_status_moves_with_the_date():
    assigned, calendar = D("2020-07-01"), CALENDAR  # 复杂: due 2020-07-22
    seen = [
        (
            assess("复杂", assigned, None, D(day), calendar).status,
            assess("复杂", assigned, None, D(day), calendar).detail,
        )
        for day in ("2020-07-08", "2020-07-22", "2020-07-23", "2020-07-25", "2020-07-27")
    ]
    assert seen == [
        ("办理中", "还剩 10 个工作日"),
        ("办理中", "今天到期"),
        ("逾期未办结", "已超期 1 个工作日"),
        ("逾期未办结", "已超期 2 个工作日"),
        ("逾期未办结", "已超期 3 个工作日"),
    ]
    closed_late = assess("复杂", assigned, D("2020-07-24"), D("2020-07-27"), calendar)
    assert (closed_late.status, closed_late.detail, closed_late.on_time) == ("已办结", "超期 2 个工作日办结", False)
    # A closing date after the build date is not yet known at the build date.
    assert assess("复杂", assigned, D("2020-07-24"), D("2020-07-10"), calendar).status == "办理中"
