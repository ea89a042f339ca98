"""Checks on one Markdown file's front matter: small functions that yield positioned DataErrors.

They read the source text themselves (not Pelican's parsed metadata) so `invoke check` can run
them without building, and so every problem points at the line and column an editor must change.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from plugins.portal_data import DataError

# Python-Markdown's meta extension rules, which Pelican's Markdown reader uses.
_META_LINE = re.compile(r"^[ ]{0,3}(?P<key>[A-Za-z0-9_-]+):\s*(?P<value>.*)$")
_META_MORE = re.compile(r"^[ ]{4,}(?P<value>.*)$")
_DATE = re.compile(
    r"^(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})"
    r"(?:[ T](?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2}))?)?"
    r"\s*(?P<zone>Z|[+-]\d{2}:?\d{2})?$"
)
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

NEWS_REQUIRED = ("title", "date", "category", "slug", "author", "summary")
PAGE_REQUIRED = ("title",)
SUMMARY_MAX = 120
EXAMPLE_DATE = "2020-07-08 09:30"
# How editors spell each key in the README, for messages.
SPELLING = {"title": "Title", "date": "Date", "category": "Category", "slug": "Slug", "author": "Author",
            "summary": "Summary", "edition": "Edition", "edition_position": "Edition_Position"}
WHAT_IT_IS = {"title": "标题", "date": "发布时间", "category": "栏目", "slug": "网址名", "author": "记者署名",
              "summary": "摘要", "edition": "所在期", "edition_position": "版面顺序"}


@dataclass(frozen=True)
class Field:
    key: str      # lower-case, as Pelican stores it
    value: str
    line: int
    column: int   # where the value starts (1-based)


@dataclass
class Source:
    """One Markdown file as the checks see it; `path` is shown to editors (relative to content/)."""

    path: str
    kind: str                      # "article" or "page"
    text: str
    fields: dict[str, Field] = field(default_factory=dict)
    end_line: int = 1              # the line just after the front matter (where a missing key goes)

    @classmethod
    def parse(cls, path: str, kind: str, text: str) -> "Source":
        fields, end_line = parse_front_matter(text)
        return cls(path, kind, text, fields, end_line)

    def value(self, key: str) -> str:
        found = self.fields.get(key)
        return found.value if found else ""


def parse_front_matter(text: str) -> tuple[dict[str, Field], int]:
    """Return the `Key: value` block at the top of `text` and the line number after it."""
    fields: dict[str, Field] = {}
    key = None
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    number = 0
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            return fields, number
        match = _META_LINE.match(line)
        if match:
            key = match["key"].lower()
            value = match["value"].strip()
            fields[key] = Field(key, value, number, match.start("value") + 1)
        elif key and _META_MORE.match(line):
            previous = fields[key]
            joined = f"{previous.value}\n{line.strip()}".strip()
            fields[key] = Field(key, joined, previous.line, previous.column)
        else:
            return fields, number
    return fields, number + 1


def _error(source: Source, line: int, column: int, code: str, message: str) -> DataError:
    return DataError(source.path, line, column, code, message)


def check_required(source: Source):
    required = NEWS_REQUIRED if source.kind == "article" else PAGE_REQUIRED
    if source.kind == "article" and ("edition" in source.fields or "edition_position" in source.fields):
        required = required + ("edition", "edition_position")  # one without the other places nothing
    for key in required:
        if not source.value(key):
            name = f"{SPELLING[key]}（{WHAT_IT_IS[key]}）"
            if key in source.fields:
                yield _error(source, source.fields[key].line, 1, "missing-field",
                             f"{name}是空的；请在“{SPELLING[key]}:”后面写上内容")
            else:
                yield _error(source, source.end_line, 1, "missing-field",
                             f"缺少 {name}；请在开头的元数据里加一行“{SPELLING[key]}: …”")


def parse_date(value: str, zone: ZoneInfo) -> tuple[dt.datetime | None, str]:
    """(datetime in `zone`, "") or (None, what is wrong). Only Beijing time (+08:00) is accepted."""
    match = _DATE.match(value.strip())
    if not match:
        return None, f"“{value}”不是日期时间；应写成 {EXAMPLE_DATE} 这样的北京时间（YYYY-MM-DD HH:MM）"
    parts = {k: int(v) if v else 0 for k, v in match.groupdict().items() if k != "zone"}
    try:
        naive = dt.datetime(parts["y"], parts["m"], parts["d"], parts["H"], parts["M"], parts["S"])
    except ValueError:
        return None, f"“{value}”不是真实存在的日期或时间；请核对年月日和时分（例：{EXAMPLE_DATE}）"
    when = naive.replace(tzinfo=zone)
    written_zone = match["zone"]
    if written_zone and written_zone.replace(":", "") != "+0800":
        return None, f"“{value}”带的时区不是北京时间；请去掉时区或写 +08:00（例：{EXAMPLE_DATE}）"
    if when.utcoffset() != dt.timedelta(hours=8):
        return None, f"站点时区 {zone.key} 不是北京时间（+08:00）；请检查 pelicanconf.py 的 TIMEZONE"
    return when, ""


def check_date(source: Source, zone: ZoneInfo):
    found = source.fields.get("date")
    if found and found.value:
        _, problem = parse_date(found.value, zone)
        if problem:
            yield _error(source, found.line, found.column, "bad-date", f"Date {problem}")


def check_slug(source: Source):
    found = source.fields.get("slug")
    if found and found.value and not _SLUG.match(found.value):
        yield _error(source, found.line, found.column, "bad-slug",
                     f"Slug “{found.value}”只能用小写英文字母、数字和连字符（例：giant-apple-melon）")


def check_summary(source: Source):
    found = source.fields.get("summary")
    if found and len(found.value) > SUMMARY_MAX:
        yield _error(source, found.line, found.column, "summary-too-long",
                     f"Summary 有 {len(found.value)} 个字，超过 {SUMMARY_MAX} 字；请缩短摘要")


def check_file(source: Source, zone: ZoneInfo):
    """Every single-file check on `source`."""
    yield from check_required(source)
    yield from check_date(source, zone)
    yield from check_slug(source)
    yield from check_summary(source)


def check_unique_slugs(sources: list[Source]):
    """Two articles (or two pages) with one slug would overwrite each other's page."""
    seen: dict[tuple[str, str], Source] = {}
    for source in sources:
        found = source.fields.get("slug")
        if not found or not found.value:
            continue
        key = (source.kind, found.value)
        if key in seen:
            yield _error(source, found.line, found.column, "duplicate-slug",
                         f"Slug “{found.value}”已被 {seen[key].path} 使用；每篇的 Slug 应不同")
        else:
            seen[key] = source


def check_duplicate_titles(sources: list[Source], zone: ZoneInfo):
    """The same headline twice on one day is almost always a file committed twice."""
    seen: dict[tuple[str, dt.date], Source] = {}
    for source in sources:
        title = source.fields.get("title")
        when, _ = parse_date(source.value("date"), zone) if source.value("date") else (None, "")
        if source.kind != "article" or not title or not title.value or when is None:
            continue
        key = (title.value, when.date())
        if key in seen:
            yield _error(source, title.line, title.column, "duplicate-title",
                         f"{when.date()} 已有同题文章 {seen[key].path}；同一天的标题应不同（是否重复提交了同一篇？）")
        else:
            seen[key] = source
