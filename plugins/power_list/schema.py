"""The power list's downloads: CSV and JSON of every matter, and a Frictionless data package describing them.

The CSV repeats the editors' file cell for cell (so a download can be edited and committed back);
the JSON gives the same cells with numbers as numbers and adds each matter's department code and page.
"""

from __future__ import annotations

from .model import CHANNEL_SEPARATOR, CHANNELS, HEADER, PHONE_PATTERN, PowerList

INTEGER_COLUMNS = ("序号", "法定时限", "承诺时限")
DESCRIPTIONS = {
    "序号": "事项编号，全表唯一",
    "实施部门": "实施该事项的市直部门全称",
    "事项类别": "十类行政权力之一（中办发〔2015〕21号）",
    "设定依据": "法律、法规、规章及条款；多项之间用全角分号“；”分隔",
    "申请材料": "多项之间用全角分号“；”分隔",
    "办理流程": "按先后顺序，各步之间用全角分号“；”分隔",
    "法定时限": "法律规定的办理时限，单位：工作日",
    "承诺时限": "部门承诺的办理时限，单位：工作日，0 表示当场办结；不超过法定时限",
    "办理方式": f"{'、'.join(CHANNELS)} 中的一个或几个，用“{CHANNEL_SEPARATOR}”分隔",
    "责任事项": "多项之间用全角分号“；”分隔",
    "监督电话": "固定电话，区号-号码",
    "更新日期": "该事项信息最后核对的日期",
}


def csv_rows(power_list: PowerList) -> list[list[str]]:
    return [[item.cells[column] for column in HEADER] for item in power_list.items]


def json_document(power_list: PowerList, sample_data: bool, site_url: str = "") -> dict:
    items = []
    for item in power_list.items:
        record = {
            column: (int(item.cells[column]) if column in INTEGER_COLUMNS else item.cells[column]) for column in HEADER
        }
        record["部门代码"] = item.department.code
        record["网址"] = f"{site_url}/{item.url}" if site_url else item.url
        items.append(record)
    return {
        "title": "醴陵市市直部门权力清单",
        "sample_data": sample_data,
        "department_count": power_list.department_count,
        "item_count": power_list.item_count,
        "updated": power_list.updated.isoformat() if power_list.updated else None,
        "items": items,
    }


def table_schema(power_types: list[str]) -> dict:
    fields = []
    for column in HEADER:
        spec = {"name": column, "type": "string", "constraints": {"required": True}}
        if column in INTEGER_COLUMNS:
            spec["type"] = "integer"
            spec["constraints"]["minimum"] = 1 if column == "序号" else 0
        elif column == "事项类别":
            spec["constraints"]["enum"] = list(power_types)
        elif column == "监督电话":
            spec["constraints"]["pattern"] = PHONE_PATTERN.pattern.strip("^$")
        elif column == "更新日期":
            spec["type"] = "date"
        if column in DESCRIPTIONS:
            spec["description"] = DESCRIPTIONS[column]
        fields.append(spec)
    return {"fields": fields, "primaryKey": ["序号"], "missingValues": [""]}


def data_package(power_types: list[str], csv_name: str, sample_data: bool) -> dict:
    package = {
        "name": "liling-power-list",
        "title": "醴陵市市直部门权力清单" + ("（示例数据）" if sample_data else ""),
        "resources": [
            {
                "name": "power-list",
                "path": csv_name,
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "schema": table_schema(power_types),
            }
        ],
    }
    if sample_data:
        package["description"] = "示例数据，不是醴陵市的真实数据；监督电话均为虚构号码。"
    return package
