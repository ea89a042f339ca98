"""The one code rule (slugs and codes in web addresses), positions in a file, front matter, whole numbers."""

from __future__ import annotations

import pytest

from plugins.portal_data.codes import code_problem, is_code
from plugins.portal_data.front_matter import parse_front_matter, value_position
from plugins.portal_data.positions import line_column, toml_error_position


@pytest.mark.parametrize("text", ["giant-apple-melon", "xiangshui", "minzheng", "2020-flood", "a1"])
def test_codes(text):
    assert is_code(text) and code_problem(text, "xiangshui") == ""


@pytest.mark.parametrize(
    "text, corrected",
    [
        ("Giant-Apple-Melon", "giant-apple-melon"),
        ("giant_apple melon", "giant-apple-melon"),
        ("-xiangshui-", "xiangshui"),
        ("min--zheng", "min-zheng"),
        ("ｘｉａｎｇｓｈｕｉ", "xiangshui"),
    ],
)
def test_a_code_in_another_form_is_refused_with_the_corrected_form(text, corrected):
    assert (
        code_problem(text, "xiangshui") == f"“{text}”不能用作网址；应写成 {corrected}（只用小写英文字母、数字和连字符）"
    )


@pytest.mark.parametrize("text", ["香水村", "", "---", "渌江书院"])
def test_a_code_that_cannot_be_guessed_shows_an_example(text):
    assert code_problem(text, "xiangshui") == f"“{text}”不能用作网址；只能用小写英文字母、数字和连字符（例：xiangshui）"


def test_line_and_column_count_from_one_in_text_and_bytes():
    text = "第一行\n第二行 x"
    assert line_column(text, 0) == (1, 1)
    assert line_column(text, text.index("x")) == (2, 5)
    assert line_column(text.encode("utf-8"), 13) == (2, 4)  # bytes: the column counts bytes


def test_toml_error_position():
    import tomllib

    with pytest.raises(tomllib.TOMLDecodeError) as raised:
        tomllib.loads('a = 1\nb = "unclosed\n')
    assert toml_error_position(raised.value) == (2, 14)  # tomllib points where the string should end
    assert toml_error_position(ValueError("no position")) == (1, 0)


def test_front_matter_fields_have_positions(tmp_path):
    fields, end = parse_front_matter("Title: 一\nSummary: 第一行\n    第二行\n\n正文\nCategory: 不是元数据\n")
    assert fields["summary"].value == "第一行\n第二行" and (fields["title"].line, fields["title"].column) == (1, 8)
    assert end == 4 and "category" not in fields
    path = tmp_path / "a.md"
    path.write_text("Title: 一\nCategory:  社会\n\n正文\n", encoding="utf-8")
    assert value_position(str(path), "Category") == (2, 12)
    assert value_position(str(path), "slug") is None and value_position(str(tmp_path / "none.md"), "title") is None


def test_whole_numbers_are_ascii_digits_only():
    from plugins.portal_data.numbers import whole_number

    assert whole_number(" 12 ") == 12 and whole_number("0") == 0
    assert [whole_number(text) for text in ("²", "１２", "-1", "+1", "1.0", "")] == [None] * 6
