"""Power list pages: the register of every matter, one page per matter and per department, and the downloads.

Reads three CSV files under content/ (the matters, the departments with their URL codes, the ten
power types), checks them all, registers each matter in the 政务公开 section, then writes pages
through Pelican's writer. A site without the matters file (a fixture site) gets no power list.
"""

from __future__ import annotations

import datetime as dt
import os
import posixpath
import zoneinfo

from pelican import signals
from pelican.generators import Generator

from plugins.portal_data import DataError, collect_problems, raise_collected_problems
from plugins.portal_data.csv_source import read_csv_table
from plugins.portal_data.downloads import csv_bytes, json_bytes, write_derived, write_download
from plugins.portal_data.section_item import SectionItem, add_section_items

from . import schema
from .checks import read_power_items
from .model import DEPARTMENTS_HEADER, HEADER, POWER_TYPES_HEADER, PowerList, read_departments, read_power_types

DEFAULTS = {
    "POWER_LIST_PATH": "disclosures/power-list.csv",
    "POWER_DEPARTMENTS_PATH": "disclosures/departments.csv",
    "POWER_TYPES_PATH": "disclosures/power-types.csv",
    "POWER_LIST_URL": "disclosures/power-list/",
    "POWER_LIST_SAVE_AS": "disclosures/power-list/index.html",
    "POWER_ITEM_URL": "disclosures/power-list/items/{number}/",
    "POWER_ITEM_SAVE_AS": "disclosures/power-list/items/{number}/index.html",
    "POWER_DEPARTMENT_URL": "disclosures/power-list/departments/{code}/",
    "POWER_DEPARTMENT_SAVE_AS": "disclosures/power-list/departments/{code}/index.html",
    "POWER_LIST_CSV_SAVE_AS": "disclosures/power-list/power-list.csv",
    "POWER_LIST_JSON_SAVE_AS": "disclosures/power-list/power-list.json",
    "POWER_LIST_DATAPACKAGE_SAVE_AS": "disclosures/power-list/datapackage.json",
    "POWER_LIST_SECTION": "zhengwu",
}
# Each URL pattern must use its placeholder, or every page would be written to the same file.
PLACEHOLDERS = {
    "POWER_ITEM_URL": "{number}",
    "POWER_ITEM_SAVE_AS": "{number}",
    "POWER_DEPARTMENT_URL": "{code}",
    "POWER_DEPARTMENT_SAVE_AS": "{code}",
}


def power_list_settings(settings) -> tuple[dict, list[DataError]]:
    config = {key: settings.get(key, default) for key, default in DEFAULTS.items()}
    errors = [
        DataError(
            "pelicanconf.py", 0, 0, "bad-setting", f"{key} = {config[key]!r} 缺少 {placeholder}；例如 {DEFAULTS[key]!r}"
        )
        for key, placeholder in PLACEHOLDERS.items()
        if placeholder not in str(config[key])
    ]
    return config, errors


def load_power_list(content_path: str, config: dict) -> tuple[PowerList | None, list[DataError]]:
    """Read and check the three files; returns (None, errors) when any problem was found."""

    def read(key, header):
        shown = config[key]
        return read_csv_table(os.path.join(content_path, shown), exact_header=header, display_path=shown)

    errors: list[DataError] = []
    types_table, found = read("POWER_TYPES_PATH", POWER_TYPES_HEADER)
    errors += found
    departments_table, found = read("POWER_DEPARTMENTS_PATH", DEPARTMENTS_HEADER)
    errors += found
    items_table, found = read("POWER_LIST_PATH", HEADER)
    errors += found
    if not (types_table and departments_table and items_table):
        return None, errors
    power_types, found = read_power_types(types_table)
    errors += found
    departments, found = read_departments(departments_table)
    errors += found
    items, found = read_power_items(
        items_table, departments, power_types, config["POWER_DEPARTMENTS_PATH"], config["POWER_TYPES_PATH"]
    )
    errors += found
    if errors:
        return None, errors
    return assemble(items, departments, power_types, config), []


def assemble(items, departments, power_types, config) -> PowerList:
    """Attach URLs and group matters by department; departments keep the departments file's order."""
    for department in departments:
        department.url = config["POWER_DEPARTMENT_URL"].format(code=department.code)
        department.save_as = config["POWER_DEPARTMENT_SAVE_AS"].format(code=department.code)
        department.items = []
    for item in sorted(items, key=lambda item: item.number):
        item.url = config["POWER_ITEM_URL"].format(number=item.number)
        item.save_as = config["POWER_ITEM_SAVE_AS"].format(number=item.number)
        item.department.items.append(item)
    used = [department for department in departments if department.items]
    ordered = [item for department in used for item in department.items]
    return PowerList(items=ordered, departments=used, power_types=power_types)


def section_items(power_list: PowerList, section: str, timezone: str) -> list[SectionItem]:
    zone = zoneinfo.ZoneInfo(timezone)
    return [
        SectionItem(
            section=section,
            title=f"{item.name}（{item.department.name}）",
            url=item.url,
            date=dt.datetime.combine(item.updated, dt.time(), tzinfo=zone),
            summary=f"权力清单 · {item.category} · 承诺时限 {item.promised_text} · {item.channels_text}",
            kind="power-item",
        )
        for item in power_list.items
    ]


def download_links(config: dict) -> dict:
    return {
        "csv": config["POWER_LIST_CSV_SAVE_AS"],
        "json": config["POWER_LIST_JSON_SAVE_AS"],
        "datapackage": config["POWER_LIST_DATAPACKAGE_SAVE_AS"],
    }


def read_power_list(content_path: str, settings: dict):
    """(config, power_list or None, problems); used by the generator and by `invoke check`."""
    config, errors = power_list_settings(settings)
    if errors or not os.path.exists(os.path.join(content_path, config["POWER_LIST_PATH"])):
        return config, None, errors
    power_list, errors = load_power_list(content_path, config)
    return config, (None if errors else power_list), errors


class PowerListGenerator(Generator):
    """Publishes context["power_list"] in generate_context and writes pages only in generate_output."""

    def generate_context(self):
        self.config, self.power_list, errors = read_power_list(self.path, self.settings)
        collect_problems(self.context, errors)  # reported with every other plugin's, before writing
        if self.power_list is None:
            return
        self.context["power_list"] = self.power_list
        self.context["POWER_LIST_URL"] = self.config["POWER_LIST_URL"]
        self.context["power_list_downloads"] = download_links(self.config)
        add_section_items(
            self.context,
            section_items(
                self.power_list, self.config["POWER_LIST_SECTION"], self.settings.get("TIMEZONE", "Asia/Shanghai")
            ),
        )

    def generate_output(self, writer):
        if self.power_list is None:
            return
        relative = self.settings.get("RELATIVE_URLS")
        write = writer.write_file
        write(
            self.config["POWER_LIST_SAVE_AS"],
            self.get_template("power_list"),
            self.context,
            relative_urls=relative,
            url=self.config["POWER_LIST_URL"],
            power_list=self.power_list,
        )
        for department in self.power_list.departments:
            write(
                department.save_as,
                self.get_template("power_department"),
                self.context,
                relative_urls=relative,
                url=department.url,
                department=department,
            )
        for item in self.power_list.items:
            write(
                item.save_as,
                self.get_template("power_item"),
                self.context,
                relative_urls=relative,
                url=item.url,
                power_item=item,
            )
        self.write_downloads(writer)

    def write_downloads(self, writer):
        output, config, power_list = self.output_path, self.config, self.power_list
        # Made from the power list alone: the incremental writer skips them when it did not change.
        write_derived(
            writer,
            output,
            config["POWER_LIST_CSV_SAVE_AS"],
            power_list,
            lambda: csv_bytes(HEADER, schema.csv_rows(power_list)),
        )
        write_derived(
            writer,
            output,
            config["POWER_LIST_JSON_SAVE_AS"],
            power_list,
            lambda: json_bytes(schema.json_document(power_list)),
        )
        csv_name = posixpath.relpath(
            config["POWER_LIST_CSV_SAVE_AS"], posixpath.dirname(config["POWER_LIST_DATAPACKAGE_SAVE_AS"])
        )
        types = [power_type.name for power_type in self.power_list.power_types]
        write_download(
            output, config["POWER_LIST_DATAPACKAGE_SAVE_AS"], json_bytes(schema.data_package(types, csv_name))
        )


def get_generators(pelican_object):
    return PowerListGenerator


def register():
    signals.get_generators.connect(get_generators)
    signals.all_generators_finalized.connect(raise_collected_problems)
