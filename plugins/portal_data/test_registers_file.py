"""registers.toml: each register's sample-data flag, and every wrong value named with its place, in Chinese."""

from __future__ import annotations

import pytest

from plugins.portal_data.registers_file import parse_registers, read_sample_data

GOOD = "[village_disclosure]\nsample_data = true\n\n[power_list]\nsample_data = false\n"


def test_each_register_reads_its_own_flag_and_an_unnamed_one_is_sample_data():
    assert parse_registers(GOOD, "disclosures/registers.toml") == (
        {"village_disclosure": True, "power_list": False},
        [],
    )


def test_a_site_without_the_file_is_sample_data(tmp_path):
    assert read_sample_data(str(tmp_path), {}, "power_list") == (True, [])


def test_the_file_is_found_beside_the_csv_files_or_where_the_setting_says(tmp_path):
    (tmp_path / "disclosures").mkdir()
    (tmp_path / "disclosures" / "registers.toml").write_text(GOOD, encoding="utf-8-sig")  # as Notepad saves it
    assert read_sample_data(str(tmp_path), {}, "power_list") == (False, [])
    (tmp_path / "other.toml").write_text("[power_list]\nsample_data = true\n", encoding="utf-8")
    assert read_sample_data(str(tmp_path), {"REGISTERS_PATH": "other.toml"}, "power_list") == (True, [])


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            '[power_list]\nsample_data = "否"\n',
            (
                2,
                15,
                "bad-sample-data",
                "[power_list] 的 sample_data 写的是“否”；应写 true（示例数据）或 false（真实数据），不加引号",
            ),
        ),
        (
            "# 说明\n[problem_list]  # 问题清单\nsample_data = 0\n",
            (
                3,
                15,
                "bad-sample-data",
                "[problem_list] 的 sample_data 写的是“0”；应写 true（示例数据）或 false（真实数据），不加引号",
            ),
        ),
        (
            "[power_list]\nsample_data = true\n[ledgers]\nsample_data = false\n",
            (
                3,
                0,
                "unknown-register",
                "不认识的清单“ledgers”；可写：[village_disclosure]（村务公开）、[power_list]（权力清单）、[problem_list]（问题清单）",
            ),
        ),
        (
            "[power_list]\nsample_data = true\nsample = false\n",
            (
                3,
                10,
                "unknown-key",
                "不认识的设置“sample”；[power_list] 只写 sample_data = true（示例数据）或 false（真实数据），不加引号",
            ),
        ),
        (
            "[power_list]\nsample_data = tru\n",
            (
                2,
                15,
                "bad-toml",
                "文件格式有误（Invalid value (at line 2, column 15)）；请检查引号、等号和方括号是否成对",
            ),
        ),
    ],
)
def test_a_wrong_value_is_named_with_its_line_column_and_what_is_allowed(text, expected):
    declared, errors = parse_registers(text, "disclosures/registers.toml")
    assert [(e.path, e.line, e.column, e.code, e.message) for e in errors] == [
        ("disclosures/registers.toml", *expected)
    ]
