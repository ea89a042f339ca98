"""Checks on one Markdown file's front matter: small functions that yield positioned DataErrors.

They read the source text themselves (not Pelican's parsed metadata) so `invoke check` can run
them without building, and so every problem points at the line and column an editor must change.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from plugins.portal_data import DataError
from plugins.portal_data.codes import code_problem
from plugins.portal_data.dates import DateFormError, parse_time
from plugins.portal_data.front_matter import Field, parse_front_matter

# Category is required too, but the sections plugin reports a missing one, with the sections to choose from.
NEWS_REQUIRED = ("title", "date", "slug", "author", "summary")
PAGE_REQUIRED = ("title",)
SUMMARY_MAX = 120
# How editors spell each key in the README, for messages.
SPELLING = {
    "title": "Title",
    "date": "Date",
    "category": "Category",
    "slug": "Slug",
    "author": "Author",
    "summary": "Summary",
    "edition": "Edition",
    "edition_position": "Edition_Position",
}
WHAT_IT_IS = {
    "title": "标题",
    "date": "发布时间",
    "category": "栏目",
    "slug": "网址名",
    "author": "记者署名",
    "summary": "摘要",
    "edition": "所在期",
    "edition_position": "版面顺序",
}


@dataclass
class Source:
    """One Markdown file as the checks see it; `path` is shown to editors (relative to content/)."""

    path: str
    kind: str  # "article" or "page"
    text: str
    fields: dict[str, Field] = field(default_factory=dict)
    end_line: int = 1  # the line just after the front matter (where a missing key goes)

    @classmethod
    def parse(cls, path: str, kind: str, text: str) -> Source:
        fields, end_line = parse_front_matter(text)
        return cls(path, kind, text, fields, end_line)

    def value(self, key: str) -> str:
        found = self.fields.get(key)
        return found.value if found else ""


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
                yield _error(
                    source,
                    source.fields[key].line,
                    1,
                    "missing-field",
                    f"{name}是空的；请在“{SPELLING[key]}:”后面写上内容",
                )
            else:
                yield _error(
                    source,
                    source.end_line,
                    1,
                    "missing-field",
                    f"缺少 {name}；请在开头的元数据里加一行“{SPELLING[key]}: …”",
                )


def check_date(source: Source, zone: ZoneInfo):
    found = source.fields.get("date")
    if found and found.value:
        try:
            parse_time(found.value, zone)
        except DateFormError as problem:
            yield _error(source, found.line, found.column, "bad-date", f"Date {problem}")


def check_slug(source: Source):
    found = source.fields.get("slug")
    problem = code_problem(found.value, "giant-apple-melon") if found and found.value else ""
    if problem:
        yield _error(source, found.line, found.column, "bad-slug", f"Slug {problem}")


def check_summary(source: Source):
    found = source.fields.get("summary")
    if found and len(found.value) > SUMMARY_MAX:
        yield _error(
            source,
            found.line,
            found.column,
            "summary-too-long",
            f"Summary 有 {len(found.value)} 个字，超过 {SUMMARY_MAX} 字；请缩短摘要",
        )


NOT_UTF8 = (
    "这个文件不是 UTF-8 编码（多半是旧版记事本按 ANSI/GBK 保存的），网站读不出这里的字；"
    "请用 UTF-8 保存（记事本：另存为 → 编码选 UTF-8）"
)


def encoding_problem(path: str, data: bytes) -> DataError | None:
    """Markdown must be UTF-8 (with or without the BOM Notepad writes), as Pelican reads it; the
    error points at the first character that is not, counted as the editor's editor counts it."""
    text = data.removeprefix(b"\xef\xbb\xbf")
    try:
        text.decode("utf-8")
        return None
    except UnicodeDecodeError as problem:
        before = text[: problem.start]
        line_start = before.rfind(b"\n") + 1
        column = len(before[line_start:].decode("utf-8", errors="replace")) + 1
        return DataError(path, before.count(b"\n") + 1, column, "not-utf8", NOT_UTF8)


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
            yield _error(
                source,
                found.line,
                found.column,
                "duplicate-slug",
                f"Slug “{found.value}”已被 {seen[key].path} 使用；每篇的 Slug 应不同",
            )
        else:
            seen[key] = source


def _publication_time(source: Source, zone: ZoneInfo) -> dt.datetime | None:
    try:
        return parse_time(source.value("date"), zone)
    except DateFormError:
        return None  # reported by check_date


def check_duplicate_titles(sources: list[Source], zone: ZoneInfo):
    """The same headline twice on one day is almost always a file committed twice."""
    seen: dict[tuple[str, dt.date], Source] = {}
    for source in sources:
        title = source.fields.get("title")
        when = _publication_time(source, zone)
        if source.kind != "article" or not title or not title.value or when is None:
            continue
        key = (title.value, when.date())
        if key in seen:
            yield _error(
                source,
                title.line,
                title.column,
                "duplicate-title",
                f"{when.date()} 已有同题文章 {seen[key].path}；同一天的标题应不同（是否重复提交了同一篇？）",
            )
        else:
            seen[key] = source
