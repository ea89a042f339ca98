"""The contract between pages a plugin generates and the sections that list them.

A generator that publishes pages belonging to a section (村务公开, 政务公开, …) appends
SectionItem values to `context["section_items"]` in its generate_context(); the sections
plugin reads them after every generator has run (all_generators_finalized) and lists them
with the section's articles. Nothing else about the generator needs to be known.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass

BEIJING = zoneinfo.ZoneInfo("Asia/Shanghai")


@dataclass(frozen=True)
class SectionItem:
    section: str  # the section's slug, e.g. "cunwu" (村务公开)
    title: str
    url: str  # site-relative, e.g. "disclosures/villages/xiangshui/2020-06/"
    date: dt.datetime  # timezone-aware (Asia/Shanghai); newest first in lists
    summary: str = ""
    kind: str = ""  # what it is, for filters: "ledger", "power-item", …
    sample_data: bool = False  # from a register declared sample data: the section listing it says 示例数据

    @classmethod
    def of_day(
        cls, section: str, kind: str, day: dt.date, title: str, url: str, summary: str, sample_data: bool, zone=BEIJING
    ):
        """A register row dated by a day (its update, its month): listed from the start of that day."""
        return cls(section, title, url, dt.datetime.combine(day, dt.time(), zone), summary, kind, sample_data)


def add_section_items(context: dict, items) -> None:
    context.setdefault("section_items", []).extend(items)
