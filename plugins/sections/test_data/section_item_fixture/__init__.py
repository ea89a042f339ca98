"""Test-only plugin: registers two generated pages in section "gongkai", as the disclosure plugins do."""

import datetime as dt
import zoneinfo

from pelican import signals
from pelican.generators import Generator

from plugins.portal_data.section_item import SectionItem, add_section_items

BEIJING = zoneinfo.ZoneInfo("Asia/Shanghai")


class SectionItemFixtureGenerator(Generator):
    def generate_context(self):
        add_section_items(
            self.context,
            [
                SectionItem(
                    "gongkai",
                    "香水村 2021年2月 收支",
                    "disclosures/xiangshui/2021-02/",
                    dt.datetime(2021, 3, 10, 9, 0, tzinfo=BEIJING),
                    "二月收支明细。",
                    "ledger",
                ),
                SectionItem(
                    "gongkai",
                    "香水村 2021年1月 收支",
                    "disclosures/xiangshui/2021-01/",
                    dt.datetime(2021, 2, 10, 9, 0, tzinfo=BEIJING),
                    "一月收支明细。",
                    "ledger",
                ),
            ],
        )
        self.context.setdefault("section_items", []).extend(self.settings.get("EXTRA_SECTION_ITEMS", []))


def get_generators(pelican_object):
    if "section_item_fixture" in pelican_object.settings.get("PLUGINS", []):
        return SectionItemFixtureGenerator
    return None


def register():
    signals.get_generators.connect(get_generators)
