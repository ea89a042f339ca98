"""The ledgers' correction history, publication deadlines and village feeds, as page models.

Joins the git history of the finance folder (plugins/correction_history) with the villages read
from the CSV files: each ledger month gets its 更正记录 and the day it first appeared, each
village its due months, each town and the city their compliance counts.
"""

from __future__ import annotations

import datetime as dt
import sys
from dataclasses import dataclass, field

from plugins.correction_history import corrections
from plugins.correction_history.corrections import (
    BEIJING,
    NOT_RECORDED,
    CorrectionHistory,
    correction_history,
    csv_rows,
)
from plugins.personal_data_guard import detectors
from plugins.portal_data import csv_source
from plugins.portal_data.file_cache import code_digest
from plugins.sections.feeds import FeedEntry

from . import deadlines, model
from .model import format_amount, parse_amount

# The code the cached records are made by: a change to any of it makes them again.
CODE_VERSION = code_digest(sys.modules[__name__], corrections, csv_source, detectors, model)


def previous_month(month: dt.date) -> dt.date:
    return (month - dt.timedelta(days=1)).replace(day=1)


AMOUNT_COLUMNS = ("收入", "支出")


def shown_cell(column: str, text: str) -> str:
    """A cell as the month page shows it: amounts with thousands separators and two decimals."""
    if column in AMOUNT_COLUMNS:
        value = parse_amount(text)
        if value is not None:
            return format_amount(value) if value else ""
    return text.strip()


def ledger_histories(villages, folder_history, content_path: str) -> dict:
    """{(village code, month): CorrectionHistory} for every ledger month.

    The corrected files' records (each a diff of two versions) are kept in the build cache with
    the history; every other month's record is one first-publication time, made anew.
    """
    prefix = None
    if folder_history.root is not None:
        prefix = folder_history.relative(content_path)
    corrected = folder_history.derived("ledgers", CODE_VERSION, lambda: corrected_records(folder_history))
    found = {}
    for village in villages:
        for ledger in village.months:
            history = record = None
            if prefix is not None:
                path = ledger.source_path if prefix == "." else f"{prefix}/{ledger.source_path}"
                record = corrected.get(path)
                history = folder_history.files.get(path) if record is None else None
            if record is None:
                record = (
                    CorrectionHistory(True, history.first_published.astimezone(BEIJING)) if history else NOT_RECORDED
                )
            found[(village.code, ledger.month)] = record
    return found


def corrected_records(folder_history) -> dict:
    """{repository path: CorrectionHistory} of every file corrected after its first publication."""
    return {
        path: correction_history(history, folder_history.blobs, csv_rows, "凭证号", shown_cell)
        for path, history in folder_history.files.items()
        if history.corrections
    }


@dataclass(frozen=True)
class Deadlines:
    """Everything the index, town, village and month pages show about deadlines, computed once."""

    day: int
    today: dt.date
    statuses: dict  # village code -> [MonthStatus]
    compliance: dict  # village code, town name or "" (the city) -> Compliance
    overdue: dict  # town name -> [Overdue]
    late: dict = field(default_factory=dict)  # (village code, month) -> MonthStatus of a month published late
    first_month: dt.date | None = None  # VILLAGE_DISCLOSURE_DEADLINES_FROM: earlier months are not judged

    def late_note(self, village_code: str, month: dt.date):
        """The month's status when it was published late, else None."""
        return self.late.get((village_code, month))

    def all_overdue(self) -> list:
        return [entry for entries in self.overdue.values() for entry in entries]

    def next_change(self) -> dt.date:
        """The first day the pages would say something else: tomorrow while a village is overdue
        (days late grow), else the day after the next deadline (a month falls due)."""
        if self.all_overdue():
            return self.today + dt.timedelta(days=1)
        this_month = self.today.replace(day=1)
        upcoming = deadlines.deadline_of(this_month, self.day)
        if self.today <= deadlines.deadline_of(previous_month(this_month), self.day):
            upcoming = deadlines.deadline_of(previous_month(this_month), self.day)
        return upcoming + dt.timedelta(days=1)


def assess_deadlines(villages, towns, histories: dict, day: int, today: dt.date, first_month=None) -> Deadlines:
    statuses, compliance, overdue = {}, {}, {}
    published = [ledger.month for village in villages for ledger in village.months]
    first = min([village.opening_month for village in villages], default=today.replace(day=1))
    calendar = deadlines.month_calendar(first, max([*published, today.replace(day=1)]), day)
    for village in villages:
        published_on = {}
        for ledger in village.months:
            history = histories[(village.code, ledger.month)]
            published_on[ledger.month] = history.first_published.date() if history.recorded else None
        statuses[village.code] = deadlines.village_month_statuses(village, published_on, calendar, today, first_month)
        compliance[village.code] = deadlines.Compliance.of(village.full_name, statuses[village.code], today)
    for town in towns:
        compliance[town.name] = deadlines.Compliance.total(town.name, (compliance[v.code] for v in town.villages))
        overdue[town.name] = [
            entry for v in town.villages if (entry := deadlines.overdue(v, statuses[v.code])) is not None
        ]
    compliance[""] = deadlines.Compliance.total("全市", (compliance[t.name] for t in towns))
    late = {
        (code, status.month): status
        for code, found in statuses.items()
        for status in found
        if status.status == deadlines.LATE
    }
    return Deadlines(day, today, statuses, compliance, overdue, late, first_month)


def village_feed_entries(village, histories: dict, month_url, sample_data: bool) -> list:
    """Newest first: each month's first publication and each of its corrections."""
    mark = "【示例数据】" if sample_data else ""
    entries = []
    for ledger in village.months:
        history = histories[(village.code, ledger.month)]
        url = month_url(ledger)
        published = history.first_published or dt.datetime.combine(ledger.month, dt.time(), BEIJING)
        entries.append(
            FeedEntry(
                f"{village.full_name} {ledger.label}收支公开",
                url,
                published,
                f"{mark}收入 {format_amount(ledger.income_total)} 元，支出 {format_amount(ledger.expenditure_total)} 元，"
                f"期末余额 {format_amount(ledger.closing_balance)} 元",
                "村务公开",
            )
        )
        for correction in history.corrections:
            entries.append(
                FeedEntry(
                    f"{village.full_name} {ledger.label}收支更正",
                    url,
                    correction.time,
                    f"{mark}更正说明：{correction.reason or '未填写'}；变动 {len(correction.rows)} 行",
                    "村务公开",
                )
            )
    return sorted(entries, key=lambda entry: entry.date, reverse=True)


def closed_problem_entries(village, problem_list, sample_data: bool) -> list:
    """The village's problems from the problem list (问题清单) closed by the build date, for its feed."""
    if problem_list is None:
        return []
    mark = "【示例数据】" if sample_data else ""
    return [
        FeedEntry(
            f"{village.full_name} 问题办结：{problem.summary}",
            problem.url,
            dt.datetime.combine(problem.closed, dt.time(), BEIJING),
            f"{mark}{problem.result}",
            "问题清单",
        )
        for problem in problem_list.problems
        if problem.place.code == village.code and problem.assessment is not None and problem.assessment.is_closed
    ]


def unexplained_corrections(villages, histories: dict) -> list[dict]:
    """For the build report: each correction whose commit message gives no reason."""
    return [
        {"文件": ledger.source_path, "时间": correction.time_text, "提交": correction.commit}
        for village in villages
        for ledger in village.months
        for correction in histories[(village.code, ledger.month)].corrections
        if correction.reason_missing
    ]


def compliance_params(found: Deadlines, total_key: str, rows, overdue, csv_path: str, village_url) -> dict:
    """The compliance_table component's params: plain values and site-relative URLs.

    `rows` are (key in found.compliance, name shown, URL); `total_key` names the total row's counts.
    """

    def row(key, name, url):
        counts = found.compliance[key]
        return {
            "name": name,
            "url": url,
            "due": counts.due,
            "on_time": counts.on_time,
            "late": counts.late,
            "missing": counts.missing,
            "unknown": counts.unknown,
        }

    return {
        "rows": [row(*entry) for entry in rows],
        "total": row(total_key, "合计", ""),
        "overdue": [
            {
                "name": entry.village.full_name,
                "code": entry.village.code,
                "url": village_url(entry.village.code),
                "summary": entry.summary,
            }
            for entry in overdue
        ],
        "deadline_day": found.day,
        "since": f"{found.first_month.year}年{found.first_month.month}月" if found.first_month else "",
        "today": f"{found.today:%Y-%m-%d}",
        "csv_url": csv_path,
    }
