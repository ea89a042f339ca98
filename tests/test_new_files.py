"""`invoke new article|ledger|matter` on a copy of the real content: the file lands where README's
layout puts it, with the exact shape; it fails `invoke check` only for what is still to be filled in
and builds once filled; arguments the build would refuse get the build's own words."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest
from bs4 import BeautifulSoup
from pelican.settings import read_settings

from buildtools.build import build_site
from buildtools.check import all_problems
from buildtools.new_files import Refused, new_article, new_ledger, new_matter
from conftest import ROOT

ARTICLE = "news/2020-07-09/river-rescue.md"
# The first problem of a power-list row `invoke new matter` added (docs/editing.md quotes it).
EMPTY_MATTER_NAME = "disclosures/power-list.csv:29:3: 事项名称 为空；每个事项都要填写事项名称"


@pytest.fixture
def content(tmp_path):
    shutil.copytree(ROOT / "content", tmp_path / "content")
    return tmp_path / "content"


def settings(content):
    return read_settings(str(ROOT / "pelicanconf.py"), override={"PATH": str(content)})


def fill(path, replacements: dict[str, str], encoding="utf-8"):
    text = path.read_text(encoding=encoding)
    for old, new in replacements.items():
        assert old in text, old
        text = text.replace(old, new, 1)
    path.write_text(text, encoding=encoding)


def test_a_new_article_has_every_documented_key_fails_check_until_filled_then_leads_the_front_page(content, tmp_path):
    written = new_article(settings(content), "2020-07-09", "社会", "river-rescue")
    assert written.path == f"content/{ARTICLE}"
    assert (content / ARTICLE).read_text(encoding="utf-8") == (
        "Title:\nKicker:\nDate: 2020-07-09\nCategory: 社会\nTags:\nSlug: river-rescue\nAuthor:\n"
        "Correspondents:\nSummary:\nEdition: 2020-07-09\nEdition_Position: 1\nPhoto_Caption:\nPhoto_Credit:\n\n"
    )
    assert "这一期的第 1 篇" in written.message
    assert all_problems(settings(content)) == [
        f"{ARTICLE}:1:1: Title（标题）是空的；请在“Title:”后面写上内容",
        f"{ARTICLE}:7:1: Author（记者署名）是空的；请在“Author:”后面写上内容",
        f"{ARTICLE}:9:1: Summary（摘要）是空的；请在“Summary:”后面写上内容",
    ]
    fill(
        content / ARTICLE,
        {
            "Title:\n": "Title: 测试用稿件\n",
            "Author:\n": "Author: 测试记者\n",
            "Summary:\n": "Summary: 只在测试里出现。\n",
        },
    )
    (content / ARTICLE).write_text((content / ARTICLE).read_text(encoding="utf-8") + "只在测试里出现。\n", "utf-8")
    assert all_problems(settings(content)) == []
    output = tmp_path / "output"
    assert build_site(str(ROOT / "pelicanconf.py"), str(output), {"PATH": str(content)}).ok
    front = BeautifulSoup((output / "index.html").read_bytes(), "html.parser")
    assert front.select_one(".lp-front-lead h3").get_text(strip=True) == "测试用稿件"
    page = BeautifulSoup((output / "news/2020/07/river-rescue/index.html").read_bytes(), "html.parser")
    assert page.h1.get_text(strip=True) == "测试用稿件" and not page.select(".lp-article__kicker")


def test_the_next_article_of_an_edition_takes_the_next_place(content):
    written = new_article(settings(content), "2020-07-08", "三农", "second-melon")
    assert "Edition_Position: 6\n" in (content / "news/2020-07-08/second-melon.md").read_text(encoding="utf-8")
    assert "这一期的第 6 篇" in written.message


@pytest.mark.parametrize(
    "date, section, slug, message",
    [
        ("2020-7-9", "社会", "river-rescue", "Date “2020-7-9”应写成 2020-07-09（北京时间，格式 YYYY-MM-DD HH:MM）"),
        (
            "2020-07-09",
            "体育",
            "river-rescue",
            "栏目“体育”不存在；可用的栏目：要闻、城建、法治、社会、三农（新栏目请先在 content/sections.toml 中声明）",
        ),
        (
            "2020-07-09",
            "社会",
            "River Rescue",
            "Slug “River Rescue”不能用作网址；应写成 river-rescue（只用小写英文字母、数字和连字符）",
        ),
        (
            "2020-07-09",
            "社会",
            "lottery-jackpot",
            "Slug “lottery-jackpot”已被 news/2020-07-08/lottery-jackpot.md 使用；每篇的 Slug 应不同",
        ),
    ],
)
def test_an_article_the_build_would_refuse_is_refused_with_the_builds_message(content, date, section, slug, message):
    with pytest.raises(Refused) as refused:
        new_article(settings(content), date, section, slug)
    assert str(refused.value) == message
    assert not (content / "news/2020-07-09").exists()


def test_a_new_ledger_has_the_exact_header_states_its_opening_balance_and_builds(content, tmp_path):
    from plugins.village_disclosure.village_disclosure import read_village_data

    villages = read_village_data(str(content), settings(content))[1]
    june = next(village for village in villages if village.code == "xiangshui").months[-1]
    written = new_ledger(settings(content), "xiangshui", "2020-07")
    path = content / "disclosures/finance/xiangshui/2020-07.csv"
    assert written.path == "content/disclosures/finance/xiangshui/2020-07.csv"
    assert path.read_bytes() == "\ufeff日期,凭证号,摘要,科目,收入,支出,经办人,证明人,审批人\r\n".encode()
    assert written.message.startswith("王仙镇香水村 2020-07 的期初余额是 101,777.69 元，接 2020-06 的期末余额")
    assert str(june.closing_balance) == "101777.69"
    with open(path, "a", encoding="utf-8", newline="") as handle:
        handle.write("2020-07-06,01,支付村干部6月误工补贴,管理费用,,7900.00,邓春芳,易建军,刘志明\r\n")
    assert all_problems(settings(content)) == []
    output = tmp_path / "output"
    assert build_site(str(ROOT / "pelicanconf.py"), str(output), {"PATH": str(content)}).ok
    page = (output / "disclosures/villages/xiangshui/2020-07/index.html").read_text(encoding="utf-8")
    assert "101,777.69" in page and "93,877.69" in page  # opening balance, and closing after the voucher


@pytest.mark.parametrize(
    "village, month, message",
    [
        ("xiangshui", "2020-7", "月份“2020-7”应写成 2020-07（格式 YYYY-MM：年四位，月两位，用“-”连接）"),
        (
            "xiangshu",
            "2020-07",
            "村代码“xiangshu”不在 disclosures/villages.csv 中；已登记的村："
            "xiangshui、huatang、qingtan、jinqiao、changling、xinyang（新村请先在这个文件里加一行）",
        ),
        ("xiangshui", "2020-08", "王仙镇香水村已记到 2020-06，下一个月应是 2020-07；每月一个文件，不能跳过月份"),
        ("xiangshui", "2020-06", "content/disclosures/finance/xiangshui/2020-06.csv 已经存在；请直接编辑这个文件"),
    ],
)
def test_a_ledger_that_would_break_the_chain_is_refused(content, village, month, message):
    with pytest.raises(Refused) as refused:
        new_ledger(settings(content), village, month)
    assert str(refused.value) == message
    assert not (content / "disclosures/finance/xiangshui/2020-07.csv").exists()


def test_a_new_matter_is_one_row_that_check_refuses_cell_by_cell_until_filled(content):
    path = content / "disclosures/power-list.csv"
    before = path.read_bytes()
    written = new_matter(settings(content), "minzheng")
    assert path.read_bytes() == before + "28,醴陵市民政局,,,,,,,,,,,,,\n".encode()
    assert written.message.startswith("已在第 29 行加了第 28 项（醴陵市民政局）")
    problems = all_problems(settings(content))
    assert problems[0] == EMPTY_MATTER_NAME
    assert [problem.split(": ")[0] for problem in problems] == [
        f"disclosures/power-list.csv:29:{n}" for n in range(3, 16)
    ]
    filled = (
        "28,醴陵市民政局,测试事项,其他行政权力,测试依据,测试条件,测试材料,测试流程,5,1,不收费,窗口,"
        "受理责任：测试,0731-23000001,2020-06-30\n"
    )
    path.write_bytes(before + filled.encode())
    assert all_problems(settings(content)) == []


def test_a_matter_keeps_the_files_encoding_and_line_ends(content):
    path = content / "disclosures/power-list.csv"
    text = path.read_text(encoding="utf-8")
    path.write_bytes(text.replace("\n", "\r\n").encode("gb18030"))
    new_matter(settings(content), "minzheng")
    assert path.read_bytes().decode("gb18030").endswith("\r\n28,醴陵市民政局,,,,,,,,,,,,,\r\n")


def test_an_unknown_department_is_refused_with_the_known_codes(content):
    with pytest.raises(Refused) as refused:
        new_matter(settings(content), "minzhen")
    assert str(refused.value).startswith(
        "部门代码“minzhen”不在 disclosures/departments.csv 中；已登记的部门代码：minzheng、"
    )


def invoke(*args):
    return subprocess.run(
        [sys.executable, "-m", "invoke", "new", *args], cwd=ROOT, capture_output=True, text=True, timeout=120
    )


def test_the_task_prints_the_builds_message_and_fails_without_writing():
    result = invoke("article", "--date", "2020-07-09", "--section", "体育", "--slug", "river-rescue")
    assert result.returncode == 1
    assert result.stderr.strip() == (
        "栏目“体育”不存在；可用的栏目：要闻、城建、法治、社会、三农（新栏目请先在 content/sections.toml 中声明）"
    )
    assert not (ROOT / "content/news/2020-07-09").exists()
    result = invoke("ledger", "--village", "xiangshui")
    assert (
        result.returncode == 1 and result.stderr.strip() == "invoke new ledger 还需要 --month（例子见 docs/editing.md）"
    )
