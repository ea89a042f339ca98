"""Residents' words for what pages call by an official name: 歌厅 for 娱乐场所, 打井 for 取水.

A resident asks 开歌厅要什么手续; the matter is 娱乐场所经营许可, and no page says 歌厅. Editors keep
a two-column table, content/search-synonyms.csv (居民用语,页面用语), one pair per row; a resident
word may have several rows. The search page carries the table (data-synonym-pairs on #lp-search, so no
request more), and theme/static/js/search.js looks up the page words as well as what was typed
whenever the query holds a resident word, and says so above the results. Matching stays on the
query's own words too: a page that does say 歌厅 is still found by it.

The table is read with the build's other content (so `invoke check` reports its problems) and given
to templates as `search_synonyms`: [[居民用语, [页面用语, …]], …] in the file's order (a list, not a
mapping: Jinja's tojson would sort a mapping's keys). A site without the file has no synonyms, unless
the setting names a file that is not there.
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Iterator

from plugins.portal_data import DataError, collect_problems, connect_source_check
from plugins.portal_data.csv_register import empty_cells, read_register_rows, repeated_values
from plugins.portal_data.csv_source import CsvRow, CsvTable, read_csv_table
from plugins.portal_data.han import HAN
from plugins.portal_data.plugin_list import plugin_listed
from plugins.portal_data.plugin_settings import SETTINGS_FILE, plugin_settings

DEFAULTS = {"SEARCH_SYNONYMS_PATH": "search-synonyms.csv"}
HEADER = ["居民用语", "页面用语"]
CONTEXT_KEY = "search_synonyms"
# Editors reading "the header has two columns" reach for a third cell for a second page word.
EXTRA_CELLS_HINT = "一行只写一对：一个居民用语有几个页面用语，就写几行"

# What search.js looks up (buildtools/search_text.py wrote the pages the same way): runs of Han
# characters, digits and ASCII letters. A phrase without one of them matches nothing, and a page word
# is looked up as one such run, without spaces: a mark would split it, and a Han character left
# alone beside other words is not looked up.
_WORD = re.compile(f"[{HAN}0-9a-z]")
_ONE_WORD = re.compile(f"[{HAN}0-9a-z]+")
_NOT_MATCHED = re.compile(r"\s+")
SAME_TO_SEARCH = "（全角半角、大小写、空格在搜索时不算区别）"


def as_matched(text: str) -> str:
    """A word as search.js compares it with a query (matchForm there): full-width letters and digits
    as ASCII, lower case, without spaces (卡拉 OK is 卡拉ok)."""
    return _NOT_MATCHED.sub("", unicodedata.normalize("NFKC", text).lower())


def has_invisible(text: str) -> bool:
    """A zero-width space or joiner, a byte-order mark (format characters, pasted from web pages and
    WeChat): the word looks right and never matches what a resident types."""
    return any(unicodedata.category(character) == "Cf" for character in text)


def read_synonyms(table: CsvTable) -> tuple[list[tuple[str, list[str]]], list[DataError]]:
    """[(resident word, [page words])] of the rows with no problem, in the file's order, and every problem."""
    pairs, errors = read_register_rows(table, check_row, lambda row: (row["居民用语"], row["页面用语"]))
    errors += list(repeated_pairs(table))
    synonyms: dict[str, list[str]] = {}
    for resident, page in pairs:
        if page not in synonyms.setdefault(resident, []):
            synonyms[resident].append(page)
    return list(synonyms.items()), errors


def repeated_pairs(table: CsvTable) -> Iterator[DataError]:
    """A pair written before, as the search page compares words (ＫＴＶ is KTV)."""
    return repeated_values(
        table,
        "居民用语",
        lambda row: (
            tuple(as_matched(row[column]) for column in HEADER) if row["居民用语"] and row["页面用语"] else None
        ),
        _repeated_pair_message,
        "repeated-pair",
    )


def _repeated_pair_message(_pair, earlier: CsvRow, row: CsvRow) -> str:
    """The row as the editor wrote it; when it differs from the earlier one only in ways search ignores, say so."""
    alike = "" if all(row[column] == earlier[column] for column in HEADER) else SAME_TO_SEARCH
    return f"“{row['居民用语']} → {row['页面用语']}”已在第 {earlier.line} 行写过{alike}；请删去这一行"


def check_row(row: CsvRow, error) -> Iterator[DataError]:
    yield from empty_cells(row, HEADER, error, "同义词")
    invisible = [column for column in HEADER if has_invisible(row[column])]
    for column in invisible:
        yield error(
            column,
            "invisible-character",
            f"{column}“{row[column]}”里有看不见的字符（多半是从网页或微信复制来的零宽空格）；请清空这个格子，重新输入这个词",
        )
    if invisible:
        return
    resident, page = (as_matched(row[column]) for column in HEADER)
    for column, value in zip(HEADER, (resident, page)):
        if value and not _WORD.search(value):
            yield error(
                column, "no-word", f"{column}“{row[column]}”里没有汉字、数字或字母，搜索时什么也找不到；请写一个词"
            )
        elif column == "页面用语" and value and not _ONE_WORD.fullmatch(value):
            yield error(
                column,
                "not-one-word",
                f"页面用语“{row[column]}”应是页面上的一个词，只写汉字、数字或字母：标点会把它拆开，拆出的单个字不会单独查找",
            )
        elif len(value) == 1:
            yield error(column, "one-character", ONE_CHARACTER[column].format(word=row[column]))
    if len(resident) > 1 and len(page) > 1 and page in resident:
        same = "和居民用语一样" if page == resident else "已包含在居民用语里"
        if row["页面用语"] not in row["居民用语"]:
            same += SAME_TO_SEARCH
        yield error(
            "页面用语",
            "page-word-in-resident-word",
            f"页面用语“{row['页面用语']}”{same}：搜索“{row['居民用语']}”本来就会找它，这一行不起作用；"
            "同义词应是页面上用的另一个说法",
        )


ONE_CHARACTER = {
    "居民用语": "居民用语“{word}”只有一个字：凡是含这个字的搜索都会加上同义词；请写成含这个字的词（如“歌厅”，不写“歌”）",
    "页面用语": "页面用语“{word}”只有一个字：和别的词一起搜索时，单个字不会单独查找；请写页面上的一个词（至少两个字）",
}


def load_synonyms(content_path: str, settings: dict) -> tuple[list[tuple[str, list[str]]], list[DataError]]:
    """The site's synonyms and the problems that stop the build; ([], []) when the default file is not there."""
    config, errors = plugin_settings(settings, DEFAULTS)
    if errors:
        return [], errors
    shown = config["SEARCH_SYNONYMS_PATH"]
    path = os.path.join(content_path, shown)
    if not os.path.isfile(path):
        if "SEARCH_SYNONYMS_PATH" not in settings:
            return [], []
        # The editor named a file: one that is not there is a mistake, not a site without synonyms.
        message = f"SEARCH_SYNONYMS_PATH = {shown!r}：内容文件夹里没有这个文件；请改正路径（写到 .csv 文件本身），或删去这项设置"
        return [], [DataError(SETTINGS_FILE, 0, 0, "bad-setting", message)]
    table, errors = read_csv_table(path, exact_header=HEADER, display_path=shown, extra_cells_hint=EXTRA_CELLS_HINT)
    if table is None:
        return [], errors
    synonyms, found = read_synonyms(table)
    errors += found
    return ([] if errors else synonyms), errors


def publish_synonyms(generator) -> None:
    """page_generator_finalized: every file is read and nothing written; templates get the table."""
    if not plugin_listed(generator.settings, __name__):
        return
    synonyms, errors = load_synonyms(generator.settings["PATH"], generator.settings)
    generator.context[CONTEXT_KEY] = synonyms
    collect_problems(generator.context, errors)


def register():
    connect_source_check(publish_synonyms)
