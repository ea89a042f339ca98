"""Each register (村务公开, 权力清单, 问题清单) is sample data or real data because content/disclosures/registers.toml
says so: with sample data every page and download says 示例数据 and no supervision number can be called; switched
to real data in a copy of the site, no notice is left and the numbers become call links; a wrong value stops the build."""

from __future__ import annotations

import json
import pathlib
import re
import shutil

import pytest

from buildtools.build import build_site
from conftest import ROOT, build_into, parse

REGISTERS = pathlib.Path("disclosures/registers.toml")
# Where each register's pages and downloads are written (the plugins' default URLs).
FOLDERS = {
    "village_disclosure": ["disclosures/villages", "disclosures/towns"],
    "power_list": ["disclosures/power-list"],
    "problem_list": ["disclosures/problems"],
}
DOWNLOADS = {
    "village_disclosure": ["disclosures/finance-datapackage.json", "disclosures/villages/xiangshui/2020-05.json"],
    "power_list": ["disclosures/power-list/power-list.json", "disclosures/power-list/datapackage.json"],
    "problem_list": [
        "disclosures/problems/problems.json",
        "disclosures/problems/datapackage.json",
        "disclosures/problems/closed.atom.xml",
    ],
}
ITEMS = "disclosures/power-list/items"


def pages(output: pathlib.Path, register: str) -> list[pathlib.Path]:
    found = [page for folder in FOLDERS[register] for page in sorted((output / folder).rglob("index.html"))]
    assert len(found) > 5, register
    return found


def copy_with_registers(tmp_path: pathlib.Path, text: str) -> pathlib.Path:
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    (content / REGISTERS).write_text(text, encoding="utf-8")
    return content


@pytest.fixture(scope="module")
def real_site(tmp_path_factory) -> pathlib.Path:
    """A copy of the site whose three registers are all declared real data."""
    tmp_path = tmp_path_factory.mktemp("real")
    text = re.sub(
        r"(?m)^sample_data = true$", "sample_data = false", (ROOT / "content" / REGISTERS).read_text(encoding="utf-8")
    )
    assert len(re.findall(r"(?m)^sample_data = false$", text)) == 3
    content = copy_with_registers(tmp_path, text)
    return build_into(tmp_path / "output", overrides={"PATH": str(content), "SEARCH_INDEX": False})


def test_the_site_declares_each_register_sample_data():
    text = (ROOT / "content" / REGISTERS).read_text(encoding="utf-8")
    assert [line for line in text.splitlines() if line.startswith("sample_data")] == ["sample_data = true"] * 3


@pytest.mark.parametrize("register", FOLDERS)
def test_sample_data_says_so_on_every_page_and_download(site, register):
    for path in pages(site, register):
        notice = parse(path).select_one(".lp-sample-notice")
        assert notice and "示例数据" in notice.get_text(), path
    for download in DOWNLOADS[register]:
        text = (site / download).read_text(encoding="utf-8")
        assert "示例数据" in text or '"sample_data": true' in text, download


def test_sample_supervision_numbers_are_never_call_links(site):
    items = sorted((site / ITEMS).glob("*/index.html"))
    assert len(items) == 27
    for path in items:
        soup = parse(path)
        assert not soup.select('a[href^="tel:"]') and soup.select_one(".lp-power-item__number"), path


@pytest.mark.parametrize("register", FOLDERS)
def test_real_data_leaves_no_notice_on_any_page_or_download(real_site, register):
    for path in pages(real_site, register):
        soup = parse(path)
        assert soup.select_one(".lp-sample-notice") is None, path
        assert "示例数据" not in soup.get_text() and "虚构" not in soup.get_text(), path
    for download in DOWNLOADS[register]:
        text = (real_site / download).read_text(encoding="utf-8")
        assert "示例数据" not in text and "虚构" not in text, download
        if download.endswith(".json") and "datapackage" not in download:
            assert json.loads(text)["sample_data"] is False, download


def test_real_data_leaves_no_notice_on_the_sections_that_list_the_registers(real_site):
    for slug in ("cunwu", "zhengwu"):
        assert parse(real_site / slug / "index.html").select_one(".lp-sample-notice") is None, slug
        assert "【示例数据】" not in (real_site / slug / "feed.atom.xml").read_text(encoding="utf-8"), slug
    assert parse(real_site / "index.html").select_one(".lp-sample-notice") is None


def test_sample_data_sections_say_so_on_their_page_and_feed(site):
    for slug in ("cunwu", "zhengwu"):
        assert parse(site / slug / "index.html").select_one(".lp-sample-notice"), slug
        assert "【示例数据】" in (site / slug / "feed.atom.xml").read_text(encoding="utf-8"), slug


def test_real_supervision_numbers_become_call_links(real_site):
    rows = {row[0]: row[13] for row in csv_rows(ROOT / "content/disclosures/power-list.csv")}
    for number, phone in rows.items():
        soup = parse(real_site / ITEMS / number / "index.html")
        links = soup.select('a[href^="tel:"]')
        assert {a["href"] for a in links} == {"tel:" + phone.replace("-", "")}, number
        assert soup.select_one(".lp-power-item__call").get_text(" ", strip=True) == f"拨打 {phone}"


def csv_rows(path: pathlib.Path) -> list[list[str]]:
    import csv

    with open(path, encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))[1:]


def test_a_wrong_value_stops_the_build_with_its_place_and_what_is_allowed(tmp_path):
    lines = (ROOT / "content" / REGISTERS).read_text(encoding="utf-8").splitlines()
    line = next(n for n, text in enumerate(lines, start=1) if text.startswith("[power_list]")) + 1
    assert lines[line - 1] == "sample_data = true"
    lines[line - 1] = 'sample_data = "否"'  # the editor's header line, comment and all, stays as it is
    content = copy_with_registers(tmp_path, "\n".join(lines) + "\n")
    output = tmp_path / "output"
    result = build_site(str(ROOT / "pelicanconf.py"), str(output), {"PATH": str(content), "SEARCH_INDEX": False})
    assert not result.ok
    assert result.problems == [
        f"disclosures/registers.toml:{line}:15: [power_list] 的 sample_data 写的是“否”；"
        "应写 true（示例数据）或 false（真实数据），不加引号\n共 1 处问题，请修改以上文件后重新构建。"
    ]
    assert not output.exists() or not any(output.iterdir())
