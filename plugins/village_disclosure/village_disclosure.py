"""村务公开: a Pelican generator that publishes villages' monthly finance ledgers from CSV files.

generate_context() reads and checks every file (all problems are reported together, then the
build fails); generate_output() writes the village-month, village, town and index pages and the
CSV/JSON downloads beside each month. Files under content/disclosures are never seen by
Pelican's readers: this generator reads them itself.
"""

from __future__ import annotations

import datetime as dt
import os
import posixpath
import zoneinfo
from dataclasses import dataclass

from pelican import signals
from pelican.generators import Generator

from plugins.correction_history.corrections import history_document
from plugins.correction_history.git_log import history_or_error
from plugins.portal_data import DataError, collect_problems, raise_collected_problems
from plugins.portal_data.dates import DateFormError, parse_month
from plugins.portal_data.downloads import csv_bytes, json_bytes, write_derived
from plugins.portal_data.file_groups import file_group
from plugins.portal_data.plugin_settings import plugin_settings
from plugins.portal_data.registers_file import read_sample_data
from plugins.portal_data.section_item import SectionItem, add_section_items
from plugins.portal_data.site_url import feed_siteurl
from plugins.scheduled_publishing import scheduled_publishing
from plugins.sections.feeds import atom_bytes

from . import charts, integrity
from .collect import load_villages
from .datapackage import datapackage, ledger_csv_rows, ledger_document
from .ledger_source import LEDGER_HEADER
from .model import format_amount, group_towns, latest_month, month_label

DEFAULTS = {
    "VILLAGE_DISCLOSURE_VILLAGES": "disclosures/villages.csv",
    "VILLAGE_DISCLOSURE_ACCOUNTS": "disclosures/accounts.csv",
    "VILLAGE_DISCLOSURE_FINANCE_PATH": "disclosures/finance",
    "VILLAGE_DISCLOSURE_CURRENT_MONTH": "",
    "VILLAGE_DISCLOSURE_SECTION": "cunwu",
    "VILLAGES_URL": "disclosures/villages/",
    "VILLAGES_SAVE_AS": "disclosures/villages/index.html",
    "VILLAGE_URL": "disclosures/villages/{code}/",
    "VILLAGE_SAVE_AS": "disclosures/villages/{code}/index.html",
    "VILLAGE_MONTH_URL": "disclosures/villages/{code}/{month}/",
    "VILLAGE_MONTH_SAVE_AS": "disclosures/villages/{code}/{month}/index.html",
    "VILLAGE_MONTH_DOWNLOAD": "disclosures/villages/{code}/{month}",
    "VILLAGE_TOWN_URL": "disclosures/towns/{slug}/",
    "VILLAGE_TOWN_SAVE_AS": "disclosures/towns/{slug}/index.html",
    "VILLAGE_DISCLOSURE_DATAPACKAGE": "disclosures/finance-datapackage.json",
    # Day of the following month by which a month's ledger must be published (1-28).
    "VILLAGE_DISCLOSURE_DEADLINE_DAY": 10,
    # First month judged against the deadline ("": each village's opening month).
    "VILLAGE_DISCLOSURE_DEADLINES_FROM": "",
    "VILLAGE_FEED_URL": "disclosures/villages/{code}/feed.atom.xml",
    "VILLAGE_FEED_SAVE_AS": "disclosures/villages/{code}/feed.atom.xml",
    "VILLAGE_COMPLIANCE_CSV": "disclosures/villages/compliance.csv",
    "VILLAGE_TOWN_COMPLIANCE_CSV": "disclosures/towns/{slug}/compliance.csv",
}
TIMEZONE = zoneinfo.ZoneInfo("Asia/Shanghai")
# Checked by disclosure_settings itself (a month, a day of the month); the rest by their default's kind.
# A tuple, not a set: the settings reach the pages' render keys as a dict, whose order is part of the
# key, and a set's order changes with each process's string hashing (every ledger page would render
# again on every build).
CHECKED_HERE = (
    "VILLAGE_DISCLOSURE_CURRENT_MONTH",
    "VILLAGE_DISCLOSURE_DEADLINE_DAY",
    "VILLAGE_DISCLOSURE_DEADLINES_FROM",
)


def disclosure_settings(settings) -> tuple[dict, list[DataError]]:
    """Our settings merged with the defaults, checked once; a bad value is an error naming key and value."""
    config, errors = plugin_settings(
        settings, {key: value for key, value in DEFAULTS.items() if key not in CHECKED_HERE}
    )
    config.update({key: settings.get(key, DEFAULTS[key]) for key in CHECKED_HERE})
    try:
        configured_month(config)
    except DateFormError as problem:
        errors.append(
            DataError("pelicanconf.py", 0, 0, "bad-setting", f"VILLAGE_DISCLOSURE_CURRENT_MONTH = {problem}，或留空")
        )
    day = config["VILLAGE_DISCLOSURE_DEADLINE_DAY"]
    if isinstance(day, bool) or not isinstance(day, int) or not 1 <= day <= 28:
        errors.append(
            DataError(
                "pelicanconf.py",
                0,
                0,
                "bad-setting",
                f"VILLAGE_DISCLOSURE_DEADLINE_DAY = {day!r} 应为 1 到 28 之间的整数（次月几号前公开，例：10）",
            )
        )
    try:
        deadlines_from(config)
    except DateFormError as problem:
        errors.append(
            DataError("pelicanconf.py", 0, 0, "bad-setting", f"VILLAGE_DISCLOSURE_DEADLINES_FROM = {problem}，或留空")
        )
    return config, errors


def deadlines_from(config: dict) -> dt.date | None:
    first = config["VILLAGE_DISCLOSURE_DEADLINES_FROM"]
    return parse_month(str(first), example="2021-01") if first else None


def configured_month(config: dict) -> dt.date | None:
    """The month set by VILLAGE_DISCLOSURE_CURRENT_MONTH, None when it is empty; raises DateFormError."""
    current = config["VILLAGE_DISCLOSURE_CURRENT_MONTH"]
    return parse_month(str(current), example="2020-06") if current else None


@dataclass(frozen=True)
class VillageStatus:
    """One line of a town or index list: a village, its latest month and whether it is behind."""

    village: object
    latest: object
    behind: bool


def village_statuses(villages, current_month) -> list[VillageStatus]:
    return [
        VillageStatus(v, v.latest, current_month is not None and not v.has_published(current_month)) for v in villages
    ]


def read_village_data(content_path: str, settings: dict):
    """(config, villages, account_sets, active, problems) for the content folder; used by the
    generator and by `invoke check`, so both apply exactly the same rules."""
    config, errors = disclosure_settings(settings)
    villages, account_sets = [], []
    # On when there is village data to publish (ledgers without villages.csv are an error it
    # reports); other disclosure plugins share the disclosures/ folder, so its mere existence is not enough.
    active = os.path.isfile(os.path.join(content_path, config["VILLAGE_DISCLOSURE_VILLAGES"])) or os.path.isdir(
        os.path.join(content_path, config["VILLAGE_DISCLOSURE_FINANCE_PATH"])
    )
    if active:
        # What content/disclosures/registers.toml says of the ledgers: notices, downloads and data package follow it.
        config["sample_data"], found = read_sample_data(content_path, settings, "village_disclosure")
        errors.extend(found)
        villages, account_sets, load_errors = load_villages(content_path, config, settings)
        errors.extend(load_errors)
    if errors:
        villages, active = [], False
    return config, villages, account_sets, active, errors


class VillageDisclosureGenerator(Generator):
    """Reads content/disclosures/ into villages and ledger months, then writes their pages."""

    def generate_context(self):
        self.config, self.villages, self.account_sets, self.active, errors = read_village_data(self.path, self.settings)
        collect_problems(self.context, errors)  # reported with every other plugin's, before writing
        try:
            self.current_month = configured_month(self.config) or latest_month(self.villages)
        except DateFormError:
            self.current_month = None  # reported by disclosure_settings; the build stops before writing
        self.towns = group_towns(self.villages)
        self.ledgers = [ledger for village in self.villages for ledger in village.months]
        self.histories, self.deadlines = {}, None
        if self.active:
            self.read_integrity()
        self.context["villages"] = self.villages
        self.context["ledgers"] = self.ledgers
        if self.active:
            self.context["VILLAGES_URL"] = self.config["VILLAGES_URL"]
            add_section_items(
                self.context,
                [self.section_item(village, ledger) for village in self.villages for ledger in village.months],
            )

    def read_integrity(self):
        """Each month's 更正记录 from the finance folder's git history, and the deadline statuses."""
        finance = os.path.join(self.path, self.config["VILLAGE_DISCLOSURE_FINANCE_PATH"])
        folder_history, errors = history_or_error(
            finance if os.path.isdir(finance) else self.path,
            self.settings,
            self.config["VILLAGE_DISCLOSURE_FINANCE_PATH"],
        )
        collect_problems(self.context, errors)
        self.histories = integrity.ledger_histories(self.villages, folder_history, self.path)
        # Through the module: the one reading of BUILD_TIME, which tests replace with a fixed clock.
        today = scheduled_publishing.build_time(self.settings).astimezone(TIMEZONE).date()
        self.deadlines = integrity.assess_deadlines(
            self.villages,
            self.towns,
            self.histories,
            self.config["VILLAGE_DISCLOSURE_DEADLINE_DAY"],
            today,
            deadlines_from(self.config),
        )
        # Days late grow at midnight and months fall due: a build that reuses the last output must not keep it past then.
        change = dt.datetime.combine(self.deadlines.next_change(), dt.time(), TIMEZONE)
        self.context.setdefault("pages_change_at", []).append(change)
        # For the build report: corrections whose commit message gives no reason.
        self.context.setdefault("unexplained_corrections", []).extend(
            integrity.unexplained_corrections(self.villages, self.histories)
        )

    def url(self, key: str, **fields) -> str:
        return self.config[key].format(**fields)

    def section_item(self, village, ledger) -> SectionItem:
        return SectionItem.of_day(
            self.config["VILLAGE_DISCLOSURE_SECTION"],
            "ledger",
            ledger.month,
            f"{village.full_name} {ledger.label}收支公开",
            self.url("VILLAGE_MONTH_URL", code=village.code, month=ledger.key),
            f"收入 {format_amount(ledger.income_total)} 元，支出 {format_amount(ledger.expenditure_total)} 元，"
            f"期末余额 {format_amount(ledger.closing_balance)} 元",
            self.config["sample_data"],
            TIMEZONE,
        )

    def generate_output(self, writer):
        if not self.active:
            return
        common = {
            "relative_urls": self.settings.get("RELATIVE_URLS"),
            "money": format_amount,
            "month_label": month_label,
            "current_month": self.current_month,
            "sample_data": self.config["sample_data"],
            "disclosure": self.config,
        }
        grouped = self.village_files_fit()
        for village in self.villages:
            # The problem list's generator has read its register by now (generate_output runs after every context).
            problems = integrity.closed_problem_entries(
                village,
                self.context.get("problem_list"),
                bool(self.context.get("problem_list_sample_data", self.config["sample_data"])),
            )
            # A village's pages, downloads and feed are kept together while nothing they show
            # changed (plugins/portal_data/file_groups.py): one digest instead of 110 keys.
            with file_group(
                writer,
                self,
                self.village_folder(village) if grouped else "",  # no folder: never grouped
                self.village_inputs(village, common, problems),
            ) as kept:
                if not kept:
                    self.write_village(writer, village, common)
                    self.write_month_downloads(writer, village)
                    self.write_feed(writer, village, problems)
        self.write_shared_downloads(writer)
        for town in self.towns:
            writer.write_file(
                self.url("VILLAGE_TOWN_SAVE_AS", slug=town.slug),
                self.get_template("village_town"),
                self.context,
                url=self.url("VILLAGE_TOWN_URL", slug=town.slug),
                town=town,
                statuses=village_statuses(town.villages, self.current_month),
                compliance=self.compliance_view(
                    town.name,
                    [(v.code, v.name, self.url("VILLAGE_URL", code=v.code)) for v in town.villages],
                    self.deadlines.overdue[town.name],
                    self.url("VILLAGE_TOWN_COMPLIANCE_CSV", slug=town.slug),
                ),
                **common,
            )
        writer.write_file(
            self.config["VILLAGES_SAVE_AS"],
            self.get_template("villages"),
            self.context,
            url=self.config["VILLAGES_URL"],
            towns=[(town, village_statuses(town.villages, self.current_month)) for town in self.towns],
            compliance=self.compliance_view(
                "",
                [(t.name, t.name, self.url("VILLAGE_TOWN_URL", slug=t.slug)) for t in self.towns],
                self.deadlines.all_overdue(),
                self.config["VILLAGE_COMPLIANCE_CSV"],
            ),
            **common,
        )

    def village_folder(self, village) -> str:
        """The folder of the village's own page (`disclosures/villages/<code>` by default), which
        holds every file write_village, write_month_downloads and write_feed make for it when the
        URL settings put them there (village_files_fit)."""
        return posixpath.dirname(self.url("VILLAGE_SAVE_AS", code=village.code))

    def village_files_fit(self) -> bool:
        """Whether the settings put each of a village's files in its page's folder: checked on one
        stand-in village code and month (codes and month keys are plain names, no `/` or `..`)."""
        fields = {"code": "code-x", "month": "2000-01"}
        folder = posixpath.dirname(posixpath.normpath(self.url("VILLAGE_SAVE_AS", **fields)))
        others = ("VILLAGE_FEED_SAVE_AS", "VILLAGE_MONTH_SAVE_AS", "VILLAGE_MONTH_DOWNLOAD")
        return all(posixpath.normpath(self.url(key, **fields)).startswith(f"{folder}/") for key in others)

    def village_inputs(self, village, common: dict, problems: list) -> tuple:
        """Everything write_village, write_month_downloads and write_feed show of this village that
        is not in the shared context or the settings: the village (its months and vouchers), each
        month's 更正记录 and deadline status, the closed problems in its feed, and `common`. (The
        village is digested by what it was read from when that is known: Village.read_from.)"""
        return (
            village,
            common,
            [self.histories[(village.code, ledger.month)] for ledger in village.months],
            self.deadlines.statuses[village.code],
            [self.deadlines.late_note(village.code, ledger.month) for ledger in village.months],
            problems,
            feed_siteurl(self.settings),
        )

    def compliance_view(self, total_key, rows, overdue, csv_path) -> dict:
        return integrity.compliance_params(
            self.deadlines, total_key, rows, overdue, csv_path, lambda code: self.url("VILLAGE_URL", code=code)
        )

    def write_village(self, writer, village, common):
        town_url = self.url("VILLAGE_TOWN_URL", slug=village.town_slug)
        common = {
            **common,
            "town_url": town_url,
            "village": village,
            "month_url": lambda other: self.url("VILLAGE_MONTH_URL", code=village.code, month=other.key),
        }
        overdue = integrity.deadlines.overdue(village, self.deadlines.statuses[village.code])
        writer.write_file(
            self.url("VILLAGE_SAVE_AS", code=village.code),
            self.get_template("village"),
            self.context,
            url=self.url("VILLAGE_URL", code=village.code),
            chart=charts.Deferred(charts.trend_chart, (f"trend-{village.code}", village)) if village.months else None,
            feed_url=self.url("VILLAGE_FEED_URL", code=village.code),
            overdue=overdue.summary if overdue else "",
            **common,
        )
        for ledger in village.months:
            download = self.url("VILLAGE_MONTH_DOWNLOAD", code=village.code, month=ledger.key)
            writer.write_file(
                self.url("VILLAGE_MONTH_SAVE_AS", code=village.code, month=ledger.key),
                self.get_template("village_month"),
                self.context,
                url=self.url("VILLAGE_MONTH_URL", code=village.code, month=ledger.key),
                ledger=ledger,
                download=download,
                chart=charts.Deferred(
                    charts.breakdown_chart, (f"breakdown-{village.code}-{ledger.key}", ledger, village.full_name)
                ),
                corrections=self.histories[(village.code, ledger.month)],
                late=self.deadlines.late_note(village.code, ledger.month),
                **common,
            )

    def write_month_downloads(self, writer, village):
        output, sample = self.output_path, self.config["sample_data"]
        sample_mark = {"示例数据": True} if sample else {}  # the file may travel without the page
        for ledger in village.months:
            base = self.url("VILLAGE_MONTH_DOWNLOAD", code=village.code, month=ledger.key)
            # Made from (village, ledger) alone, so the incremental writer skips unchanged months.
            write_derived(
                writer,
                output,
                base + ".csv",
                ledger,
                lambda ledger=ledger: csv_bytes(LEDGER_HEADER, ledger_csv_rows(ledger)),
            )
            # Keyed by what ledger_document reads of the village: the whole village would be
            # all its months' vouchers again (2 s of a ten-year rebuild's keys).
            write_derived(
                writer,
                output,
                base + ".json",
                (village.code, village.town, village.name, ledger, sample),
                lambda ledger=ledger: json_bytes(ledger_document(village, ledger, sample)),
            )
            history = self.histories[(village.code, ledger.month)]
            write_derived(
                writer,
                output,
                base + ".history.json",
                (ledger.source_path, history, sample),
                lambda ledger=ledger, history=history: json_bytes(
                    {**history_document(history, ledger.source_path), **sample_mark}
                ),
            )

    def write_shared_downloads(self, writer):
        """The compliance CSVs (city and each town) and the data package of every village."""
        output, counts = self.output_path, self.deadlines.compliance
        header = integrity.deadlines.COMPLIANCE_HEADER
        for path, villages in [(self.config["VILLAGE_COMPLIANCE_CSV"], self.villages)] + [
            (self.url("VILLAGE_TOWN_COMPLIANCE_CSV", slug=town.slug), town.villages) for town in self.towns
        ]:
            rows = integrity.deadlines.compliance_rows(villages, counts)
            write_derived(writer, output, path, rows, lambda rows=rows: csv_bytes(header, rows))
        sitename = self.settings.get("SITENAME", "")
        # Keyed by what the data package lists (each month's name and file, not its vouchers), so
        # correcting an amount does not rewrite this file of every month of every village.
        listed = [
            (village.code, village.full_name, [(ledger.key, ledger.label) for ledger in village.months])
            for village in self.villages
        ]
        write_derived(
            writer,
            output,
            self.config["VILLAGE_DISCLOSURE_DATAPACKAGE"],
            (listed, self.account_sets, self.config, sitename),
            lambda: json_bytes(datapackage(self.villages, self.account_sets, self.config, sitename)),
        )

    def write_feed(self, writer, village, problems):
        """The village's Atom feed: its months' publications and corrections, and its closed problems."""
        site = feed_siteurl(self.settings)
        sample = self.config["sample_data"]
        entries = integrity.village_feed_entries(
            village,
            self.histories,
            lambda ledger, code=village.code: self.url("VILLAGE_MONTH_URL", code=code, month=ledger.key),
            sample,
        )
        entries = sorted(entries + problems, key=lambda entry: entry.date, reverse=True)
        path = self.url("VILLAGE_FEED_SAVE_AS", code=village.code)
        feed_url = f"{site}/{self.url('VILLAGE_FEED_URL', code=village.code)}"
        title = f"{village.full_name} 村务公开"
        write_derived(
            writer,
            self.output_path,
            path,
            (entries, feed_url, title),
            lambda: atom_bytes(
                title=title, subtitle="每月收支公开与更正", site_url=site, feed_url=feed_url, entries=entries
            ),
        )


def get_generators(pelican_object):
    return VillageDisclosureGenerator


def register():
    signals.get_generators.connect(get_generators)
    signals.all_generators_finalized.connect(raise_collected_problems)
