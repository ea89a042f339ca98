"""The problem list's downloads: CSV and JSON of every problem, a Frictionless data package, and the Atom feed of closed problems.

The CSV repeats the editors' file cell for cell (a download can be edited and committed back);
the JSON adds what the build computed: the deadline, whether it is an estimate, and the status.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

from .model import CHANNELS, EVALUATIONS, HEADER, KINDS, ProblemList

DATE_COLUMNS = ("反映日期", "交办日期", "办结日期", "更新日期")
DESCRIPTIONS = {
    "编号": "问题编号，全表唯一，如 2020-0001",
    "村社区代码": "反映问题的村（社区）的代码，见 villages.csv",
    "反映渠道": "、".join(CHANNELS) + " 之一",
    "问题摘要": "反映的问题；不写反映人的姓名、身份证号、手机号、车牌号、银行卡号",
    "办理类型": "急办（交办当日办结）、一般（5 个工作日）、复杂（15 个工作日）、重大（作解释说明）",
    "责任单位": "departments.csv 中的部门全称，或本村（社区）、所在镇街",
    "交办日期": "不早于反映日期；办理时限从交办日期后的第一个工作日起算",
    "办结日期": "未办结时留空；不早于交办日期",
    "办理结果": "办结后必填；重大事项必填（解释说明）",
    "群众评价": "、".join(EVALUATIONS) + " 之一，或留空",
}


def csv_rows(problem_list: ProblemList) -> list[list[str]]:
    return [[problem.cells[column] for column in HEADER] for problem in by_number(problem_list)]


def by_number(problem_list: ProblemList) -> list:
    return sorted(problem_list.problems, key=lambda problem: problem.line)


def json_document(problem_list: ProblemList, sample_data: bool) -> dict:
    records = []
    for problem in by_number(problem_list):
        record = {column: (problem.cells[column] or None) for column in HEADER}
        record.update(
            {
                "村社区": problem.place.name,
                "镇街": problem.place.town,
                "办理期限": problem.assessment.due.isoformat() if problem.assessment.due else None,
                "期限为估算": problem.assessment.estimated,
                "状态": problem.status,
                "状态说明": problem.assessment.detail,
                "网址": problem.url,
            }
        )
        records.append(record)
    tally = problem_list.tally
    return {
        "title": "醴陵市村（社区）监督与服务微信群问题清单",
        "sample_data": sample_data,
        "status_date": problem_list.as_of.isoformat(),
        "total": tally.total,
        "closed": tally.closed,
        "on_time": tally.on_time,
        "overdue": tally.overdue,
        "open": tally.open,
        "explained": tally.explained,
        "problems": records,
    }


def table_schema() -> dict:
    fields = []
    for column in HEADER:
        spec = {"name": column, "type": "date" if column in DATE_COLUMNS else "string", "constraints": {}}
        if column not in ("办结日期", "办理结果", "群众评价"):
            spec["constraints"]["required"] = True
        if column == "反映渠道":
            spec["constraints"]["enum"] = list(CHANNELS)
        elif column == "办理类型":
            spec["constraints"]["enum"] = list(KINDS)
        elif column == "群众评价":
            spec["constraints"]["enum"] = list(EVALUATIONS)
        elif column == "编号":
            spec["constraints"]["unique"] = True
        if column in DESCRIPTIONS:
            spec["description"] = DESCRIPTIONS[column]
        fields.append(spec)
    return {"fields": fields, "primaryKey": ["编号"], "missingValues": [""]}


def data_package(csv_name: str, sample_data: bool) -> dict:
    title = "醴陵市村（社区）问题清单" + ("（示例数据）" if sample_data else "")
    package = {
        "name": "liling-problem-list",
        "title": title,
        "resources": [
            {
                "name": "problems",
                "path": csv_name,
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "schema": table_schema(),
            }
        ],
    }
    if sample_data:
        package["description"] = "示例数据，不是醴陵市的真实数据；问题、日期和办理结果均为虚构。"
    return package


def feed_entries(problem_list: ProblemList, sample_data: bool, limit: int):
    """The newest closed problems as feed entries (plugins/sections/feeds.py writes them)."""
    from plugins.sections.feeds import FeedEntry  # the sections plugin's feed writer, shared, not copied

    zone = zoneinfo.ZoneInfo("Asia/Shanghai")
    prefix = "【示例数据】" if sample_data else ""
    entries = []
    for problem in problem_list.newly_closed[:limit]:
        summary = (
            f"{prefix}{problem.place.town}{problem.place.name}：{problem.summary}。"
            f"{problem.status}（{problem.assessment.detail}），{problem.closed.isoformat()} 办结。{problem.result}"
        )
        entries.append(
            FeedEntry(
                title=f"{problem.number} {problem.place.name}：{problem.summary}",
                url=problem.url,
                date=dt.datetime.combine(problem.closed, dt.time(), tzinfo=zone),
                summary=summary,
                section_name="问题清单",
            )
        )
    return entries
