"""What the CSV registers (power list, problem list) share: row checks,
the fields of their filter form, and writing their downloads.

A register reads one CSV of rows, checks each row with small functions that yield DataError values,
builds a model only from a row with no problem (so a row is never shown half-right nor dropped
silently: its errors fail the build), and publishes the rows as CSV, JSON and a Frictionless data package.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from .csv_source import CsvRow, CsvTable
from .downloads import csv_bytes, json_bytes, write_derived
from .errors import DataError, collect_problems

CellError = Callable[[str, str, str], DataError]


def cell_error(table: CsvTable, row: CsvRow) -> CellError:
    """error(column, code, message) at this row's line and the column's place in the header."""

    def error(column: str, code: str, message: str) -> DataError:
        return DataError(table.path, row.line, table.column_number(column), code, message)

    return error


def empty_cells(row: CsvRow, columns: Iterable[str], error: CellError, thing: str) -> Iterator[DataError]:
    for column in columns:
        if not row[column]:
            yield error(column, "empty-cell", f"{column} 为空；每个{thing}都要填写{column}")


def unknown_value(
    row: CsvRow, error: CellError, column: str, known, code: str, message: Callable[[str], str]
) -> Iterator[DataError]:
    """A filled cell that is not one of `known` (an empty one is empty_cells' to report); message(value) says what is."""
    value = row[column]
    if value and value not in known:
        yield error(column, code, message(value))


def read_register_rows(
    table: CsvTable,
    check_row: Callable[[CsvRow, CellError], Iterable[DataError]],
    make_model: Callable[[CsvRow], object],
) -> tuple[list, list[DataError]]:
    """Models of the rows with no problem, and every problem of every row."""
    models, errors = [], []
    for row in table.rows:
        row_errors = list(check_row(row, cell_error(table, row)))
        errors.extend(row_errors)
        if not row_errors:
            models.append(make_model(row))
    return models, errors


def repeated_values(
    table: CsvTable,
    column: str,
    key: Callable[[CsvRow], object],
    message: Callable[[object, CsvRow, CsvRow], str],
    code: str,
) -> Iterator[DataError]:
    """A row whose key (None: not judged) repeats an earlier row's; message(key, earlier row, row)
    says so (a key may be a normalised form: the message can quote both rows as written)."""
    first_rows: dict = {}
    for row in table.rows:
        value = key(row)
        if value is None:
            continue
        earlier = first_rows.setdefault(value, row)
        if earlier is not row:
            yield DataError(table.path, row.line, table.column_number(column), code, message(value, earlier, row))


def publish_register(context: dict, name: str, read: tuple, fields_of: Callable, downloads_of: Callable) -> tuple:
    """A register as its plugin read it, `read` = (config, register or None, problems): the problems
    join every other plugin's (all reported before anything is written); a register read cleanly
    goes into the context under its name (power_list, problem_list) with what its templates read:
    its filter's fields_of(register), whether it is sample data, its downloads_of(config) and its URL
    setting (POWER_LIST_URL). Returns (config, register or None)."""
    config, register, problems = read
    collect_problems(context, problems)
    if register is not None:
        context.update(
            {
                name: register,
                f"{name}_filter": fields_of(register),
                f"{name}_sample_data": config["sample_data"],
                f"{name}_downloads": downloads_of(config),
                f"{name.upper()}_URL": config[f"{name.upper()}_URL"],
            }
        )
    return config, register


@dataclass(frozen=True)
class FilterField:
    """One select of a register's filter form (theme/templates/components/register_filter.html)."""

    name: str  # the query-string name and the rows' data-<name> attribute
    label: str
    all: str  # the first option, which filters nothing
    options: tuple[tuple[str, str], ...]  # (value, text)


def write_register_downloads(
    writer, output_path: str, register, saves: dict, csv_of: Callable, json_of: Callable, package_for: Callable
) -> None:
    """CSV, JSON and the data package made from the register alone (the incremental writer skips
    them when it did not change, and a generator group keeps them); the package's CSV path is
    written relative to the package itself.
    saves: {"csv", "json", "datapackage"} save-as paths; csv_of() gives (header, rows),
    json_of() the JSON document, package_for(csv_name) the data package."""
    write_derived(writer, output_path, saves["csv"], register, lambda: csv_bytes(*csv_of()))
    write_derived(writer, output_path, saves["json"], register, lambda: json_bytes(json_of()))
    csv_name = posixpath.relpath(saves["csv"], posixpath.dirname(saves["datapackage"]))
    write_derived(
        writer, output_path, saves["datapackage"], (register, csv_name), lambda: json_bytes(package_for(csv_name))
    )
