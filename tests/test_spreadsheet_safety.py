"""A formula in an editor's CSV stops `invoke check` and the build with its position, in every register."""

from __future__ import annotations

import shutil

from test_build_runner import settings_for
from test_check_task import run_check

from conftest import ROOT

MESSAGE = "“{column}”列以“=”开头，表格软件会把它当作公式执行；公示数据里不能有公式，请删去开头的这个字符或改写这段文字"


def test_a_hyperlink_formula_in_a_ledger_or_the_power_list_is_refused(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    ledger = content / "disclosures" / "finance" / "xiangshui" / "2020-05.csv"
    ledger.write_text(
        ledger.read_text(encoding="utf-8-sig").replace(
            "支付村干部4月误工补贴", '"=HYPERLINK(""http://x.example"";""点此查看"")"', 1
        ),
        encoding="utf-8-sig",
    )
    villages = content / "disclosures" / "villages.csv"
    lines = villages.read_text(encoding="utf-8-sig").splitlines()
    cells = lines[1].split(",")
    cells[-1] = "=1+1"
    lines[1] = ",".join(cells)
    villages.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8-sig")
    header = lines[0].lstrip("\ufeff").split(",")
    result = run_check(settings_for(tmp_path, content, flat=False))
    assert result.returncode == 1
    printed = result.stdout.splitlines()
    assert "disclosures/finance/xiangshui/2020-05.csv:2:3: " + MESSAGE.format(column="摘要") in printed
    assert f"disclosures/villages.csv:2:{len(header)}: " + MESSAGE.format(column=header[-1]) in printed
