"""The power list (权力清单) as typed models: departments, power types and matters, checked row by row.

Pure functions only (no Pelican): they take parsed CSV tables and return models plus every
positioned problem, so tests can feed them a fixture file and assert the exact messages.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from plugins.portal_data import DataError
from plugins.portal_data.codes import code_problem, is_code
from plugins.portal_data.csv_source import CsvTable

HEADER = [
    "序号",
    "实施部门",
    "事项名称",
    "事项类别",
    "设定依据",
    "办理条件",
    "申请材料",
    "办理流程",
    "法定时限",
    "承诺时限",
    "收费标准",
    "办理方式",
    "责任事项",
    "监督电话",
    "更新日期",
]
DEPARTMENTS_HEADER = ["部门", "代码"]
POWER_TYPES_HEADER = ["类别", "说明"]

CHANNELS = ("窗口", "网上", "微信群代办")
CHANNEL_SEPARATOR = "、"
# Lists inside one cell (materials, steps, legal bases, duties): a full-width semicolon, or a
# line break typed with Alt+Enter in Excel.
LIST_SEPARATORS = re.compile(r"[；\n]+")
# A landline as "area code-number": 0731-23000001. Mobile numbers are not accepted on purpose:
# a supervision line must belong to the office, not to a person.
PHONE_PATTERN = re.compile(r"^0\d{2,3}-[2-9]\d{6,7}$")
CHANNEL_PLAIN = {
    "窗口": "到政务服务中心或者部门办事窗口办理",
    "网上": "在网上办理（湖南政务服务网或者部门的手机应用）",
    "微信群代办": "在本村（社区）的监督与服务微信群里说明需求，由网格员代办",
}


@dataclass(frozen=True)
class PowerType:
    name: str
    description: str


@dataclass
class Department:
    name: str
    code: str
    url: str = ""
    save_as: str = ""
    items: list = field(default_factory=list)

    @property
    def item_count(self) -> int:
        return len(self.items)


@dataclass
class PowerItem:
    number: int
    department: Department
    name: str
    category: str
    legal_basis: list[str]
    conditions: str
    materials: list[str]
    steps: list[str]
    legal_days: int
    promised_days: int
    fee: str
    channels: list[str]
    duties: list[str]
    phone: str
    updated: dt.date
    line: int
    cells: dict[str, str]
    url: str = ""
    save_as: str = ""

    @property
    def phone_href(self) -> str:
        return "tel:" + self.phone.replace("-", "")

    @property
    def promised_text(self) -> str:
        return days_text(self.promised_days)

    @property
    def legal_text(self) -> str:
        return days_text(self.legal_days)

    @property
    def channels_text(self) -> str:
        return CHANNEL_SEPARATOR.join(self.channels)

    @property
    def how_to_apply(self) -> list[str]:
        """The plain-language steps a resident follows, from the row's own fields."""
        ways = "；".join(CHANNEL_PLAIN[channel] for channel in self.channels)
        materials = "、".join(self.materials)
        limit = "当场办结" if self.promised_days == 0 else f"承诺在 {self.promised_days} 个工作日内办结"
        return [
            f"看看自己是否符合条件：{self.conditions}。",
            f"准备材料（共 {len(self.materials)} 项）：{materials}。",
            f"选择办理方式：{ways}。",
            *[f"{step}。" for step in self.steps],
            f"{self.department.name}{limit}（法律规定的时限是 {self.legal_text}）；收费：{self.fee}。",
            f"有疑问、办理超时或者对结果不满意，请拨打监督电话 {self.phone}。",
        ]


def days_text(days: int) -> str:
    return "当场办结" if days == 0 else f"{days} 个工作日"


@dataclass
class PowerList:
    items: list[PowerItem]
    departments: list[Department]  # only those with matters, in the departments file's order
    power_types: list[PowerType]

    @property
    def item_count(self) -> int:
        return len(self.items)

    @property
    def department_count(self) -> int:
        return len(self.departments)

    @property
    def headline(self) -> str:
        return f"{self.department_count} 个部门 {self.item_count} 项"

    @property
    def updated(self) -> dt.date | None:
        return max((item.updated for item in self.items), default=None)

    @property
    def categories_in_use(self) -> list[str]:
        used = {item.category for item in self.items}
        return [power_type.name for power_type in self.power_types if power_type.name in used]

    @property
    def channels_in_use(self) -> list[str]:
        return [channel for channel in CHANNELS if self.count_by_channel(channel)]

    def count_by_channel(self, channel: str) -> int:
        return sum(channel in item.channels for item in self.items)


def split_list(text: str) -> list[str]:
    return [part.strip() for part in LIST_SEPARATORS.split(text) if part.strip()]


def read_power_types(table: CsvTable) -> tuple[list[PowerType], list[DataError]]:
    types, errors, seen = [], [], {}
    for row in table.rows:
        name = row["类别"]
        if not name:
            errors.append(DataError(table.path, row.line, 1, "empty-cell", "类别 为空；每一行都要写类别名称"))
        elif name in seen:
            errors.append(DataError(table.path, row.line, 1, "duplicate-type", f"类别“{name}”与第 {seen[name]} 行重复"))
        else:
            seen[name] = row.line
            types.append(PowerType(name, row["说明"]))
    return types, errors


def read_departments(table: CsvTable) -> tuple[list[Department], list[DataError]]:
    """A department with a bad code is still returned (with its errors): its matters then name
    a known department, so the editor sees one problem, not one per matter."""
    departments, errors, names, codes = [], [], {}, {}
    for row in table.rows:
        name, code = row["部门"], row["代码"]
        if not name:
            errors.append(DataError(table.path, row.line, 1, "empty-cell", "部门 为空；每一行都要写部门全称"))
            continue
        if name in names:
            errors.append(
                DataError(table.path, row.line, 1, "duplicate-department", f"部门“{name}”与第 {names[name]} 行重复")
            )
            continue
        if not is_code(code):
            errors.append(DataError(table.path, row.line, 2, "bad-code", f"代码{code_problem(code, 'minzheng')}"))
        elif code in codes:
            errors.append(
                DataError(
                    table.path,
                    row.line,
                    2,
                    "duplicate-code",
                    f"代码“{code}”与第 {codes[code]} 行重复；每个部门的代码应不同",
                )
            )
        names[name] = row.line
        codes.setdefault(code, row.line)
        departments.append(Department(name, code))
    return departments, errors
