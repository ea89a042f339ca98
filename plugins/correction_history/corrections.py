"""Turn a file's committed changes into the 更正记录 residents read: when, why, and which cells changed.

Pure functions: they take a FileHistory (git_log.py), the blob contents and a function that
reads a version's rows, and return frozen models that templates present and the JSON download
lists. Rows are matched by a key column (a ledger's 凭证号, a matter's 序号), so a reordered
file shows no change and an edited cell shows as 原值 → 新值.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass

from plugins.personal_data_guard.detectors import find_personal_data, mask
from plugins.portal_data.csv_source import decode_text

BEIJING = zoneinfo.ZoneInfo("Asia/Shanghai")
# What web editors and upload pages write when the editor gives no reason of their own.
_DEFAULT_MESSAGE = re.compile(
    r"(?:update|create|add|edit|delete|rename|upload)(?:\s+\S+)?"
    r"|(?:修改|更新|上传|删除|更正)\s*(?:\S+\.csv)?"
    r"|add files via upload|update files?|initial commit|wip|fix|[.\s]*",
    re.IGNORECASE,
)
MISSING_REASON = "未填写"

Rows = list[dict[str, str]]


@dataclass(frozen=True)
class FieldChange:
    name: str
    old: str
    new: str


@dataclass(frozen=True)
class RowChange:
    """One row added, removed or changed; `cells` are the whole row (added/removed), `fields` the changed cells."""

    kind: str  # "added", "removed" or "changed"
    key: str
    cells: tuple[tuple[str, str], ...] = ()
    fields: tuple[FieldChange, ...] = ()

    @property
    def kind_label(self) -> str:
        return {"added": "新增", "removed": "删除", "changed": "修改"}[self.kind]


@dataclass(frozen=True)
class Correction:
    """One commit's correction of a published file."""

    time: dt.datetime  # Beijing time
    commit: str
    reason: str  # the commit message; "" when it gives no reason
    renamed_from: str | None
    rows: tuple[RowChange, ...]

    @property
    def time_text(self) -> str:
        return f"{self.time:%Y-%m-%d %H:%M}"

    @property
    def reason_missing(self) -> bool:
        return not self.reason


@dataclass(frozen=True)
class CorrectionHistory:
    """What a page shows under 更正记录; `recorded` is False when the file has no committed history yet."""

    recorded: bool
    first_published: dt.datetime | None = None  # Beijing time
    corrections: tuple[Correction, ...] = ()

    @property
    def first_published_text(self) -> str:
        return f"{self.first_published:%Y-%m-%d %H:%M}" if self.first_published else ""


NOT_RECORDED = CorrectionHistory(False)


def csv_rows(data: bytes) -> Rows:
    """A committed version of an editor's CSV as {header: cell} rows, read leniently: only to compare
    versions, never to check them (the build checks the current file). Unreadable: no rows."""
    try:
        text, _encoding = decode_text(data)
        records = [cells for cells in csv.reader(io.StringIO(text.lstrip("\ufeff"), newline="")) if any(cells)]
    except (UnicodeDecodeError, csv.Error):
        return []
    if not records:
        return []
    header = [cell.strip() for cell in records[0]]
    return [{name: cell.strip() for name, cell in zip(header, cells) if name} for cells in records[1:]]


def masked(text: str) -> str:
    """`text` with ID, mobile and bank card numbers and plates masked (personal_data_guard's rules).

    A correction often removes exactly such a number published by mistake: the record of that
    correction must not publish it again."""
    for finding in reversed(find_personal_data(text)):
        text = text[: finding.start] + mask(finding.value) + text[finding.start + len(finding.value) :]
    return text


def stated_reason(message: str) -> str:
    """The commit message as a 更正说明, or "" when it says nothing (empty, or a web editor's default)."""
    text = message.strip()
    subject, _, body = text.partition("\n")
    if not body.strip() and _DEFAULT_MESSAGE.fullmatch(subject.strip()):
        return ""
    return masked(text)


def row_changes(old: Rows, new: Rows, key_column: str, shown: Callable[[str, str], str]) -> list[RowChange]:
    """Rows removed, changed and added between two versions, matched by `key_column`, in file order.

    `shown(column, text)` formats a cell as the page shows it (amounts with thousands separators);
    every value is then masked, old ones especially.
    """

    def cell(name, text):
        return masked(shown(name, text))

    def keyed(rows: Rows) -> dict[str, dict[str, str]]:
        found: dict[str, dict[str, str]] = {}
        for row in rows:
            key, copy = row.get(key_column, ""), 2
            while key in found:  # a duplicated key (an error in that version) still shows both rows
                key, copy = f"{row.get(key_column, '')}（{copy}）", copy + 1
            found[key] = row
        return found

    before, after = keyed(old), keyed(new)

    def cells(row):  # the key is already the row's name
        return tuple((name, cell(name, text)) for name, text in row.items() if name != key_column)

    changes = [RowChange("removed", key, cells(row)) for key, row in before.items() if key not in after]
    for key, row in after.items():
        if key not in before:
            changes.append(RowChange("added", key, cells(row)))
            continue
        fields = tuple(
            FieldChange(name, cell(name, before[key].get(name, "")), cell(name, text))
            for name, text in row.items()
            if shown(name, before[key].get(name, "")) != shown(name, text)  # compared unmasked
        )
        if fields:
            changes.append(RowChange("changed", key, fields=fields))
    return changes


def correction_history(
    history,
    blobs: dict[str, bytes],
    read_rows: Callable[[bytes], Rows],
    key_column: str,
    shown: Callable[[str, str], str],
) -> CorrectionHistory:
    """The 更正记录 of one file; `history` is its FileHistory, or None when it has none yet."""
    if history is None:
        return NOT_RECORDED
    corrections = []
    for change in history.corrections:
        old = read_rows(blobs[change.old_blob]) if change.old_blob in blobs else []
        new = read_rows(blobs[change.new_blob]) if change.new_blob in blobs else []
        rows = row_changes(old, new, key_column, shown)
        if rows or change.old_path:
            corrections.append(
                Correction(
                    change.time.astimezone(BEIJING),
                    change.commit,
                    stated_reason(change.message),
                    change.old_path,
                    tuple(rows),
                )
            )
    return CorrectionHistory(True, history.first_published.astimezone(BEIJING), tuple(corrections))


def keyed_histories(file_history: CorrectionHistory, keys) -> dict[str, CorrectionHistory]:
    """One file's history split by row key (a power-list matter's 序号): the corrections that touched it.

    A row added by a later commit was first published then; that addition is not its correction.
    """
    split = {}
    for key in keys:
        first, corrections = file_history.first_published, []
        for correction in file_history.corrections:
            mine = tuple(row for row in correction.rows if row.key == key)
            if any(row.kind == "added" for row in mine) and not corrections:
                first = correction.time
                continue
            if mine:
                corrections.append(Correction(correction.time, correction.commit, correction.reason, None, mine))
        split[key] = CorrectionHistory(file_history.recorded, first, tuple(corrections))
    return split


def history_document(history: CorrectionHistory, source: str) -> dict:
    """The JSON download beside a page's CSV: the same facts as the page, in Chinese field names."""
    return {
        "文件": source,
        "已记录": history.recorded,
        "首次公开": history.first_published.isoformat() if history.first_published else None,
        "更正": [
            {
                "时间": correction.time.isoformat(),
                "提交": correction.commit,
                "更正说明": correction.reason or MISSING_REASON,
                "改名自": correction.renamed_from,
                "变动": [
                    {
                        "类型": row.kind_label,
                        "行": row.key,
                        **({"内容": dict(row.cells)} if row.cells else {}),
                        **(
                            {"字段": [{"名称": f.name, "原值": f.old, "新值": f.new} for f in row.fields]}
                            if row.fields
                            else {}
                        ),
                    }
                    for row in correction.rows
                ],
            }
            for correction in history.corrections
        ],
    }
