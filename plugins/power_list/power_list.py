"""Power list pages: the register of every matter, one page per matter and per department, and the downloads.

Reads three CSV files under content/ (the matters, the departments with their URL codes, the ten
power types), checks them all, registers each matter in the 政务公开 section, then writes pages
through Pelican's writer. A site without the matters file (a fixture site) gets no power list.
"""

from __future__ import annotations

import os
import zoneinfo

from pelican import signals

from plugins.portal_data import DataError, raise_collected_problems
from plugins.portal_data.csv_register import FilterField, publish_register, write_register_downloads
from plugins.portal_data.csv_source import read_csv_table
from plugins.portal_data.page_generator import PageGenerator
from plugins.portal_data.plugin_settings import plugin_settings
from plugins.portal_data.registers_file import read_sample_data
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
    return plugin_settings(settings, DEFAULTS, PLACEHOLDERS)


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


def section_items(power_list: PowerList, section: str, timezone: str, sample_data: bool = True) -> list[SectionItem]:
    zone = zoneinfo.ZoneInfo(timezone)
    return [
        SectionItem.of_day(
            section,
            "power-item",
            item.updated,
            f"{item.name}（{item.department.name}）",
            item.url,
            f"权力清单 · {item.category} · 承诺时限 {item.promised_text} · {item.channels_text}",
            sample_data,
            zone,
        )
        for item in power_list.items
    ]


def filter_fields(power_list: PowerList) -> list[FilterField]:
    """The register's filter form: by department, category and 办理方式, only what some matter uses."""
    return [
        FilterField("department", "实施部门", "全部部门", tuple((d.code, d.name) for d in power_list.departments)),
        FilterField("category", "事项类别", "全部类别", tuple((c, c) for c in power_list.categories_in_use)),
        FilterField("channel", "办理方式", "全部方式", tuple((c, c) for c in power_list.channels_in_use)),
    ]


def download_links(config: dict) -> dict:
    return {
        "csv": config["POWER_LIST_CSV_SAVE_AS"],
        "json": config["POWER_LIST_JSON_SAVE_AS"],
        "datapackage": config["POWER_LIST_DATAPACKAGE_SAVE_AS"],
    }


def read_power_list(content_path: str, settings: dict):
    """(config, power_list or None, problems); used by the generator and by `invoke check`.
    config["sample_data"] is what content/disclosures/registers.toml says of the power list."""
    config, errors = power_list_settings(settings)
    if errors or not os.path.exists(os.path.join(content_path, config["POWER_LIST_PATH"])):
        return config, None, errors
    config["sample_data"], errors = read_sample_data(content_path, settings, "power_list")
    power_list, found = load_power_list(content_path, config)
    errors += found
    return config, (None if errors else power_list), errors


class PowerListGenerator(PageGenerator):
    """Publishes context["power_list"] in generate_context and writes pages only in generate_output."""

    def generate_context(self):
        read = read_power_list(self.path, self.settings)
        self.config, self.power_list = publish_register(self.context, "power_list", read, filter_fields, download_links)
        if self.power_list is None:
            return
        add_section_items(
            self.context,
            section_items(
                self.power_list,
                self.config["POWER_LIST_SECTION"],
                self.settings.get("TIMEZONE", "Asia/Shanghai"),
                self.config["sample_data"],
            ),
        )

    def group_state(self) -> list:
        """All that its pages and downloads show beyond the shared context and the settings: its
        settings and the power list read from its CSV files. With it the build keeps the
        generator's whole output as one group (2,000 matters' pages at ten years) while neither
        changed (buildtools/parallel_output.generator_inputs)."""
        return [self.config, self.power_list]

    def generate_output(self, writer):
        if self.power_list is None:
            return
        config, power_list = self.config, self.power_list
        self.write_page(writer, "power_list", config["POWER_LIST_SAVE_AS"], config["POWER_LIST_URL"])
        for department in power_list.departments:
            self.write_page(writer, "power_department", department.save_as, department.url, department=department)
        for item in power_list.items:
            self.write_page(writer, "power_item", item.save_as, item.url, power_item=item)
        sample = config["sample_data"]
        types = [power_type.name for power_type in power_list.power_types]
        write_register_downloads(
            writer,
            self.output_path,
            (power_list, sample),
            download_links(config),
            lambda: (HEADER, schema.csv_rows(power_list)),
            lambda: schema.json_document(power_list, sample),
            lambda csv_name: schema.data_package(types, csv_name, sample),
        )


def get_generators(pelican_object):
    return PowerListGenerator


def register():
    signals.get_generators.connect(get_generators)
    signals.all_generators_finalized.connect(raise_collected_problems)
