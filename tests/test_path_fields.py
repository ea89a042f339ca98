"""Every value that becomes part of a web address goes through one rule (plugins/portal_data/codes.py):
`../../news/x`, a slash, a backslash or an absolute path in any of them stops `invoke check` with its position,
and `{static}` / `{filename}` links may not leave content/."""

from __future__ import annotations

import shutil

from test_build_runner import settings_for
from test_check_task import run_check

from conftest import ROOT

ESCAPE = "../../news/x"


def replace_cell(path, line: int, column: int, value: str) -> None:
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    cells = lines[line - 1].split(",")
    cells[column - 1] = value
    lines[line - 1] = ",".join(cells)
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8-sig")


def test_a_path_escape_in_any_path_forming_field_is_refused_with_its_position(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    disclosures = content / "disclosures"
    replace_cell(disclosures / "villages.csv", 2, 1, ESCAPE)  # 代码
    replace_cell(disclosures / "villages.csv", 3, 2, "/etc")  # 镇街代码
    replace_cell(disclosures / "departments.csv", 2, 2, "..\\..\\news\\x")  # 代码
    article = content / "news/2020-07-08/lottery-jackpot.md"
    text = article.read_text(encoding="utf-8")
    article.write_text(
        text.replace("Slug: lottery-jackpot", f"Slug: {ESCAPE}", 1)
        + "\n[原文]({static}/../../../../../../../../../etc/passwd)\n![图]({static}/../../../../../../../../etc/hostname)\n",
        encoding="utf-8",
    )
    sections = content / "sections.toml"
    sections.write_text(
        sections.read_text(encoding="utf-8").replace('slug = "yaowen"', f'slug = "{ESCAPE}"', 1), encoding="utf-8"
    )
    result = run_check(settings_for(tmp_path, content, flat=False))
    assert result.returncode == 1
    printed = result.stdout
    for position in (
        "disclosures/villages.csv:2:1: ",
        "disclosures/villages.csv:3:2: ",
        "disclosures/departments.csv:2:2: ",
    ):
        assert position in printed, printed
    assert "news/2020-07-08/lottery-jackpot.md:5:7: " in printed, printed
    outside = "指向 content/ 以外的文件；只能引用 content/ 里的文章、页面和图片，请把文件放进 content/ 再引用（例：{static}/images/文件名.jpg）"
    lines = article.read_text(encoding="utf-8").splitlines()
    assert (
        f"news/2020-07-08/lottery-jackpot.md:{len(lines) - 1}:6: “{{static}}/../../../../../../../../../etc/passwd”{outside}"
        in printed
    )
    assert (
        f"news/2020-07-08/lottery-jackpot.md:{len(lines)}:1: “{{static}}/../../../../../../../../etc/hostname”{outside}"
        in printed
    )


def test_a_section_slug_that_leaves_its_folder_stops_the_build(tmp_path):
    from buildtools.build import build_site

    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    sections = content / "sections.toml"
    sections.write_text(
        sections.read_text(encoding="utf-8").replace('slug = "yaowen"', f'slug = "{ESCAPE}"', 1), encoding="utf-8"
    )
    result = build_site(str(settings_for(tmp_path, content, flat=False)), str(tmp_path / "output"))
    assert not result.ok and not (tmp_path / "output").exists()
    # The one problem: its articles are not also reported as in an unknown section.
    assert result.problems == [
        "sections.toml:14:8: slug “../../news/x”不能用作网址；应写成 news-x（只用小写英文字母、数字和连字符）\n"
        "共 1 处问题，请修改以上文件后重新构建。"
    ]
