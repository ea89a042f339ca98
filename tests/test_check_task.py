"""`invoke check` (python -m buildtools.check): every problem from every check, positioned, without building."""

from __future__ import annotations

import subprocess
import sys

from test_build_runner import settings_for

from conftest import ROOT

BAD = ROOT / "plugins" / "content_checks" / "test_data" / "bad"


def run_check(settings):
    return subprocess.run(
        [sys.executable, "-m", "buildtools.check", "--settings", str(settings)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_prints_every_problem_and_fails(tmp_path):
    settings = settings_for(tmp_path, BAD)
    settings.write_text(settings.read_text(encoding="utf-8") + "PAGE_PATHS = ['pages']\n", encoding="utf-8")
    result = run_check(settings)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert len(lines) == 17
    assert (
        lines[0]
        == "news/a.md:2:7: Date “2021-02-30 09:30”不是真实存在的日期或时间；请核对年月日和时分（例：2020-07-08 09:30）"
    )
    assert "共 17 处问题" in result.stderr
    assert not (tmp_path / "output").exists()


def test_the_real_content_passes():
    result = run_check(ROOT / "pelicanconf.py")
    assert result.returncode == 0, result.stdout
    assert "检查通过" in result.stdout


def test_check_also_reads_the_disclosure_csv_files(tmp_path):
    import shutil

    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    power_list = content / "disclosures" / "power-list.csv"
    text = power_list.read_text(encoding="utf-8-sig")
    power_list.write_text(text.replace("0731-23000001", "0731-2300", 1), encoding="utf-8-sig")
    ledger = content / "disclosures" / "finance" / "xiangshui" / "2020-05.csv"
    ledger.write_text(ledger.read_text(encoding="utf-8-sig").replace(",8000.00,", ",8000.0o,"), encoding="utf-8-sig")
    result = run_check(settings_for(tmp_path, content, flat=False))
    assert result.returncode == 1
    assert any(
        line.startswith("disclosures/finance/xiangshui/2020-05.csv:2:6: ") for line in result.stdout.splitlines()
    )
    assert any(
        line.startswith("disclosures/power-list.csv:") and "0731-2300" in line for line in result.stdout.splitlines()
    )
