"""Read content/disclosures/registers.toml: whether each register (村务公开, 权力清单, 问题清单) holds sample data.

The data says it, not the templates: a register declared `sample_data = true` carries the 示例数据 notice on
every page, in its downloads and data package, and shows its supervision numbers as text that cannot be
tapped; `false` (the city's real rows) removes every notice and makes the numbers call links. A register
the file does not mention, or a site without the file, is sample data: a notice too many is the safe mistake.
"""

from __future__ import annotations

import os

from .errors import DataError
from .positions import toml_header_line, toml_key_position
from .toml_source import parse_toml

REGISTERS_PATH = "disclosures/registers.toml"  # beside the registers' CSV files; the setting REGISTERS_PATH
REGISTERS = {"village_disclosure": "村务公开", "power_list": "权力清单", "problem_list": "问题清单"}
KEYS = ("sample_data",)
ALLOWED_VALUE = "true（示例数据）或 false（真实数据），不加引号"


def registers_path(settings) -> str:
    return settings.get("REGISTERS_PATH", REGISTERS_PATH)


def read_sample_data(content_path: str, settings, register: str) -> tuple[bool, list[DataError]]:
    """(is `register` sample data, every problem in the file); each register's reader reports the same
    problems, and the build shows each once."""
    shown = registers_path(settings)
    path = os.path.join(content_path, shown)
    if not os.path.isfile(path):
        return True, []
    try:
        with open(path, encoding="utf-8-sig") as handle:
            text = handle.read()
    except UnicodeDecodeError:
        return True, [DataError(shown, 1, 0, "bad-encoding", "清单说明文件应以 UTF-8 编码保存")]
    declared, errors = parse_registers(text, shown)
    return declared.get(register, True), errors


def parse_registers(text: str, shown: str) -> tuple[dict[str, bool], list[DataError]]:
    document, errors = parse_toml(
        text, shown, "bad-toml", "文件格式有误（{problem}）；请检查引号、等号和方括号是否成对"
    )
    if document is None:
        return {}, errors
    known = "、".join(f"[{name}]（{label}）" for name, label in REGISTERS.items())
    declared = {}
    for name, table in document.items():
        line = toml_header_line(text, name)
        if name not in REGISTERS or not isinstance(table, dict):
            errors.append(DataError(shown, line or 1, 0, "unknown-register", f"不认识的清单“{name}”；可写：{known}"))
            continue
        for key in table:
            if key not in KEYS:
                errors.append(
                    DataError(
                        shown,
                        *toml_key_position(text, line, key),
                        "unknown-key",
                        f"不认识的设置“{key}”；[{name}] 只写 sample_data = {ALLOWED_VALUE}",
                    )
                )
        value = table.get("sample_data", True)
        if isinstance(value, bool):
            declared[name] = value
        else:
            errors.append(
                DataError(
                    shown,
                    *toml_key_position(text, line, "sample_data"),
                    "bad-sample-data",
                    f"[{name}] 的 sample_data 写的是“{value}”；应写 {ALLOWED_VALUE}",
                )
            )
    return declared, errors
