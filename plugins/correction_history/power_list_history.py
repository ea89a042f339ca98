"""更正记录 for the power list's matter pages: the history of power-list.csv, split by 序号.

A generator that runs after the power list's (it is listed after it in PLUGINS), reads
context["power_list"], publishes context["power_item_corrections"] (a MatterHistory per 序号) for
the include in power_item.html and writes each matter's history as JSON beside its page. The
power list plugin itself is unchanged.
"""

from __future__ import annotations

import os
import posixpath
from dataclasses import dataclass

from pelican.generators import Generator

from plugins.portal_data import collect_problems
from plugins.portal_data.downloads import json_bytes, write_derived

from .corrections import correction_history, csv_rows, history_document, keyed_histories
from .git_log import history_or_error

POWER_LIST_PATH = "disclosures/power-list.csv"  # the power list plugin's default for POWER_LIST_PATH
KEY_COLUMN = "序号"


def shown_cell(_column: str, text: str) -> str:
    return text.strip()


def power_item_corrections(content_path: str, settings, items) -> tuple[dict, list]:
    """({序号: CorrectionHistory} for `items`, errors) from the history of the power-list file."""
    relative = settings.get("POWER_LIST_PATH", POWER_LIST_PATH)
    path = os.path.join(content_path, relative)
    folder_history, errors = history_or_error(os.path.dirname(path), settings, os.path.dirname(relative))
    history = None
    if folder_history.root is not None:
        history = folder_history.of(path)
    whole = correction_history(history, folder_history.blobs, csv_rows, KEY_COLUMN, shown_cell)
    return keyed_histories(whole, [str(item.number) for item in items]), errors


@dataclass(frozen=True)
class MatterHistory:
    history: object  # CorrectionHistory
    json_url: str


@dataclass(frozen=True)
class MatterCorrections:
    """Every matter's history by 序号. An object, not a dict: the incremental writer digests an
    object once per build and remembers it, where a dict would be digested again for every page."""

    by_number: dict

    def get(self, number: str) -> MatterHistory | None:
        return self.by_number.get(number)


def history_path(item) -> str:
    """The JSON download of a matter's 更正记录, in the folder of its page."""
    return posixpath.join(posixpath.dirname(item.save_as), "history.json")


class PowerListHistoryGenerator(Generator):
    """Publishes context["power_item_corrections"] and writes each matter's history as JSON."""

    def generate_context(self):
        self.items, self.corrections = [], {}
        power_list = self.context.get("power_list")
        if power_list is None:
            return
        self.items = power_list.items
        self.corrections, errors = power_item_corrections(self.path, self.settings, self.items)
        collect_problems(self.context, errors)
        self.context["power_item_corrections"] = MatterCorrections(
            {
                str(item.number): MatterHistory(self.corrections[str(item.number)], history_path(item))
                for item in self.items
            }
        )

    def generate_output(self, writer):
        source = self.settings.get("POWER_LIST_PATH", POWER_LIST_PATH)
        for item in self.items:
            history = self.corrections[str(item.number)]
            write_derived(
                writer,
                self.output_path,
                history_path(item),
                (source, item.number, history),
                lambda history=history, number=item.number: json_bytes(
                    {"序号": number, **history_document(history, source)}
                ),
            )
