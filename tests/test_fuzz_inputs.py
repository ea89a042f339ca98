"""Property-based fuzzing of what editors hand us: CSV bytes in any encoding and shape, and any
Markdown front matter. Neither may ever crash; they parse or return the documented DataErrors."""

from __future__ import annotations

import csv
import io
import tempfile
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from plugins.content_checks.checks import Source, check_duplicate_titles, check_file, check_unique_slugs
from plugins.personal_data_guard.detectors import find_personal_data
from plugins.portal_data import DataError
from plugins.portal_data.csv_source import CsvTable, read_csv_table
from plugins.safe_html.sanitise import refused_html

# Every code read_csv_table documents; a cell starting with = + - @ is refused before a spreadsheet runs it.
CSV_CODES = {"bad-encoding", "bad-csv", "missing-header", "bad-header", "missing-column", "extra-cells", "formula-cell"}
CHECK_CODES = {"missing-field", "bad-date", "bad-slug", "summary-too-long", "duplicate-slug", "duplicate-title"}
SHANGHAI = ZoneInfo("Asia/Shanghai")
FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

cell_text = st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=12)
rows = st.lists(
    st.lists(
        st.one_of(cell_text, st.sampled_from(["", " ", '"', "1,200.00", "香水村", "\r\n", "\x00"])),
        min_size=0,
        max_size=6,
    ),
    max_size=8,
)
encodings = st.sampled_from(["utf-8", "utf-8-sig", "gb18030", "gbk", "utf-16", "utf-16-le", "latin-1"])


def read_bytes(data: bytes, **kwargs):
    with tempfile.NamedTemporaryFile(suffix=".csv") as handle:
        handle.write(data)
        handle.flush()
        return read_csv_table(handle.name, display_path="f.csv", **kwargs)


def assert_documented(table, errors, codes):
    assert table is None or isinstance(table, CsvTable)
    assert all(isinstance(e, DataError) and e.code in codes and e.path == "f.csv" and e.line >= 0 for e in errors)
    if table is None:
        assert errors, "a file that was not read must say why"


@FUZZ
@given(st.binary(max_size=400))
def test_arbitrary_bytes_never_crash(data):
    assert_documented(*read_bytes(data), CSV_CODES)
    assert_documented(*read_bytes(data, exact_header=["日期", "凭证号"]), CSV_CODES)


@FUZZ
@given(
    rows,
    encodings,
    st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL, csv.QUOTE_NONNUMERIC]),
    st.sampled_from(["\r\n", "\n", "\r"]),
    st.sampled_from(["", "\xef\xbb\xbf"]),
)
def test_any_row_shape_in_any_encoding_parses_or_reports(table_rows, encoding, quoting, newline, bom):
    buffer = io.StringIO(newline="")
    csv.writer(buffer, quoting=quoting, lineterminator=newline).writerows(table_rows)
    try:
        data = buffer.getvalue().encode(encoding)
    except UnicodeEncodeError:
        data = buffer.getvalue().encode("utf-8", errors="replace")
    table, errors = read_bytes(bom.encode("latin-1") + data, required_columns=["日期"])
    assert_documented(table, errors, CSV_CODES)
    if table is not None:
        # No row is dropped silently: each data row became a row or an error.
        assert all(row.line >= 2 for row in table.rows)


@FUZZ
@given(st.text(max_size=600))
def test_arbitrary_markdown_never_crashes_the_checks(text):
    sources = [Source.parse("news/x.md", "article", text), Source.parse("pages/y.md", "page", text)]
    errors = [e for source in sources for e in check_file(source, SHANGHAI)]
    errors += list(check_unique_slugs(sources)) + list(check_duplicate_titles(sources * 2, SHANGHAI))
    assert all(isinstance(e, DataError) and e.code in CHECK_CODES and e.line >= 1 for e in errors)
    list(refused_html("news/x.md", text))
    find_personal_data(text)


front_matter_lines = st.lists(
    st.tuples(
        st.sampled_from(["Title", "Date", "Category", "Slug", "Author", "Summary", "Edition", "Edition_Position", "x"]),
        st.one_of(
            st.text(max_size=40),
            st.from_regex(r"\d{4}-\d{1,2}-\d{1,2}( \d{1,2}:\d{2})?( [+-]\d{2}:?\d{2})?", fullmatch=True),
        ),
    ),
    max_size=10,
)


@FUZZ
@given(front_matter_lines, st.text(max_size=100))
def test_front_matter_shaped_text_reports_positions_inside_the_file(lines, body):
    text = "\n".join(f"{key}: {value}" for key, value in lines) + "\n\n" + body
    source = Source.parse("news/x.md", "article", text)
    line_count = text.count("\n") + 1
    for error in check_file(source, SHANGHAI):
        assert 1 <= error.line <= line_count + 1 and error.column >= 1
