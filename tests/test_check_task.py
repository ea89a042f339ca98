"""`invoke check` (python -m buildtools.check): every problem from every check, positioned, without building."""

from __future__ import annotations

import subprocess
import sys

from conftest import ROOT
from test_build_runner import settings_for

BAD = ROOT / "plugins" / "content_checks" / "test_data" / "bad"


def run_check(settings):
    return subprocess.run([sys.executable, "-m", "buildtools.check", "--settings", str(settings)],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)


def test_check_prints_every_problem_and_fails(tmp_path):
    settings = settings_for(tmp_path, BAD)
    settings.write_text(settings.read_text(encoding="utf-8") + "PAGE_PATHS = ['pages']\n", encoding="utf-8")
    result = run_check(settings)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert len(lines) == 14
    assert lines[0] == "news/a.md:2:7: Date “2021-02-30 09:30”不是真实存在的日期或时间；请核对年月日和时分（例：2020-07-08 09:30）"
    assert "共 14 处问题" in result.stderr
    assert not (tmp_path / "output").exists()


def test_the_real_content_passes():
    result = run_check(ROOT / "pelicanconf.py")
    assert result.returncode == 0, result.stdout
    assert "检查通过" in result.stdout
