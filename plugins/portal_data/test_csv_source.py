"""CSV files as Excel and WPS actually write them."""

from __future__ import annotations

from plugins.portal_data.csv_source import read_csv_table

HEADER = ["日期", "凭证号", "摘要"]


def write(tmp_path, data: bytes, name="t.csv"):
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


def rows(table):
    return [(row.line, row.cells) for row in table.rows]


def test_utf8_bom_crlf_and_trailing_empty_rows(tmp_path):
    text = "日期,凭证号,摘要\r\n2020-01-03,1,买扫帚\r\n,,\r\n,,\r\n"
    table, errors = read_csv_table(write(tmp_path, b"\xef\xbb\xbf" + text.encode()), exact_header=HEADER)
    assert errors == []
    assert rows(table) == [(2, {"日期": "2020-01-03", "凭证号": "1", "摘要": "买扫帚"})]


def test_gbk_as_excel_saves_it_by_default(tmp_path):
    text = "日期,凭证号,摘要\r\n2020-01-03,1,香水村修路\r\n"
    table, errors = read_csv_table(write(tmp_path, text.encode("gbk")), exact_header=HEADER)
    assert errors == [] and table.rows[0]["摘要"] == "香水村修路"


def test_utf16_unicode_text_export(tmp_path):
    text = "日期,凭证号,摘要\r\n2020-01-03,1,华塘村\r\n"
    table, errors = read_csv_table(write(tmp_path, text.encode("utf-16")), exact_header=HEADER)
    assert errors == [] and table.rows[0]["摘要"] == "华塘村"


def test_line_numbers_count_multiline_cells(tmp_path):
    text = '日期,凭证号,摘要\n2020-01-03,1,"第一行\n第二行"\n2020-01-04,2,下一张\n'
    table, _ = read_csv_table(write(tmp_path, text.encode()), exact_header=HEADER)
    assert [row.line for row in table.rows] == [2, 4]


def test_wrong_header_names_the_column(tmp_path):
    path = write(tmp_path, "日期,编号,摘要\n".encode())
    table, errors = read_csv_table(path, exact_header=HEADER, display_path="f.csv")
    assert table is None
    assert [str(e) for e in errors] == ["f.csv:1:2: 表头第 2 列是“编号”，应为“凭证号”；完整表头应为：日期,凭证号,摘要"]


def test_missing_required_columns_are_all_reported(tmp_path):
    path = write(tmp_path, "代码,镇街\nx,y\n".encode())
    _, errors = read_csv_table(path, required_columns=["代码", "村社区", "期初余额"], display_path="v.csv")
    assert [(e.line, e.code) for e in errors] == [(1, "missing-column"), (1, "missing-column")]
    assert "“村社区”" in errors[0].message and "“期初余额”" in errors[1].message


def test_row_with_extra_cells_is_an_error_not_dropped(tmp_path):
    path = write(tmp_path, "日期,凭证号,摘要\n2020-01-03,1,修路,1,200.00\n".encode())
    table, errors = read_csv_table(path, exact_header=HEADER, display_path="f.csv")
    assert table.rows == []
    assert [(e.line, e.column, e.code) for e in errors] == [(2, 4, "extra-cells")]


def test_undecodable_bytes_name_the_line(tmp_path):
    path = write(tmp_path, "日期,凭证号,摘要\n".encode() + b"2020-01-03,1,\x81\x20\xff\n")
    table, errors = read_csv_table(path, exact_header=HEADER, display_path="f.csv")
    assert table is None
    assert [(e.line, e.code) for e in errors] == [(2, "bad-encoding")]


def test_empty_file_asks_for_the_header(tmp_path):
    _, errors = read_csv_table(write(tmp_path, b""), exact_header=HEADER, display_path="f.csv")
    assert [str(e) for e in errors] == ["f.csv:1:0: 文件第 1 行应为表头：日期,凭证号,摘要"]
