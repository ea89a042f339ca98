"""How editors write dates, months and publication times, and the one place each is parsed.

Accepted forms, one set per kind (the README lists the same):

- a day: `YYYY-MM-DD`, month and day with two digits (`2020-07-09`);
- a month: `YYYY-MM` (`2020-07`);
- a publication time: `YYYY-MM-DD HH:MM`, optionally with seconds (`HH:MM:SS`) and optionally
  followed by ` +08:00`; always Beijing time. Only the day, `YYYY-MM-DD`, when the source gives
  no time (the start of that day; pages then show no time).

Anything else is refused with a DateFormError whose text says, in Chinese, what is wrong and,
when the intended value is clear (`2020-7-9`, `2020/07/09`, `2020年7月9日`, `20200709`,
full-width digits, `2020-07-08T09:30`), the corrected form to write instead. Callers put the
field's name in front of the message: `f"更新日期{problem}"`.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from zoneinfo import ZoneInfo

BEIJING_OFFSET = dt.timedelta(hours=8)

_DAY = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
# The clock may be left out when the source gives only the day; pages then show no time.
_TIME = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?: (\d{2}):(\d{2})(?::(\d{2}))?(?: \+08:00)?)?")

# What editors write instead, read leniently only to suggest the documented form.
_LOOSE_DAY = r"(?P<y>\d{4})(?:[-/.年](?P<m>\d{1,2})[-/.月](?P<d>\d{1,2})日?|(?P<m2>\d{2})(?P<d2>\d{2}))"
_LOOSE_CLOCK = r"(?:\s*[T ]\s*(?P<H>\d{1,2})[:时](?P<M>\d{1,2})分?(?::(?P<S>\d{1,2}))?)?"
_LOOSE_ZONE = r"\s*(?P<zone>Z|UTC|GMT|[+-]\d{1,2}(?::?\d{2})?)?"
_LOOSE_TIME = re.compile(_LOOSE_DAY + _LOOSE_CLOCK + _LOOSE_ZONE)
_LOOSE_MONTH = re.compile(r"(?P<y>\d{4})(?:[-/.年](?P<m>\d{1,2})月?|(?P<m2>\d{2}))")

EXAMPLE_DAY = "2020-07-08"
EXAMPLE_MONTH = "2020-07"
EXAMPLE_TIME = "2020-07-08 09:30"


class DateFormError(ValueError):
    """A date, month or time written in a form that is not accepted.

    str() is the message for the editor (without the field's name); `corrected` is the form to
    write instead when it can be worked out, else None.
    """

    def __init__(self, message: str, corrected: str | None = None):
        super().__init__(message)
        self.corrected = corrected


def parse_day(text: str, example: str = EXAMPLE_DAY) -> dt.date:
    """'2020-07-09' -> date(2020, 7, 9); any other form raises DateFormError."""
    written = text.strip()
    match = _DAY.fullmatch(written)
    if match:
        try:
            return dt.date(*map(int, match.groups()))
        except ValueError:
            raise DateFormError(f"“{text}”不是真实存在的日期；请核对年月日（例：{example}）") from None
    loose = _LOOSE_TIME.fullmatch(_plain(written))
    if loose:
        day = _loose_day(loose)
        if day is None:
            raise DateFormError(f"“{text}”不是真实存在的日期；请核对年月日（例：{example}）")
        corrected = f"{day:%Y-%m-%d}"
        raise DateFormError(
            f"“{text}”应写成 {corrected}（格式 YYYY-MM-DD：年四位，月、日各两位，用“-”连接）", corrected
        )
    raise DateFormError(f"“{text}”不是日期；应写成 {example} 这样的 YYYY-MM-DD")


def parse_month(text: str, example: str = EXAMPLE_MONTH) -> dt.date:
    """'2020-07' -> date(2020, 7, 1), the month's first day; any other form raises DateFormError."""
    written = text.strip()
    match = _LOOSE_MONTH.fullmatch(_plain(written))
    if not match:
        raise DateFormError(f"“{text}”不是月份；应写成 {example} 这样的 YYYY-MM")
    year, month = int(match["y"]), int(match["m"] or match["m2"])
    if not 1 <= month <= 12:
        raise DateFormError(f"“{text}”不是真实存在的月份；月份应在 01 到 12 之间（例：{example}）")
    corrected = f"{year:04d}-{month:02d}"
    if corrected != written:
        raise DateFormError(f"“{text}”应写成 {corrected}（格式 YYYY-MM：年四位，月两位，用“-”连接）", corrected)
    return dt.date(year, month, 1)


def parse_time(text: str, zone: ZoneInfo, example: str = EXAMPLE_TIME) -> dt.datetime:
    """'2020-07-08 09:30' (Beijing time) -> an aware datetime in `zone`; other forms raise DateFormError.

    `zone` is the site's TIMEZONE; it must be Beijing time, which is what editors write.
    """
    written = text.strip()
    loose = _LOOSE_TIME.fullmatch(_plain(written))
    if loose is None:
        raise DateFormError(f"“{text}”不是日期时间；应写成 {example} 这样的北京时间（YYYY-MM-DD HH:MM）")
    day = _loose_day(loose)
    clock = [int(loose[name] or 0) for name in ("H", "M", "S")]
    try:
        when = dt.datetime(day.year, day.month, day.day, *clock, tzinfo=zone) if day else None
    except ValueError:
        when = None
    if when is None:
        raise DateFormError(f"“{text}”不是真实存在的日期或时间；请核对年月日和时分（例：{example}）")
    if when.utcoffset() != BEIJING_OFFSET:
        raise DateFormError(f"站点时区 {zone.key} 不是北京时间（+08:00）；请检查 pelicanconf.py 的 TIMEZONE")
    offset = _offset(loose["zone"])
    if offset is not None and offset != BEIJING_OFFSET:
        written_zone = dt.timezone(offset) if abs(offset) < dt.timedelta(hours=24) else None
        if written_zone is None:
            raise DateFormError(f"“{text}”带的时区不是北京时间；请去掉时区，写北京时间（例：{example}）")
        beijing = when.replace(tzinfo=written_zone).astimezone(dt.timezone(BEIJING_OFFSET))
        corrected = _time_text(beijing, seconds=bool(loose["S"]))
        raise DateFormError(f"“{text}”带的时区不是北京时间；应写成北京时间 {corrected}", corrected)
    if _TIME.fullmatch(written):
        return when
    corrected = _time_text(when, seconds=bool(loose["S"])) if loose["H"] is not None else f"{when:%Y-%m-%d}"
    raise DateFormError(f"“{text}”应写成 {corrected}（北京时间，格式 YYYY-MM-DD HH:MM）", corrected)


def parse_iso_time(value, zone: ZoneInfo) -> dt.datetime:
    """A time given by a setting or the environment (ISO 8601, any offset), or a datetime -> aware datetime.

    Settings are written by developers and CI, not editors, so every ISO 8601 form is accepted;
    without an offset the time is read in `zone`. Raises ValueError when it is not ISO 8601.
    """
    moment = value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(str(value).strip())
    return moment if moment.tzinfo else moment.replace(tzinfo=zone)


def _plain(text: str) -> str:
    """Full-width digits and punctuation (typed with a Chinese input method) as their ASCII forms."""
    return unicodedata.normalize("NFKC", text)


def _loose_day(match: re.Match) -> dt.date | None:
    try:
        return dt.date(int(match["y"]), int(match["m"] or match["m2"]), int(match["d"] or match["d2"]))
    except ValueError:
        return None


def _offset(zone: str | None) -> dt.timedelta | None:
    if not zone:
        return None
    if zone in ("Z", "UTC", "GMT"):
        return dt.timedelta(0)
    digits = zone[1:].replace(":", "")
    hours, minutes = (int(digits[:-2]), int(digits[-2:])) if len(digits) > 2 else (int(digits), 0)
    sign = -1 if zone[0] == "-" else 1
    return sign * dt.timedelta(hours=hours, minutes=minutes)


def _time_text(when: dt.datetime, seconds: bool) -> str:
    return f"{when:%Y-%m-%d %H:%M:%S}" if seconds else f"{when:%Y-%m-%d %H:%M}"
