"""Files as Windows editors save them: CRLF line ends, a UTF-8 BOM, GBK from old Notepad or Excel,
names with spaces or upper case. Each is read as the editor meant, or refused naming the file,
the place and what to do; for Markdown and for CSV."""

from __future__ import annotations

import shutil

import pytest
from bs4 import BeautifulSoup
from pelican.settings import read_settings

from buildtools.build import build_site
from buildtools.check import all_problems
from conftest import ROOT

ARTICLE = "news/2020-07-08/lottery-jackpot.md"
LEDGER = "disclosures/finance/xiangshui/2020-06.csv"
NOT_UTF8 = (
    "这个文件不是 UTF-8 编码（多半是旧版记事本按 ANSI/GBK 保存的），网站读不出这里的字；"
    "请用 UTF-8 保存（记事本：另存为 → 编码选 UTF-8）"
)


@pytest.fixture
def content(tmp_path):
    shutil.copytree(ROOT / "content", tmp_path / "content")
    return tmp_path / "content"


def resave(path, encoding, newline="\r\n", edit=lambda text: text):
    """Save `path` again as a Windows program would: another encoding, CRLF line ends."""
    text = path.read_text(encoding="utf-8-sig")
    with open(path, "w", encoding=encoding, newline=newline) as handle:
        handle.write(edit(text))


def problems(content) -> list[str]:
    return all_problems(read_settings(str(ROOT / "pelicanconf.py"), override={"PATH": str(content)}))


def test_markdown_with_bom_and_crlf_is_read_and_positions_count_as_the_editor_sees_them(content):
    resave(content / ARTICLE, "utf-8-sig", edit=lambda text: text.replace("Category: 社会", "Category: 体育"))
    assert problems(content) == [
        f"{ARTICLE}:3:11: 栏目“体育”不存在；可用的栏目：要闻、城建、法治、社会、三农（新栏目请先在 content/sections.toml 中声明）"
    ]


def test_markdown_saved_as_gbk_is_refused_once_naming_the_file_and_the_first_unreadable_character(content):
    resave(content / ARTICLE, "gbk")
    assert problems(content) == [f"{ARTICLE}:1:8: {NOT_UTF8}"]  # "Title: " is ASCII; the headline is not


def test_a_ledger_saved_as_gbk_with_crlf_is_read_and_its_problems_positioned(content):
    resave(content / LEDGER, "gbk", edit=lambda text: text.replace(",7900.00,", ",7900.0o,"))
    assert problems(content) == [f"{LEDGER}:2:6: 第 2 行 支出 列的“7900.0o”不是金额（例：1,234.50）"]


def test_a_csv_in_no_known_encoding_is_refused_naming_the_file(content):
    (content / LEDGER).write_bytes((content / LEDGER).read_bytes() + b"\xff\xfe\xfd\r\n")  # after its 7 lines
    found = problems(content)
    assert found == [
        f"{LEDGER}:8:0: 文件编码无法识别；请在 Excel 中另存为“CSV UTF-8（逗号分隔）”或 GB18030/GBK 编码的 CSV"
    ], found


def test_windows_files_and_names_build_the_same_pages(content, tmp_path):
    """BOM + CRLF Markdown under a name with spaces and capitals, a GBK ledger, a UTF-16 power list
    and a ledger named in capitals: the build reads every one and the pages say what the files say."""
    article = content / ARTICLE
    resave(article, "utf-8-sig")
    article.rename(article.with_name("Lottery Jackpot.md"))
    resave(content / LEDGER, "gbk")
    resave(content / "disclosures" / "power-list.csv", "utf-16")
    may = content / "disclosures/finance/xiangshui/2020-05.csv"
    may.rename(may.with_name("2020-05.CSV"))
    assert problems(content) == []
    output = tmp_path / "output"
    result = build_site(str(ROOT / "pelicanconf.py"), str(output), {"PATH": str(content)})
    assert result.ok, result.problems
    page = BeautifulSoup((output / "news/2020/07/lottery-jackpot/index.html").read_bytes(), "html.parser")
    assert page.h1.get_text(strip=True) == "醴陵一福彩站点再中双色球一等奖"
    for month, voucher in (("2020-06", "支付村干部5月误工补贴"), ("2020-05", "支付村干部4月误工补贴")):
        ledger = (output / f"disclosures/villages/xiangshui/{month}/index.html").read_text(encoding="utf-8")
        assert voucher in ledger, month
    power_list = (output / "disclosures/power-list/index.html").read_text(encoding="utf-8")
    assert "老年证年审" in power_list


def test_a_sections_declaration_saved_by_notepad_with_a_bom_and_crlf_is_read(content):
    resave(content / "sections.toml", "utf-8-sig")
    assert problems(content) == []
