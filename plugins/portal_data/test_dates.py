"""Dates, months and publication times: the documented forms are read, every other form is
refused with the exact message an editor sees, naming the corrected form when it is clear."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from plugins.portal_data.dates import DateFormError, parse_day, parse_iso_time, parse_month, parse_time

SHANGHAI = ZoneInfo("Asia/Shanghai")
DAY_FORM = "（格式 YYYY-MM-DD：年四位，月、日各两位，用“-”连接）"
MONTH_FORM = "（格式 YYYY-MM：年四位，月两位，用“-”连接）"
TIME_FORM = "（北京时间，格式 YYYY-MM-DD HH:MM）"


def refusal(parse, text, *args):
    with pytest.raises(DateFormError) as raised:
        parse(text, *args)
    return str(raised.value), raised.value.corrected


def test_a_day_is_yyyy_mm_dd():
    assert parse_day("2020-07-09") == dt.date(2020, 7, 9)
    assert parse_day(" 2020-07-09 ") == dt.date(2020, 7, 9)  # spreadsheets pad cells


@pytest.mark.parametrize(
    "text, corrected",
    [
        ("2020-7-9", "2020-07-09"),
        ("2020/6/30", "2020-06-30"),  # Excel's Chinese locale
        ("2020.07.09", "2020-07-09"),
        ("2020年7月9日", "2020-07-09"),
        ("20200709", "2020-07-09"),
        ("２０２０－０７－０９", "2020-07-09"),  # full-width, from a Chinese input method
        ("2020-07-09 08:00", "2020-07-09"),
    ],
)
def test_a_day_in_another_form_is_refused_with_the_corrected_form(text, corrected):
    assert refusal(parse_day, text) == (f"“{text}”应写成 {corrected}{DAY_FORM}", corrected)


def test_impossible_and_unreadable_days():
    assert refusal(parse_day, "2020-02-30") == ("“2020-02-30”不是真实存在的日期；请核对年月日（例：2020-07-08）", None)
    assert refusal(parse_day, "2020-7-32") == ("“2020-7-32”不是真实存在的日期；请核对年月日（例：2020-07-08）", None)
    assert refusal(parse_day, "七月九日", "2024-01-01") == (
        "“七月九日”不是日期；应写成 2024-01-01 这样的 YYYY-MM-DD",
        None,
    )
    assert refusal(parse_day, "")[1] is None


def test_a_month_is_yyyy_mm():
    assert parse_month("2020-06") == dt.date(2020, 6, 1)


@pytest.mark.parametrize(
    "text, corrected",
    [
        ("2020-6", "2020-06"),
        ("2020/06", "2020-06"),
        ("2020年6月", "2020-06"),
        ("202006", "2020-06"),
    ],
)
def test_a_month_in_another_form_is_refused_with_the_corrected_form(text, corrected):
    assert refusal(parse_month, text) == (f"“{text}”应写成 {corrected}{MONTH_FORM}", corrected)


def test_impossible_and_unreadable_months():
    assert refusal(parse_month, "2020-13") == (
        "“2020-13”不是真实存在的月份；月份应在 01 到 12 之间（例：2020-07）",
        None,
    )
    assert refusal(parse_month, "六月") == ("“六月”不是月份；应写成 2020-07 这样的 YYYY-MM", None)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2020-07-08 00:00", "2020-07-08T00:00:00+08:00"),
        ("2020-07-08 09:30:15", "2020-07-08T09:30:15+08:00"),
        ("2020-07-08 09:30 +08:00", "2020-07-08T09:30:00+08:00"),
        ("2020-07-08 09:30:15 +08:00", "2020-07-08T09:30:15+08:00"),
        ("2020-07-08", "2020-07-08T00:00:00+08:00"),  # only the day: the source gives no time
    ],
)
def test_publication_times_in_beijing_time(text, expected):
    assert parse_time(text, SHANGHAI).isoformat() == expected


@pytest.mark.parametrize(
    "text, corrected",
    [
        ("2020-7-9 9:05", "2020-07-09 09:05"),
        ("2020-7-8", "2020-07-08"),
        ("2020/7/8 9:30", "2020-07-08 09:30"),
        ("2020-07-08T09:30:15+08:00", "2020-07-08 09:30:15"),
        ("2020-07-08 09:30 +0800", "2020-07-08 09:30"),
        ("2020-07-08 ９:３０", "2020-07-08 09:30"),
    ],
)
def test_a_time_in_another_form_is_refused_with_the_corrected_form(text, corrected):
    assert refusal(parse_time, text, SHANGHAI) == (f"“{text}”应写成 {corrected}{TIME_FORM}", corrected)


@pytest.mark.parametrize(
    "text, corrected",
    [
        ("2021-03-02 08:00 +09:00", "2021-03-02 07:00"),
        ("2020-07-08 09:30Z", "2020-07-08 17:30"),
        ("2020-07-08 09:30 -05:00", "2020-07-08 22:30"),
    ],
)
def test_another_time_zone_is_refused_with_the_time_in_beijing(text, corrected):
    assert refusal(parse_time, text, SHANGHAI) == (
        f"“{text}”带的时区不是北京时间；应写成北京时间 {corrected}",
        corrected,
    )


@pytest.mark.parametrize("text", ["2020-02-30 10:00", "2020-07-08 24:00", "2020-07-08 09:60"])
def test_impossible_times(text):
    assert refusal(parse_time, text, SHANGHAI) == (
        f"“{text}”不是真实存在的日期或时间；请核对年月日和时分（例：2020-07-08 09:30）",
        None,
    )


@pytest.mark.parametrize("text", ["7月8日", "", "明天上午"])
def test_unreadable_times(text):
    assert refusal(parse_time, text, SHANGHAI) == (
        f"“{text}”不是日期时间；应写成 2020-07-08 09:30 这样的北京时间（YYYY-MM-DD HH:MM）",
        None,
    )


def test_a_site_time_zone_other_than_beijing_is_named():
    assert refusal(parse_time, "2020-07-08 09:30", ZoneInfo("Europe/London"))[0] == (
        "站点时区 Europe/London 不是北京时间（+08:00）；请检查 pelicanconf.py 的 TIMEZONE"
    )


def test_times_from_settings_are_iso_8601():
    assert parse_iso_time("2021-03-02T01:00+00:00", SHANGHAI) == dt.datetime(2021, 3, 2, 9, tzinfo=SHANGHAI)
    assert parse_iso_time("2030-01-01T08:00", SHANGHAI) == dt.datetime(2030, 1, 1, 8, tzinfo=SHANGHAI)
    with pytest.raises(ValueError):
        parse_iso_time("明天", SHANGHAI)
