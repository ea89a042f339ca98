"""Problem list pages: the register, one 结果公示 page per problem, one page per village and per department, downloads and a feed.

Reads content/disclosures/problems.csv (and the optional holidays.csv) with the villages and
departments files the other registers use, computes every deadline on China's working-day
calendar and every status at the build date, checks everything, registers each problem in the
政务公开 section, then writes through Pelican's writer. A site without problems.csv has no problem list.
"""

from __future__ import annotations

import datetime as dt
import os
import zoneinfo

from pelican import signals

from plugins.portal_data import DataError, raise_collected_problems
from plugins.portal_data.csv_register import FilterField, publish_register, write_register_downloads
from plugins.portal_data.csv_source import read_csv_table
from plugins.portal_data.downloads import write_download
from plugins.portal_data.page_generator import PageGenerator
from plugins.portal_data.plugin_settings import plugin_settings
from plugins.portal_data.registers_file import read_sample_data
from plugins.portal_data.section_item import SectionItem, add_section_items
from plugins.portal_data.site_url import feed_siteurl

from . import schema
from .checks import read_problems
from .model import HEADER, KINDS, OPEN, OVERDUE, Place, ProblemGroup, ProblemList, Unit, assess, register_order, tally
from .workdays import HOLIDAYS_HEADER, WorkingCalendar, read_holidays

CHINA = zoneinfo.ZoneInfo("Asia/Shanghai")
DEFAULTS = {
    "PROBLEM_LIST_PATH": "disclosures/problems.csv",
    "PROBLEM_HOLIDAYS_PATH": "disclosures/holidays.csv",
    "PROBLEM_LIST_URL": "disclosures/problems/",
    "PROBLEM_LIST_SAVE_AS": "disclosures/problems/index.html",
    "PROBLEM_URL": "disclosures/problems/items/{number}/",
    "PROBLEM_SAVE_AS": "disclosures/problems/items/{number}/index.html",
    "PROBLEM_VILLAGE_URL": "disclosures/problems/villages/{code}/",
    "PROBLEM_VILLAGE_SAVE_AS": "disclosures/problems/villages/{code}/index.html",
    "PROBLEM_DEPARTMENT_URL": "disclosures/problems/departments/{code}/",
    "PROBLEM_DEPARTMENT_SAVE_AS": "disclosures/problems/departments/{code}/index.html",
    "PROBLEM_LIST_CSV_SAVE_AS": "disclosures/problems/problems.csv",
    "PROBLEM_LIST_JSON_SAVE_AS": "disclosures/problems/problems.json",
    "PROBLEM_LIST_DATAPACKAGE_SAVE_AS": "disclosures/problems/datapackage.json",
    "PROBLEM_LIST_FEED_SAVE_AS": "disclosures/problems/closed.atom.xml",
    "PROBLEM_LIST_FEED_MAX_ITEMS": 50,
    "PROBLEM_LIST_SECTION": "zhengwu",
}
# The villages and departments files belong to the village and power-list registers: their settings, their defaults.
SHARED_FILES = {
    "VILLAGE_DISCLOSURE_VILLAGES": "disclosures/villages.csv",
    "POWER_DEPARTMENTS_PATH": "disclosures/departments.csv",
}
PLACEHOLDERS = {
    "PROBLEM_URL": "{number}",
    "PROBLEM_SAVE_AS": "{number}",
    "PROBLEM_VILLAGE_URL": "{code}",
    "PROBLEM_VILLAGE_SAVE_AS": "{code}",
    "PROBLEM_DEPARTMENT_URL": "{code}",
    "PROBLEM_DEPARTMENT_SAVE_AS": "{code}",
}


def problem_list_settings(settings) -> tuple[dict, list[DataError]]:
    return plugin_settings(settings, {**DEFAULTS, **SHARED_FILES}, PLACEHOLDERS)


def status_date(settings) -> dt.date:
    """The build date in Beijing: statuses and working days left are counted to it."""
    from plugins.scheduled_publishing.scheduled_publishing import build_time  # the one reading of BUILD_TIME

    return build_time(settings).astimezone(CHINA).date()


def load_problem_list(content_path: str, config: dict, today: dt.date) -> tuple[ProblemList | None, list[DataError]]:
    """Read and check problems.csv and the files it refers to; (None, errors) when anything is wrong."""

    def path(key):
        return os.path.join(content_path, config[key])

    from plugins.power_list.model import DEPARTMENTS_HEADER, read_departments  # the power list's reader
    from plugins.village_disclosure.ledger_source import read_villages  # the village register's reader

    villages, errors = read_villages(path("VILLAGE_DISCLOSURE_VILLAGES"), config["VILLAGE_DISCLOSURE_VILLAGES"])
    departments_table, found = read_csv_table(
        path("POWER_DEPARTMENTS_PATH"), exact_header=DEPARTMENTS_HEADER, display_path=config["POWER_DEPARTMENTS_PATH"]
    )
    errors += found
    departments, found = read_departments(departments_table) if departments_table else ([], [])
    errors += found
    calendar, found = read_calendar(path("PROBLEM_HOLIDAYS_PATH"), config["PROBLEM_HOLIDAYS_PATH"])
    errors += found
    table, found = read_csv_table(
        path("PROBLEM_LIST_PATH"), exact_header=HEADER, display_path=config["PROBLEM_LIST_PATH"]
    )
    errors += found
    if table is None:
        return None, errors
    places = {
        village.code: Place(
            village.code,
            village.name,
            village.town,
            village.town_slug,
            config["PROBLEM_VILLAGE_URL"].format(code=village.code),
        )
        for village in villages
    }
    units = {
        department.name: Unit(
            department.name, department.code, config["PROBLEM_DEPARTMENT_URL"].format(code=department.code)
        )
        for department in departments
    }
    problems, found = read_problems(
        table, places, units, config["VILLAGE_DISCLOSURE_VILLAGES"], config["POWER_DEPARTMENTS_PATH"]
    )
    errors += found
    if errors:
        return None, errors
    for problem in problems:
        problem.assessment = assess(problem.kind, problem.assigned, problem.closed, today, calendar)
        problem.url = config["PROBLEM_URL"].format(number=problem.number)
        problem.save_as = config["PROBLEM_SAVE_AS"].format(number=problem.number)
    return assemble(problems, list(places.values()), departments, config, today), []


def read_calendar(path: str, shown: str) -> tuple[WorkingCalendar, list[DataError]]:
    if not os.path.exists(path):
        return WorkingCalendar(), []
    table, errors = read_csv_table(path, exact_header=HOLIDAYS_HEADER, display_path=shown)
    if table is None:
        return WorkingCalendar(), errors
    calendar, found = read_holidays(table)
    return calendar, errors + found


def assemble(problems, places, departments, config, today) -> ProblemList:
    ordered = sorted(problems, key=register_order)

    def group(name, code, url_key, save_key, members, town=""):
        return ProblemGroup(
            name,
            code,
            config[url_key].format(code=code),
            config[save_key].format(code=code),
            members,
            tally(members),
            town,
        )

    villages = [
        group(
            place.name,
            place.code,
            "PROBLEM_VILLAGE_URL",
            "PROBLEM_VILLAGE_SAVE_AS",
            [p for p in ordered if p.place.code == place.code],
            place.town,
        )
        for place in places
    ]
    units = [
        group(
            department.name,
            department.code,
            "PROBLEM_DEPARTMENT_URL",
            "PROBLEM_DEPARTMENT_SAVE_AS",
            [p for p in ordered if p.unit.code == department.code],
        )
        for department in departments
    ]
    towns = list(
        dict.fromkeys(
            (place.town_slug, place.town) for place in places if any(p.place.code == place.code for p in ordered)
        )
    )
    return ProblemList(
        problems=ordered,
        villages=[v for v in villages if v.problems],
        departments=[d for d in units if d.problems],
        towns=towns,
        tally=tally(ordered),
        as_of=today,
        updated=max((p.updated for p in ordered), default=None),
    )


def read_problem_list(content_path: str, settings: dict):
    """(config, problem_list or None, problems); used by the generator and by `invoke check`."""
    config, errors = problem_list_settings(settings)
    if errors or not os.path.exists(os.path.join(content_path, config["PROBLEM_LIST_PATH"])):
        return config, None, errors
    config["sample_data"], errors = read_sample_data(content_path, settings, "problem_list")
    problem_list, found = load_problem_list(content_path, config, status_date(settings))
    errors += found
    return config, (None if errors else problem_list), errors


def section_items(problem_list: ProblemList, section: str, sample_data: bool = True) -> list[SectionItem]:
    return [
        SectionItem.of_day(
            section,
            "problem",
            problem.updated,
            f"问题清单 {problem.number}：{problem.place.name}{problem.summary}",
            problem.url,
            # The status, not its day count: section pages and feeds should not change every night.
            f"问题清单 · {problem.kind} · {problem.unit.name} · {problem.status}",
            sample_data,
        )
        for problem in problem_list.problems
    ]


def next_status_change(problem_list: ProblemList) -> dt.datetime | None:
    """Midnight after the status date while any problem is open: its days left or overdue move then."""
    if any(problem.status in (OPEN, OVERDUE) for problem in problem_list.problems):
        return dt.datetime.combine(problem_list.as_of + dt.timedelta(days=1), dt.time(), tzinfo=CHINA)
    return None


def filter_fields(problem_list: ProblemList) -> list[FilterField]:
    """The register's filter form: by town, village, responsible unit, kind and status (only statuses some problem has)."""
    return [
        FilterField("town", "镇街", "全部镇街", tuple(problem_list.towns)),
        FilterField(
            "village", "村（社区）", "全部村（社区）", tuple((v.code, v.town + v.name) for v in problem_list.villages)
        ),
        FilterField(
            "unit",
            "责任单位",
            "全部单位",
            (("local", "村（社区）、镇街自办"), *((d.code, d.name) for d in problem_list.departments)),
        ),
        FilterField("kind", "办理类型", "全部类型", tuple((kind, kind) for kind in KINDS)),
        FilterField(
            "status",
            "状态",
            "全部状态",
            tuple((code, status) for status, code, count in problem_list.tally.by_status if count),
        ),
    ]


def download_links(config: dict) -> dict:
    return {
        "csv": config["PROBLEM_LIST_CSV_SAVE_AS"],
        "json": config["PROBLEM_LIST_JSON_SAVE_AS"],
        "datapackage": config["PROBLEM_LIST_DATAPACKAGE_SAVE_AS"],
        "feed": config["PROBLEM_LIST_FEED_SAVE_AS"],
    }


class ProblemListGenerator(PageGenerator):
    """Publishes context["problem_list"] in generate_context and writes pages only in generate_output."""

    def generate_context(self):
        read = read_problem_list(self.path, self.settings)
        self.config, self.problem_list = publish_register(
            self.context, "problem_list", read, filter_fields, download_links
        )
        if self.problem_list is None:
            return
        config = self.config
        add_section_items(
            self.context, section_items(self.problem_list, config["PROBLEM_LIST_SECTION"], config["sample_data"])
        )
        # For the build report and the next build's "nothing changed" shortcut (plugins/build_report).
        self.context["estimated_deadlines"] = [
            {"编号": p.number, "line": p.line, "办理期限": p.assessment.due.isoformat()}
            for p in self.problem_list.estimated
        ]
        change = next_status_change(self.problem_list)
        if change is not None:
            self.context.setdefault("pages_change_at", []).append(change)

    def generate_output(self, writer):
        if self.problem_list is None:
            return
        config, problem_list = self.config, self.problem_list
        self.write_page(writer, "problem_list", config["PROBLEM_LIST_SAVE_AS"], config["PROBLEM_LIST_URL"])
        for group_kind, groups in (("village", problem_list.villages), ("department", problem_list.departments)):
            for group in groups:
                self.write_page(
                    writer, "problem_group", group.save_as, group.url, problem_group=group, group_kind=group_kind
                )
        for problem in problem_list.problems:
            self.write_page(writer, "problem", problem.save_as, problem.url, problem=problem)
        sample = config["sample_data"]
        write_register_downloads(
            writer,
            self.output_path,
            (problem_list, sample),
            download_links(config),
            lambda: (HEADER, schema.csv_rows(problem_list)),
            lambda: schema.json_document(problem_list, sample),
            lambda csv_name: schema.data_package(csv_name, sample),
        )
        write_download(self.output_path, config["PROBLEM_LIST_FEED_SAVE_AS"], self.feed_bytes(sample))

    def feed_bytes(self, sample: bool) -> bytes:
        from plugins.sections.feeds import atom_bytes

        site_url = feed_siteurl(self.settings)
        entries = schema.feed_entries(self.problem_list, sample, int(self.config["PROBLEM_LIST_FEED_MAX_ITEMS"]))
        return atom_bytes(
            title=f"{self.settings.get('SITENAME', '')} · 问题清单：新办结的问题",
            subtitle="村（社区）监督与服务微信群问题清单中新办结的问题和办理结果",
            site_url=site_url,
            feed_url=f"{site_url}/{self.config['PROBLEM_LIST_FEED_SAVE_AS']}",
            entries=entries,
        )


def get_generators(pelican_object):
    return ProblemListGenerator


def register():
    signals.get_generators.connect(get_generators)
    signals.all_generators_finalized.connect(raise_collected_problems)
