"""Residents' words for what pages call by an official name: 歌厅 for 娱乐场所, 打井 for 取水.

A resident asks 开歌厅要什么手续; the matter is 娱乐场所经营许可, and no page says 歌厅. Editors keep
a two-column table, content/search-synonyms.csv (居民用语,页面用语), one pair per row; a resident
word may have several rows. The search page carries the table (data-synonyms on #lp-search, so no
request more), and theme/static/js/search.js looks up the page words as well as what was typed
whenever the query holds a resident word, and says so above the results. Matching stays on the
query's own words too: a page that does say 歌厅 is still found by it.

The table is read with the build's other content (so `invoke check` reports its problems) and given
to templates as `search_synonyms`: {居民用语: [页面用语, …]} in the file's order. A site without the
file has no synonyms.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator

from plugins.portal_data import DataError, collect_problems, connect_source_check
from plugins.portal_data.csv_register import cell_error, empty_cells, read_register_rows
from plugins.portal_data.csv_source import CsvRow, CsvTable, read_csv_table
from plugins.portal_data.plugin_list import plugin_listed
from plugins.portal_data.plugin_settings import plugin_settings

DEFAULTS = {"SEARCH_SYNONYMS_PATH": "search-synonyms.csv"}
HEADER = ["居民用语", "页面用语"]
CONTEXT_KEY = "search_synonyms"

# What search.js looks up (buildtools/search_text.py wrote the pages the same way): runs of Han
# characters, digits and ASCII letters. A phrase without one of them matches nothing.
_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ffff"
_WORD = re.compile(f"[{_HAN}0-9A-Za-z０-９Ａ-Ｚａ-ｚ]")
_HAN_ONLY = re.compile(f"[{_HAN}]+")


def read_synonyms(table: CsvTable) -> tuple[dict[str, list[str]], list[DataError]]:
    """{resident word: [page words]} of the rows with no problem, and every problem found."""
    pairs, errors = read_register_rows(table, check_row, lambda row: (row["居民用语"], row["页面用语"]))
    errors += list(repeated_pairs(table))
    synonyms: dict[str, list[str]] = {}
    for resident, page in pairs:
        if page not in synonyms.setdefault(resident, []):
            synonyms[resident].append(page)
    return synonyms, errors


def check_row(row: CsvRow, error) -> Iterator[DataError]:
    yield from empty_cells(row, HEADER, error, "同义词")
    for column in HEADER:
        value = row[column]
        if value and not _WORD.search(value):
            yield error(column, "no-word", f"{column}“{value}”里没有汉字、数字或字母，搜索时什么也找不到；请写一个词")
    resident = row["居民用语"]
    if _HAN_ONLY.fullmatch(resident) and len(resident) == 1:
        yield error(
            "居民用语",
            "one-character",
            f"居民用语“{resident}”只有一个字：凡是含这个字的搜索都会加上同义词；请写成含这个字的词（如“歌厅”，不写“歌”）",
        )
    if resident and resident == row["页面用语"]:
        yield error("页面用语", "same-word", f"页面用语和居民用语都是“{resident}”；同义词应是页面上用的另一个说法")


def repeated_pairs(table: CsvTable) -> Iterator[DataError]:
    first_line: dict[tuple[str, str], int] = {}
    for row in table.rows:
        pair = (row["居民用语"], row["页面用语"])
        if not all(pair):
            continue
        if pair in first_line:
            yield cell_error(table, row)(
                "居民用语", "repeated-pair", f"“{pair[0]} → {pair[1]}”已在第 {first_line[pair]} 行写过；请删去这一行"
            )
        else:
            first_line[pair] = row.line


def load_synonyms(content_path: str, settings: dict) -> tuple[dict[str, list[str]], list[DataError]]:
    """The site's synonyms and the problems that stop the build; ({}, []) when there is no file."""
    config, errors = plugin_settings(settings, DEFAULTS)
    if errors:
        return {}, errors
    shown = config["SEARCH_SYNONYMS_PATH"]
    path = os.path.join(content_path, shown)
    if not os.path.exists(path):
        return {}, []
    table, errors = read_csv_table(path, exact_header=HEADER, display_path=shown)
    if table is None:
        return {}, errors
    synonyms, found = read_synonyms(table)
    errors += found
    return ({} if errors else synonyms), errors


def publish_synonyms(generator) -> None:
    """page_generator_finalized: every file is read and nothing written; templates get the table."""
    if not plugin_listed(generator.settings, __name__):
        return
    synonyms, errors = load_synonyms(generator.settings["PATH"], generator.settings)
    generator.context[CONTEXT_KEY] = synonyms
    collect_problems(generator.context, errors)


def register():
    connect_source_check(publish_synonyms)
