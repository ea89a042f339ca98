"""Read a CSV file the way Excel writes it, keeping each row's line number for error messages.

Editors export from Excel or WPS: UTF-8 with or without a BOM, GB18030/GBK, sometimes UTF-16,
CRLF line ends and trailing rows of empty cells. All of these are accepted; anything that cannot
be decoded or does not match the expected header becomes a positioned DataError.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from .errors import DataError
from .formulas import formula_start
from .formulas import shown as shown_character
from .positions import line_column


@dataclass(frozen=True)
class CsvRow:
    """One data row: `line` is the file's own line number where the row starts (header is line 1)."""

    line: int
    cells: dict[str, str]

    def __getitem__(self, name: str) -> str:
        return self.cells.get(name, "")


@dataclass
class CsvTable:
    path: str
    header: list[str]
    rows: list[CsvRow] = field(default_factory=list)

    def column_number(self, name: str) -> int:
        """1-based column of `name`, as an editor counts columns in Excel (0 if absent)."""
        try:
            return self.header.index(name) + 1
        except ValueError:
            return 0


def decode_text(data: bytes) -> tuple[str, str]:
    """Return (text, encoding name). Raises UnicodeDecodeError when no accepted encoding fits."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "utf-16"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as utf8_error:
        try:
            return data.decode("gb18030"), "gb18030"
        except UnicodeDecodeError:
            # Neither fits; the first byte that is not UTF-8 is where an editor should look.
            raise utf8_error from None


def read_csv_table(
    path: str,
    *,
    exact_header: list[str] | None = None,
    required_columns: list[str] | None = None,
    display_path: str | None = None,
    data: bytes | None = None,
    extra_cells_hint: str = "多出的内容可能是金额里的逗号没有加引号",
) -> tuple[CsvTable | None, list[DataError]]:
    """Parse `path` into a CsvTable, or return the errors that stop it from being read.

    `exact_header` demands the header row cell for cell (data contracts that promise a layout);
    `required_columns` only demands that the named columns exist somewhere (found by name).
    Row-level problems (wrong cell count) are returned alongside the table, so a caller can
    report them with its own checks in one go. `data` is the file's bytes when the caller has
    already read them (to digest them for a cache), so the result is of exactly those bytes.
    `extra_cells_hint` says what most often puts more cells in a row than the header has.
    """
    shown = display_path or path
    if data is None:
        with open(path, "rb") as handle:
            data = handle.read()
    try:
        text, _encoding = decode_text(data)
    except UnicodeDecodeError as exc:
        return None, [
            DataError(
                shown,
                line_column(data, exc.start)[0],
                0,
                "bad-encoding",
                "文件编码无法识别；请在 Excel 中另存为“CSV UTF-8（逗号分隔）”或 GB18030/GBK 编码的 CSV",
            )
        ]
    text = text.lstrip("\ufeff")
    reader = csv.reader(io.StringIO(text, newline=""))
    records: list[tuple[int, list[str]]] = []
    next_line = 1
    try:
        for cells in reader:
            records.append((next_line, cells))
            next_line = reader.line_num + 1
    except csv.Error as exc:
        return None, [DataError(shown, reader.line_num, 0, "bad-csv", f"CSV 格式错误（{exc}）；请检查引号是否成对")]

    records = [(line, cells) for line, cells in records if any(cell.strip() for cell in cells)]
    if not records or records[0][0] != 1:
        return None, [DataError(shown, 1, 0, "missing-header", _header_expectation(exact_header, required_columns))]

    header = [cell.strip() for cell in records[0][1]]
    while header and header[-1] == "":
        header.pop()  # Excel leaves empty trailing header cells after deleted columns
    errors = _header_errors(shown, header, exact_header, required_columns)
    if errors:
        return None, errors

    table = CsvTable(path=shown, header=header)
    for line, cells in records[1:]:
        while len(cells) > len(header) and cells[-1].strip() == "":
            cells = cells[:-1]
        if len(cells) > len(header):
            errors.append(
                DataError(
                    shown,
                    line,
                    len(header) + 1,
                    "extra-cells",
                    f"这一行有 {len(cells)} 个单元格，表头只有 {len(header)} 列；{extra_cells_hint}",
                )
            )
            continue
        cells = cells + [""] * (len(header) - len(cells))
        errors += formula_errors(shown, line, header, cells)
        table.rows.append(CsvRow(line, {name: value.strip() for name, value in zip(header, cells)}))
    return table, errors


def formula_errors(shown: str, line: int, header: list[str], cells: list[str]) -> list[DataError]:
    """A cell a spreadsheet would run as a formula, in any editor's CSV (see formulas.py)."""
    errors = []
    for number, (name, cell) in enumerate(zip(header, cells), 1):
        start = formula_start(cell) or formula_start(cell.strip())
        if start is not None:
            errors.append(
                DataError(
                    shown,
                    line,
                    number,
                    "formula-cell",
                    f"“{name}”列以{shown_character(start)}开头，表格软件会把它当作公式执行；"
                    "公示数据里不能有公式，请删去开头的这个字符或改写这段文字",
                )
            )
    return errors


def _header_expectation(exact_header, required_columns) -> str:
    if exact_header:
        return "文件第 1 行应为表头：" + ",".join(exact_header)
    return "文件第 1 行应为表头，至少包含这些列：" + "、".join(required_columns or [])


def _header_errors(shown, header, exact_header, required_columns) -> list[DataError]:
    if exact_header is not None and header != exact_header:
        column = next(
            (i + 1 for i, (got, want) in enumerate(zip(header, exact_header)) if got != want),
            min(len(header), len(exact_header)) + 1,
        )
        got = header[column - 1] if column <= len(header) else "（空）"
        want = exact_header[column - 1] if column <= len(exact_header) else "（不应再有列）"
        return [
            DataError(
                shown,
                1,
                column,
                "bad-header",
                f"表头第 {column} 列是“{got}”，应为“{want}”；完整表头应为：" + ",".join(exact_header),
            )
        ]
    errors = []
    for name in required_columns or []:
        if name not in header:
            errors.append(
                DataError(
                    shown, 1, 0, "missing-column", f"表头缺少“{name}”列；需要的列：" + "、".join(required_columns)
                )
            )
    return errors
