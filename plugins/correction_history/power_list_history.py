"""更正记录 for the power list's matter pages: the history of power-list.csv, split by 序号.

A generator that runs after the power list's (it is listed after it in PLUGINS), reads
context["power_list"] and publishes context["power_item_corrections"] ({序号 as text:
CorrectionHistory}) for the include in power_item.html. The power list plugin itself is unchanged.
"""

from __future__ import annotations

import os

from pelican.generators import Generator

from plugins.portal_data import collect_problems
from plugins.portal_data.csv_source import read_csv_table

from .corrections import correction_history, keyed_histories
from .git_log import history_or_error

POWER_LIST_PATH = "disclosures/power-list.csv"  # the power list plugin's default for POWER_LIST_PATH
KEY_COLUMN = "序号"


def matter_rows(data: bytes) -> list[dict[str, str]]:
    table, _problems = read_csv_table("", display_path="", data=data)
    return [row.cells for row in table.rows] if table else []


def shown_cell(_column: str, text: str) -> str:
    return text.strip()


def power_item_corrections(content_path: str, settings, items) -> tuple[dict, list]:
    """({序号: CorrectionHistory} for `items`, errors) from the history of the power-list file."""
    relative = settings.get("POWER_LIST_PATH", POWER_LIST_PATH)
    path = os.path.join(content_path, relative)
    folder_history, errors = history_or_error(os.path.dirname(path), settings, os.path.dirname(relative))
    history = None
    if folder_history.root is not None:
        history = folder_history.files.get(os.path.relpath(path, folder_history.root).replace(os.sep, "/"))
    whole = correction_history(history, folder_history.blobs, matter_rows, KEY_COLUMN, shown_cell)
    return keyed_histories(whole, [str(item.number) for item in items]), errors


class PowerListHistoryGenerator(Generator):
    def generate_context(self):
        power_list = self.context.get("power_list")
        if power_list is None:
            return
        corrections, errors = power_item_corrections(self.path, self.settings, power_list.items)
        collect_problems(self.context, errors)
        self.context["power_item_corrections"] = corrections

    def generate_output(self, writer):
        pass  # the power list's generator writes the matter pages; this one only reads history
