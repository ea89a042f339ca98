"""The published forms of a ledger: download rows, the JSON document, and the Frictionless data package.

The Table Schema is generated from the same header and account sets the reader checks against,
so the published contract cannot drift from what the build accepts.
"""

from __future__ import annotations

import posixpath

from .ledger_source import LEDGER_HEADER


def _plain(amount) -> str:
    """Downloads carry amounts without thousands separators; a zero side stays empty, as editors write it."""
    return f"{amount:.2f}" if amount else ""


def ledger_csv_rows(ledger) -> list[list[str]]:
    return [
        [
            v.date.isoformat(),
            v.number,
            v.summary,
            v.account,
            _plain(v.income),
            _plain(v.expenditure),
            v.handler,
            v.witness,
            v.approver,
        ]
        for v in ledger.vouchers
    ]


def ledger_document(village, ledger, sample_data: bool) -> dict:
    """The JSON download: the same rows plus the balances, amounts as exact decimal strings."""
    return {
        "sample_data": sample_data,
        "代码": village.code,
        "镇街": village.town,
        "村社区": village.name,
        "月份": ledger.key,
        "期初余额": f"{ledger.opening_balance:.2f}",
        "收入合计": f"{ledger.income_total:.2f}",
        "支出合计": f"{ledger.expenditure_total:.2f}",
        "期末余额": f"{ledger.closing_balance:.2f}",
        "单位": "元",
        "凭证": [dict(zip(LEDGER_HEADER, row)) for row in ledger_csv_rows(ledger)],
    }


def table_schema(account_sets) -> dict:
    accounts = sorted({name for account_set in account_sets for name in account_set.accounts})
    text = {"type": "string", "constraints": {"required": True}}
    amount = {
        "type": "number",
        "groupChar": ",",
        "constraints": {"minimum": 0},
        "description": "元，最多两位小数；空白表示 0。每行收入、支出只填一列",
    }
    fields = [
        {
            "name": "日期",
            "type": "date",
            "format": "%Y-%m-%d",
            "constraints": {"required": True},
            "description": "YYYY-MM-DD，须在文件名所示月份内",
        },
        {"name": "凭证号", **text, "description": "同一村同一月内不重复"},
        {"name": "摘要", **text},
        {
            "name": "科目",
            "type": "string",
            "constraints": {"required": True, "enum": accounts},
            "description": "该月施行的会计制度中的收支科目（2024-01-01 起为财会〔2023〕14号）",
        },
        {"name": "收入", **amount},
        {"name": "支出", **amount},
        {"name": "经办人", **text},
        {"name": "证明人", **text},
        {"name": "审批人", **text},
    ]
    return {"fields": fields, "primaryKey": ["凭证号"], "missingValues": [""]}


def datapackage(villages, account_sets, config, publisher: str) -> dict:
    """A data package with one resource per published village-month CSV."""
    base = posixpath.dirname(config["VILLAGE_DISCLOSURE_DATAPACKAGE"])
    schema = table_schema(account_sets)
    resources = []
    for village in villages:
        for ledger in village.months:
            path = config["VILLAGE_MONTH_DOWNLOAD"].format(code=village.code, month=ledger.key) + ".csv"
            resources.append(
                {
                    "name": f"{village.code}-{ledger.key}",
                    "title": f"{village.full_name} {ledger.label} 收支明细",
                    "path": posixpath.relpath(path, base),
                    "format": "csv",
                    "mediatype": "text/csv",
                    "encoding": "utf-8-sig",
                    "schema": schema,
                }
            )
    sample = config["sample_data"]
    return {
        "name": "liling-village-finance",
        "title": "醴陵市村务公开：村集体每月收支明细" + ("（示例数据）" if sample else ""),
        "description": ("示例数据，不是醴陵市的真实数据。" if sample else "")
        + "每个村（社区）每月一张收支表，一行一张凭证，金额单位为元。",
        "publisher": publisher,
        "accountSets": [
            {
                "制度": s.name,
                "文号": s.document,
                "起用日期": s.start.isoformat(),
                "科目": [{"名称": name, "方向": side} for name, side in s.accounts.items()],
            }
            for s in account_sets
        ],
        "resources": resources,
    }
