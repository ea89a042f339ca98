"""`invoke check` is the build's check: one bad file per kind of problem, in a copy of the real site,
and the check and the build both exit non-zero printing the same positioned lines, each once."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest
from test_build_runner import settings_for

from conftest import ROOT

ARTICLE = "news/2020-07-08/lottery-jackpot.md"
LEDGER = "disclosures/finance/xiangshui/2020-06.csv"
ID_NUMBER = "430281199001011239"  # a made-up number with a valid check digit, not a person's


def replace(content, path, old, new, encoding="utf-8"):
    file = content / path
    text = file.read_text(encoding=encoding)
    assert old in text, (path, old)
    file.write_text(text.replace(old, new, 1), encoding=encoding)


# (kind of problem, the edit an editor might make, the exact line both must print)
CASES = [
    (
        "date",
        lambda c: replace(c, ARTICLE, "Date: 2020-07-08", "Date: 2020-7-9"),
        f"{ARTICLE}:2:7: Date “2020-7-9”应写成 2020-07-09（北京时间，格式 YYYY-MM-DD HH:MM）",
    ),
    (
        "section",
        lambda c: replace(c, ARTICLE, "Category: 社会", "Category: 体育"),
        f"{ARTICLE}:3:11: 栏目“体育”不存在；可用的栏目：要闻、城建、法治、社会、三农（新栏目请先在 content/sections.toml 中声明）",
    ),
    (
        "encoding",
        lambda c: (c / ARTICLE).write_bytes((c / ARTICLE).read_text(encoding="utf-8").encode("gbk")),
        f"{ARTICLE}:1:8: 这个文件不是 UTF-8 编码（多半是旧版记事本按 ANSI/GBK 保存的），网站读不出这里的字；"
        "请用 UTF-8 保存（记事本：另存为 → 编码选 UTF-8）",
    ),
    (
        "empty-category",
        lambda c: replace(c, ARTICLE, "Category: 社会", "Category:"),
        f"{ARTICLE}:3:10: Category 是空的；请写上一个栏目：要闻、城建、法治、社会、三农",
    ),
    (
        "missing-category",
        lambda c: replace(c, ARTICLE, "Category: 社会\n", ""),
        f"{ARTICLE}:1:0: 缺少 Category 一行；可用的栏目：要闻、城建、法治、社会、三农",
    ),
    (
        "edition",
        lambda c: replace(c, ARTICLE, "Edition_Position: 4", "Edition_Position: 1"),
        "news/2020-07-08/wechat-group-supervision-best-case.md:11:19: 2020-07-08 这一期已有第 1 篇（news/2020-07-08/lottery-jackpot.md）；每篇文章的 Edition_Position 应不同",
    ),
    (
        "ledger",
        lambda c: replace(c, LEDGER, ",7900.00,", ",7900.0o,", "utf-8-sig"),
        f"{LEDGER}:2:6: 第 2 行 支出 列的“7900.0o”不是金额（例：1,234.50）",
    ),
    (
        "power-list",
        lambda c: replace(c, "disclosures/power-list.csv", "0731-23000001", "0731-2300"),
        "disclosures/power-list.csv:2:14: 监督电话“0731-2300”格式不对；应写固定电话“区号-号码”，如 0731-23000001（不写手机号）",
    ),
    (
        "problem-list",
        lambda c: replace(
            c, "disclosures/problems.csv", "2020-0001,xiangshui,2020-05-06", "2020-0001,xiangshui,2020-5-6", "utf-8-sig"
        ),
        "disclosures/problems.csv:2:3: 反映日期“2020-5-6”应写成 2020-05-06（格式 YYYY-MM-DD：年四位，月、日各两位，用“-”连接）",
    ),
    (
        "search-synonyms",
        lambda c: replace(c, "search-synonyms.csv", "歌厅,娱乐场所\n", "歌厅,娱乐场所,舞厅\n"),
        "search-synonyms.csv:2:3: 这一行有 3 个单元格，表头只有 2 列；一行只写一对：一个居民用语有几个页面用语，就写几行",
    ),
    (
        "search-synonym-one-character",
        lambda c: replace(c, "search-synonyms.csv", "打井,取水\n", "井,取水\n"),
        "search-synonyms.csv:8:1: 居民用语“井”只有一个字：凡是含这个字的搜索都会加上同义词；请写成含这个字的词（如“歌厅”，不写“歌”）",
    ),
    (
        "personal-data",
        lambda c: replace(c, ARTICLE, "据了解，", f"身份证号 {ID_NUMBER}。据了解，"),
        f"{ARTICLE}:14:6: 疑似身份证号 4302**********1239：个人信息不得公开；请删除或改为打码（如 4302**********1239）。"
        "确属公开的公务号码，经审核后登记在 content/personal-data-allowlist.toml",
    ),
    (
        "image-missing",
        lambda c: replace(c, ARTICLE, "据了解，", "![福彩站点门面]({static}/images/lottery-shop.jpg)\n\n据了解，"),
        f"{ARTICLE}:14:1: 找不到图片“{{static}}/images/lottery-shop.jpg”（应在 images/lottery-shop.jpg）；请检查文件名和文件夹",
    ),
    (
        "image-alt",
        lambda c: (
            (c / "images").mkdir(),
            shutil.copy(ROOT / "plugins/content_checks/test_data/good/images/kiln.gif", c / "images/shop.gif"),
            replace(c, ARTICLE, "据了解，", "![]({static}/images/shop.gif)\n\n据了解，"),
        ),
        f'{ARTICLE}:14:1: 图片没有替代文字；请在 ![ ] 的方括号里（或 alt="…"）用一句话写图片内容，供读屏软件朗读',
    ),
    (
        "unsafe-html",
        lambda c: replace(c, ARTICLE, "据了解，", "<iframe src=x></iframe>\n\n据了解，"),
        f"{ARTICLE}:14:1: 文章里不能嵌入 <iframe>（别的网页）；请改成普通链接 [说明](https://…)",
    ),
    (
        "link",
        lambda c: replace(c, ARTICLE, "据了解，", "[上一期]({filename}/news/2020-07-07/nope.md)。据了解，"),
        f"{ARTICLE}:14:7: 链接的文件“{{filename}}/news/2020-07-07/nope.md”不存在（应在 news/2020-07-07/nope.md）；"
        f"请检查文件名，或改为存在的文章（例：{{filename}}/news/2020-07-08/lottery-jackpot.md）",
    ),
    (
        "path",
        lambda c: replace(c, ARTICLE, "据了解，", "[文件]({static}/../../pelicanconf.py)。据了解，"),
        f"{ARTICLE}:14:6: “{{static}}/../../pelicanconf.py”指向 content/ 以外的文件；只能引用 content/ 里的文章、页面和图片，"
        f"请把文件放进 content/ 再引用（例：{{static}}/images/文件名.jpg）",
    ),
]


def run(module, settings, *extra):
    return subprocess.run(
        [sys.executable, "-m", module, "--settings", str(settings), *extra],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=180,
    )


def positioned(text: str) -> list[str]:
    """The problem lines of a run's output: the ones starting with a file's position."""
    return [line for line in text.splitlines() if line.split(":", 1)[0].endswith((".md", ".csv", ".toml"))]


@pytest.mark.parametrize("kind, edit, expected", CASES, ids=[case[0] for case in CASES])
def test_check_and_build_refuse_the_same_problem_with_the_same_message(tmp_path, kind, edit, expected):
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    edit(content)
    settings = settings_for(tmp_path, content, flat=False)
    check = run("buildtools.check", settings)
    build = run("buildtools.build", settings, "--output", str(tmp_path / "output"))
    print(check.stdout, check.stderr, build.stdout, build.stderr)
    assert check.returncode == 1 and build.returncode == 1
    assert positioned(check.stdout) == positioned(build.stderr) != []
    assert positioned(check.stdout) == [expected], check.stdout  # one problem, printed once
    # Nothing else on screen: no English log line from Pelican repeating the problem.
    assert check.stdout.splitlines() == [expected] and check.stderr == "共 1 处问题，请修改以上文件后重新检查。\n"
    assert build.stdout == "" and build.stderr.splitlines() == [
        expected,
        "共 1 处问题，请修改以上文件后重新构建。",
        f"构建失败，{tmp_path / 'output'} 保持原样。",
    ]
    assert not (tmp_path / "output").exists()
