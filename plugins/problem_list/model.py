"""The problem list (问题清单) as typed models: each problem with its deadline and status at the build date, and the tallies pages show.

Pure functions only: rows come in already checked (checks.py), the working-day calendar and the
build date are arguments, so a test can move the date and watch a problem fall overdue.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from .workdays import WorkingCalendar

HEADER = [
    "编号",
    "村社区代码",
    "反映日期",
    "反映渠道",
    "问题摘要",
    "办理类型",
    "责任单位",
    "交办日期",
    "办结日期",
    "办理结果",
    "群众评价",
    "更新日期",
]
CHANNELS = ("微信群", "网格员", "电话", "来访")
# Working days after 交办日期 within which each type must be closed; 急办 the same day; 重大 has no
# deadline: it gets an explanation instead (matters beyond the city's powers, historical problems).
KIND_DAYS = {"急办": 0, "一般": 5, "复杂": 15}
EXPLAINED_KIND = "重大"
KINDS = (*KIND_DAYS, EXPLAINED_KIND)
EVALUATIONS = ("满意", "基本满意", "不满意")

OVERDUE, OPEN, CLOSED, EXPLAINED = "逾期未办结", "办理中", "已办结", "已解释说明"
STATUSES = (OVERDUE, OPEN, CLOSED, EXPLAINED)
# ASCII names for filter values and CSS modifiers, in the same order.
STATUS_CODES = {OVERDUE: "overdue", OPEN: "open", CLOSED: "closed", EXPLAINED: "explained"}


@dataclass(frozen=True)
class Place:
    """A village (社区) as problems show it: enough to name and link it, no back-references."""

    code: str
    name: str
    town: str
    town_slug: str
    url: str = ""


@dataclass(frozen=True)
class Unit:
    """Who handled a problem: a department (with its page) or the village or town itself."""

    name: str
    code: str = ""  # the department's code; "" for a village or town
    url: str = ""


@dataclass(frozen=True)
class Assessment:
    """A problem's deadline and status on one date."""

    due: dt.date | None
    estimated: bool  # the deadline rests on weekends-only counting (估算)
    status: str
    detail: str  # the status in a sentence: 还剩 3 个工作日, 超期 2 个工作日 …
    on_time: bool | None  # closed by the deadline; None while open, and for 重大
    working_days: int = 0  # left (办理中), late (已办结 late) or overdue (逾期未办结)
    is_closed: bool = False  # 办结日期 filled and on or before the date assessed


@dataclass
class Problem:
    number: str
    place: Place
    reported: dt.date
    channel: str
    summary: str
    kind: str
    unit: Unit
    assigned: dt.date
    closed: dt.date | None
    result: str
    evaluation: str
    updated: dt.date
    line: int
    cells: dict
    assessment: Assessment | None = None
    url: str = ""
    save_as: str = ""

    @property
    def status(self) -> str:
        return self.assessment.status

    @property
    def status_code(self) -> str:
        return STATUS_CODES[self.status]

    @property
    def due_text(self) -> str:
        due = self.assessment.due
        if due is None:
            return "不设时限（作解释说明）"
        return due.isoformat() + ("（估算）" if self.assessment.estimated else "")

    @property
    def limit_text(self) -> str:
        days = KIND_DAYS.get(self.kind)
        if days is None:
            return "不设时限，作解释说明"
        return "交办当日办结" if days == 0 else f"{days} 个工作日"


def assess(
    kind: str, assigned: dt.date, closed: dt.date | None, today: dt.date, calendar: WorkingCalendar
) -> Assessment:
    """Deadline and status on `today`. A 办结日期 after `today` is not yet known on `today`."""
    if kind == EXPLAINED_KIND:
        return Assessment(
            None, False, EXPLAINED, "已作解释说明", None, is_closed=closed is not None and closed <= today
        )
    if KIND_DAYS[kind]:
        due, estimated = calendar.nth_working_day_after(assigned, KIND_DAYS[kind])
    else:
        due, estimated = assigned, False
    if closed is not None and closed <= today:
        if closed <= due:
            return Assessment(due, estimated, CLOSED, "按期办结", True, is_closed=True)
        late, guessed = calendar.working_days_between(due, closed)
        detail = f"超期 {late} 个工作日办结" if late else "超过期限办结"
        return Assessment(due, estimated, CLOSED, detail + _estimate(guessed), False, late, is_closed=True)
    if today <= due:
        left, guessed = calendar.working_days_between(today, due)
        detail = f"还剩 {left} 个工作日" if left else "今天到期"
        return Assessment(due, estimated, OPEN, detail + _estimate(guessed), None, left)
    overdue, guessed = calendar.working_days_between(due, today)
    detail = f"已超期 {overdue} 个工作日" if overdue else "已过办理期限"
    return Assessment(due, estimated, OVERDUE, detail + _estimate(guessed), None, overdue)


def _estimate(guessed: bool) -> str:
    """A count of working days that ran through a year without a published schedule says so."""
    return "（估算）" if guessed else ""


def register_order(problem: Problem) -> tuple:
    """Overdue first (longest overdue on top), then open (soonest due), then closed, then explained, newest first."""
    rank = STATUSES.index(problem.status)
    if problem.status == OVERDUE:
        return (rank, -problem.assessment.working_days, problem.number)
    if problem.status == OPEN:
        return (rank, problem.assessment.due, problem.number)
    return (rank, _descending(problem.assigned), _descending_text(problem.number))


def _descending(day: dt.date) -> int:
    return -day.toordinal()


def _descending_text(text: str) -> tuple:
    return tuple(-ord(character) for character in text)


@dataclass(frozen=True)
class Tally:
    """Counts a list of problems shows in its headline; computed once, here, never in a template."""

    total: int
    closed: int
    on_time: int
    closed_late: int
    overdue: int
    open: int
    explained: int
    by_kind: tuple  # ((kind, count), …) in KINDS order
    by_channel: tuple  # ((channel, count), …) in CHANNELS order
    by_status: tuple  # ((status, code, count), …) in STATUSES order

    @property
    def due_known(self) -> int:
        """Problems whose timeliness is settled: closed with a deadline, or already overdue."""
        return self.on_time + self.closed_late + self.overdue

    @property
    def on_time_rate_text(self) -> str:
        if not self.due_known:
            return "—"
        return f"{self.on_time * 100 / self.due_known:.1f}%"


def tally(problems: list[Problem]) -> Tally:
    def count(test) -> int:
        return sum(1 for problem in problems if test(problem))

    return Tally(
        total=len(problems),
        closed=count(lambda p: p.assessment.is_closed),
        on_time=count(lambda p: p.assessment.on_time is True),
        closed_late=count(lambda p: p.assessment.on_time is False),
        overdue=count(lambda p: p.status == OVERDUE),
        open=count(lambda p: p.status == OPEN),
        explained=count(lambda p: p.status == EXPLAINED),
        by_kind=tuple((kind, count(lambda p, k=kind: p.kind == k)) for kind in KINDS),
        by_channel=tuple((channel, count(lambda p, c=channel: p.channel == c)) for channel in CHANNELS),
        by_status=tuple(
            (status, STATUS_CODES[status], count(lambda p, s=status: p.status == s)) for status in STATUSES
        ),
    )


@dataclass
class ProblemGroup:
    """The problems of one village or one department, for its page and the register's links."""

    name: str
    code: str
    url: str
    save_as: str
    problems: list = field(default_factory=list)
    tally: Tally | None = None
    town: str = ""

    @property
    def status_groups(self) -> list:
        return status_groups(self.problems)


@dataclass
class ProblemList:
    problems: list[Problem]  # register order
    villages: list[ProblemGroup]  # villages.csv order, only those with problems
    departments: list[ProblemGroup]  # departments.csv order, only those that handled problems
    towns: list[tuple[str, str]]  # (town slug, town name), villages.csv order
    tally: Tally
    as_of: dt.date  # the date statuses were computed for (build time, Beijing)
    updated: dt.date | None

    @property
    def headline(self) -> str:
        return f"共交办问题清单 {self.tally.total} 个，办结 {self.tally.closed} 个"

    @property
    def status_groups(self) -> list:
        return status_groups(self.problems)

    @property
    def estimated(self) -> list[Problem]:
        return [problem for problem in self.problems if problem.assessment.estimated]

    @property
    def newly_closed(self) -> list[Problem]:
        """Closed problems, newest closing first (the feed's entries)."""
        closed = [problem for problem in self.problems if problem.assessment.is_closed]
        return sorted(closed, key=lambda p: (p.closed, p.number), reverse=True)


@dataclass(frozen=True)
class StatusGroup:
    status: str
    code: str
    problems: tuple


def status_groups(problems: list[Problem]) -> list[StatusGroup]:
    """The problems (already in register order) split by status, in STATUSES order."""
    return [
        StatusGroup(status, STATUS_CODES[status], tuple(p for p in problems if p.status == status))
        for status in STATUSES
    ]
