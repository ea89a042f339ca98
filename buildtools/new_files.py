"""`invoke new article|ledger|matter`: start an editor's file in the right place with the right shape.

Each refuses what the build would refuse, with the build's own words (the slug rule of
plugins/portal_data/codes.py, the date forms of plugins/portal_data/dates.py, the sections of
content/sections.toml), so a file it writes fails the build only for what is still to be filled in.
Required values are left empty on purpose: until an editor writes them, `invoke check` names each
one with its line, so nothing half-written can be published.
"""

from __future__ import annotations

import csv
import io
import os
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from plugins.portal_data.codes import code_problem
from plugins.portal_data.content_files import markdown_files
from plugins.portal_data.csv_source import decode_text, read_csv_table
from plugins.portal_data.dates import DateFormError, parse_month, parse_time
from plugins.portal_data.front_matter import parse_front_matter
from plugins.portal_data.numbers import whole_number

ARTICLE_FOLDER = "news"  # content/news/<edition date>/<slug>.md, as README's content layout says
# Every key README documents, in its order; the empty ones are the editor's to write.
ARTICLE_KEYS = (
    "Title",
    "Kicker",
    "Date",
    "Category",
    "Tags",
    "Slug",
    "Author",
    "Correspondents",
    "Summary",
    "Edition",
    "Edition_Position",
    "Photo_Caption",
    "Photo_Credit",
)
# Left empty, these are simply absent from the page; the others must be written before it builds.
OPTIONAL_KEYS = ("Kicker", "Tags", "Correspondents", "Photo_Caption", "Photo_Credit")


class Refused(Exception):
    """An argument the build would refuse; str() is the editor's message."""


@dataclass(frozen=True)
class Written:
    path: str  # relative to the repository, as the editor opens it
    message: str  # what to do next


def _content(settings: dict) -> str:
    return os.path.abspath(settings["PATH"])


def _shown(settings: dict, path: str) -> str:
    return os.path.relpath(path, os.path.dirname(_content(settings))).replace(os.sep, "/")


# --- articles ---------------------------------------------------------------------------------


def article_problems(settings: dict, date: str, section: str, slug: str) -> list[str]:
    """The build's messages for these arguments, without a position (there is no file yet)."""
    from plugins.sections.declaration import load_sections
    from plugins.sections.sections import section_settings, unknown_category

    problems = []
    try:
        parse_time(date, ZoneInfo(settings.get("TIMEZONE") or "Asia/Shanghai"))
    except DateFormError as problem:
        problems.append(f"Date {problem}")
    sections_file = section_settings(settings)[0]["SECTIONS_FILE"]
    sections, errors = load_sections(os.path.join(_content(settings), sections_file), sections_file)
    problems += [str(error) for error in errors]
    if not errors and section not in {category for known in sections for category in known.categories}:
        problems.append(unknown_category(section, sections))
    slug_problem = code_problem(slug, "giant-apple-melon")
    if slug_problem:
        problems.append(f"Slug {slug_problem}")
    for item in markdown_files(settings):
        if item.kind == "article" and _front_matter(item.path).get("slug") == slug:
            problems.append(f"Slug “{slug}”已被 {item.shown} 使用；每篇的 Slug 应不同")
    return problems


def _front_matter(path: str) -> dict[str, str]:
    with open(path, encoding="utf-8-sig", errors="replace") as handle:
        fields, _end = parse_front_matter(handle.read())
    return {key: found.value for key, found in fields.items()}


def next_edition_position(settings: dict, edition: str) -> int:
    """One more than the last place taken in that edition (1, the lead, for a new edition)."""
    taken = [
        whole_number(matter.get("edition_position", "")) or 0
        for matter in (_front_matter(item.path) for item in markdown_files(settings) if item.kind == "article")
        if matter.get("edition") == edition
    ]
    return max(taken, default=0) + 1


def article_text(date: str, section: str, slug: str, position: int) -> str:
    values = {
        "Date": date,
        "Category": section,
        "Slug": slug,
        "Edition": date.split()[0],
        "Edition_Position": str(position),
    }
    lines = [f"{key}: {values[key]}" if key in values else f"{key}:" for key in ARTICLE_KEYS]
    return "\n".join(lines) + "\n\n"


def new_article(settings: dict, date: str, section: str, slug: str) -> Written:
    problems = article_problems(settings, date, section, slug)
    if problems:
        raise Refused("\n".join(problems))
    edition = date.split()[0]
    path = os.path.join(_content(settings), ARTICLE_FOLDER, edition, f"{slug}.md")
    if os.path.exists(path):
        raise Refused(f"{_shown(settings, path)} 已经存在；请换一个 Slug，或直接编辑这个文件")
    position = next_edition_position(settings, edition)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "x", encoding="utf-8", newline="\n") as handle:
        handle.write(article_text(date, section, slug, position))
    return Written(
        _shown(settings, path),
        f"已写好元数据：这一期的第 {position} 篇（Edition_Position，1 是头条）。"
        "请填写 Title、Author、Summary，在元数据后空一行写正文；"
        + "、".join(OPTIONAL_KEYS)
        + " 可以空着（见 docs/editing.md）。填好后运行 invoke check。",
    )


# --- ledgers ----------------------------------------------------------------------------------


def new_ledger(settings: dict, village_code: str, month_text: str) -> Written:
    """The next month's ledger: the exact header, saved as Excel saves "CSV UTF-8" (BOM, CRLF)."""
    from plugins.village_disclosure.ledger_source import LEDGER_HEADER
    from plugins.village_disclosure.model import format_amount, next_month
    from plugins.village_disclosure.village_disclosure import read_village_data

    try:
        month = parse_month(month_text)
    except DateFormError as problem:
        raise Refused(f"月份{problem}") from None
    config, villages, _accounts, _active, errors = read_village_data(_content(settings), settings)
    if errors:  # a balance cannot be chained from files the build refuses
        raise Refused("\n".join(str(error) for error in sorted(set(errors))))
    village = next((village for village in villages if village.code == village_code), None)
    if village is None:
        known = "、".join(village.code for village in villages)
        raise Refused(
            f"村代码“{village_code}”不在 {config['VILLAGE_DISCLOSURE_VILLAGES']} 中；已登记的村：{known}"
            "（新村请先在这个文件里加一行）"
        )
    last = village.months[-1] if village.months else None
    expected = next_month(last.month) if last else village.opening_month
    path = os.path.join(
        _content(settings), config["VILLAGE_DISCLOSURE_FINANCE_PATH"], village.code, f"{month:%Y-%m}.csv"
    )
    if os.path.exists(path):
        raise Refused(f"{_shown(settings, path)} 已经存在；请直接编辑这个文件")
    if month != expected:
        done = f"已记到 {last.month:%Y-%m}" if last else f"从 {village.opening_month:%Y-%m} 开始记账"
        raise Refused(f"{village.full_name}{done}，下一个月应是 {expected:%Y-%m}；每月一个文件，不能跳过月份")
    opening = last.closing_balance if last else village.opening_balance
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "x", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle, lineterminator="\r\n").writerow(LEDGER_HEADER)
    source = f"{last.month:%Y-%m} 的期末余额" if last else f"{config['VILLAGE_DISCLOSURE_VILLAGES']} 的期初余额"
    return Written(
        _shown(settings, path),
        f"{village.full_name} {month:%Y-%m} 的期初余额是 {format_amount(opening)} 元，接 {source}"
        "（网站自动结转，表里不用写）。请每张凭证写一行：" + "、".join(LEDGER_HEADER) + "。",
    )


# --- power-list matters -----------------------------------------------------------------------


def new_matter(settings: dict, department_code: str) -> Written:
    """Append the next 序号 for the department to the power list, every other cell left to fill in.

    The file keeps its encoding and line ends (Excel's or WPS's), so its diff is the one new row.
    """
    from plugins.power_list.model import DEPARTMENTS_HEADER, HEADER
    from plugins.power_list.power_list import power_list_settings

    config = power_list_settings(settings)[0]
    content = _content(settings)
    departments, errors = read_csv_table(
        os.path.join(content, config["POWER_DEPARTMENTS_PATH"]),
        exact_header=DEPARTMENTS_HEADER,
        display_path=config["POWER_DEPARTMENTS_PATH"],
    )
    path = os.path.join(content, config["POWER_LIST_PATH"])
    items, found = read_csv_table(path, exact_header=HEADER, display_path=config["POWER_LIST_PATH"])
    errors += found
    if errors or departments is None or items is None:
        raise Refused("\n".join(str(error) for error in sorted(set(errors))))
    names = {row["代码"]: row["部门"] for row in departments.rows}
    if department_code not in names:
        raise Refused(
            f"部门代码“{department_code}”不在 {config['POWER_DEPARTMENTS_PATH']} 中；已登记的部门代码："
            + "、".join(names)
            + "（新部门请先在这个文件里加一行）"
        )
    number = max((whole_number(row["序号"]) or 0 for row in items.rows), default=0) + 1
    row = {column: "" for column in HEADER} | {"序号": str(number), "实施部门": names[department_code]}
    line = append_csv_row(path, [row[column] for column in HEADER])
    return Written(
        _shown(settings, path),
        f"已在第 {line} 行加了第 {number} 项（{names[department_code]}），其余各列是空的：请逐列填写"
        "（见 docs/editing.md）。填好之前，invoke check 会指出每一个空着的格子，网站不会发布这一项。",
    )


def append_csv_row(path: str, cells: list[str]) -> int:
    """Append one row in the file's own encoding and line ends; returns the line it starts on."""
    with open(path, "rb") as handle:
        data = handle.read()
    text, encoding = decode_text(data)
    newline = "\r\n" if "\r\n" in text else "\n"
    row = io.StringIO()
    csv.writer(row, lineterminator=newline).writerow(cells)
    addition = ("" if not text or text.endswith(("\n", "\r")) else newline) + row.getvalue()
    if encoding == "utf-16":  # no second byte-order mark in the middle of the file
        encoding = "utf-16-le" if data.startswith(b"\xff\xfe") else "utf-16-be"
    elif encoding == "utf-8-sig":
        encoding = "utf-8"
    with open(path, "ab") as handle:
        handle.write(addition.encode(encoding))
    return text.rstrip("\r\n").count("\n") + 2
