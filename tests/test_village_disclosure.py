"""村务公开 on the real site built from content/: figures equal the CSV files, downloads round-trip,
a new CSV becomes a page without code changes, and the published data package validates."""

from __future__ import annotations

import csv
import io
import pathlib
import re
import shutil
from decimal import Decimal

import pytest

from conftest import ROOT, build_into, parse

CONTENT = ROOT / "content"
FINANCE = CONTENT / "disclosures" / "finance"


def source_rows(path: pathlib.Path) -> list[dict]:
    from plugins.portal_data.csv_source import read_csv_table

    table, errors = read_csv_table(str(path))
    assert errors == []
    return [row.cells for row in table.rows]


def amount(text: str) -> Decimal:
    return Decimal(text.replace(",", "") or "0")


def shown(node) -> Decimal:
    return amount(re.sub(r"[\s元]", "", node.get_text()))


def village_opening_balances() -> dict[str, Decimal]:
    return {row["代码"]: amount(row["期初余额"]) for row in source_rows(CONTENT / "disclosures" / "villages.csv")}


LEDGERS = sorted(FINANCE.glob("*/*.csv"))


def test_sample_has_six_villages_and_thirty_five_ledgers():
    assert len(village_opening_balances()) == 6
    assert len(LEDGERS) == 35  # 长岭村 has not published June


@pytest.mark.parametrize("path", LEDGERS, ids=lambda p: f"{p.parent.name}-{p.stem}")
def test_totals_shown_are_the_sums_of_the_csv(page, path):
    rows = source_rows(path)
    soup = page(f"disclosures/villages/{path.parent.name}/{path.stem}/")
    assert shown(soup.select_one(".lp-ledger-table__income-total")) == sum(amount(r["收入"]) for r in rows)
    assert shown(soup.select_one(".lp-ledger-table__expenditure-total")) == sum(amount(r["支出"]) for r in rows)
    assert len(soup.select(".lp-ledger-table tbody tr")) == len(rows)
    assert soup.select_one(".lp-sample-notice") is not None


@pytest.mark.parametrize("code", sorted(village_opening_balances()))
def test_balances_chain_from_the_opening_balance(page, code):
    balance = village_opening_balances()[code]
    for path in sorted((FINANCE / code).glob("*.csv")):
        rows = source_rows(path)
        soup = page(f"disclosures/villages/{code}/{path.stem}/")
        assert shown(soup.select_one(".lp-balance__opening")) == balance
        balance += sum(amount(r["收入"]) for r in rows) - sum(amount(r["支出"]) for r in rows)
        assert shown(soup.select_one(".lp-balance__closing")) == balance


@pytest.mark.parametrize("path", LEDGERS[::7], ids=lambda p: f"{p.parent.name}-{p.stem}")
def test_downloads_round_trip_to_the_same_rows(site, path):
    import json

    def normal(row):
        return {k: (str(amount(v)) if k in ("收入", "支出") and v else v) for k, v in row.items()}

    base = site / "disclosures" / "villages" / path.parent.name / path.stem
    raw = base.with_suffix(".csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    downloaded = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    expected = [normal(row) for row in source_rows(path)]
    assert [normal(row) for row in downloaded] == expected
    document = json.loads(base.with_suffix(".json").read_text(encoding="utf-8"))
    assert [normal(row) for row in document["凭证"]] == expected


def test_index_flags_the_village_that_has_not_published_june(page):
    soup = page("disclosures/villages/")
    behind = [row["data-village"] for row in soup.select(".lp-status-table__row--behind")]
    assert behind == ["changling"]
    assert "2020年6月" in soup.select_one(".lp-status-table thead").get_text()
    town = page("disclosures/towns/sunjiawan/")
    assert town.select_one(".lp-status-table__row--behind")["data-village"] == "changling"
    assert town.select_one(".lp-sample-notice") is not None


def test_footer_links_the_village_index(page):
    links = [a["href"] for a in page("about/").select(".lp-footer a")]
    assert "../disclosures/villages/" in links


def test_data_package_describes_every_download_and_validates(site):
    frictionless = pytest.importorskip("frictionless")
    package_path = site / "disclosures" / "finance-datapackage.json"
    package = frictionless.Package(str(package_path), basepath=str(package_path.parent))
    assert len(package.resources) == len(LEDGERS)
    report = package.validate()
    assert report.valid, report.flatten(["resourceName", "rowNumber", "fieldName", "type", "note"])[:5]


def test_data_package_rejects_a_broken_row(site, tmp_path):
    frictionless = pytest.importorskip("frictionless")
    import json

    package = json.loads((site / "disclosures" / "finance-datapackage.json").read_text(encoding="utf-8"))
    resource = package["resources"][0]
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "日期,凭证号,摘要,科目,收入,支出,经办人,证明人,审批人\n2020-01-05,01,x,没有这个科目,12o,,甲,乙,丙\n",
        encoding="utf-8",
    )
    report = frictionless.Resource(
        path="bad.csv", basepath=str(tmp_path), schema=frictionless.Schema.from_descriptor(resource["schema"])
    ).validate()
    assert {error.type for error in report.tasks[0].errors} == {"constraint-error", "type-error"}


def test_a_new_csv_in_content_becomes_a_page(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    new = content / "disclosures" / "finance" / "changling" / "2020-06.csv"
    new.write_bytes(
        (
            "日期,凭证号,摘要,科目,收入,支出,经办人,证明人,审批人\r\n"
            '2020-06-05,01,支付村干部5月误工补贴,管理费用,,"5,100.00",罗桂兰,彭海军,朱新华\r\n'
        ).encode("gbk")
    )
    output = build_into(tmp_path / "output", overrides={"PATH": str(content)})
    soup = parse(output / "disclosures/villages/changling/2020-06/index.html")
    assert shown(soup.select_one(".lp-ledger-table__expenditure-total")) == Decimal("5100.00")
    index = parse(output / "disclosures/villages/index.html")
    assert index.select(".lp-status-table__row--behind") == []


def test_a_bad_csv_fails_the_build_and_names_the_cell(tmp_path):
    from buildtools.build import build_site

    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    ledger = content / "disclosures" / "finance" / "xiangshui" / "2020-05.csv"
    lines = ledger.read_bytes().decode("utf-8-sig").split("\r\n")
    cells = lines[4].split(",")  # file line 5: 缴纳村部4月电费
    cells[5] = "12o.00"
    lines[4] = ",".join(cells)
    ledger.write_bytes(("\ufeff" + "\r\n".join(lines)).encode("utf-8"))
    result = build_site(str(ROOT / "pelicanconf.py"), str(tmp_path / "output"), {"PATH": str(content)})
    assert not result.ok
    assert (
        "disclosures/finance/xiangshui/2020-05.csv:5:6: 第 5 行 支出 列的“12o.00”不是金额（例：1,234.50）"
        in result.problems[0]
    )


def test_a_village_feed_lists_its_months_and_its_closed_problems(site):
    from xml.etree import ElementTree

    atom = "{http://www.w3.org/2005/Atom}"
    feed = ElementTree.parse(site / "disclosures/villages/xiangshui/feed.atom.xml").getroot()
    titles = [entry.findtext(f"{atom}title") for entry in feed.findall(f"{atom}entry")]
    assert "王仙镇香水村 2020年6月收支公开" in titles
    assert any(title.startswith("王仙镇香水村 问题办结：村道香水桥段三盏路灯不亮") for title in titles)
    assert all(entry.findtext(f"{atom}summary").startswith("【示例数据】") for entry in feed.findall(f"{atom}entry"))


def test_every_month_page_has_its_correction_record(page):
    month = page("disclosures/villages/xiangshui/2020-06/")
    record = month.select_one(".lp-corrections")
    assert record.select_one("h2").get_text() == "更正记录"
    assert "首次公开以来未作更正" in record.get_text()  # the sample ledgers were never corrected


def test_months_imported_before_the_deadlines_began_are_not_called_late(page):
    """The 2020 sample ledgers were committed when the site opened (VILLAGE_DISCLOSURE_DEADLINES_FROM):
    judging them against the 10th of the next month would call every month years late."""
    index = page("disclosures/villages/")
    rule = index.select_one(".lp-compliance p").get_text()
    assert "2026年11月起的收支按此统计" in rule
    assert index.select_one(".lp-compliance__overdue") is None
    month = page("disclosures/villages/xiangshui/2020-03/")
    assert "逾期公开" not in month.select_one("main").get_text()
