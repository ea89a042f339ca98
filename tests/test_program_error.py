"""A failure that is not an editor's mistake: one Chinese line naming a log file, the traceback in that file."""

from __future__ import annotations

import pathlib
import re
import subprocess
import sys

from conftest import ROOT

BREAK_THE_BUILD = """
import sys
import plugins.sections.sections as sections

def broken(*args, **kwargs):
    raise RuntimeError("磁盘出错")

sections.load_sections = broken
from buildtools.build import main
sys.exit(main(["--settings", "pelicanconf.py", "--output", sys.argv[1]]))
"""


def test_a_program_error_prints_one_line_and_keeps_the_traceback_in_a_log(tmp_path):
    done = subprocess.run(
        [sys.executable, "-c", BREAK_THE_BUILD, str(tmp_path / "output")], cwd=ROOT, capture_output=True, text=True
    )
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert "Traceback" not in done.stderr
    match = re.fullmatch(
        r"构建失败（程序出错，不是稿件的问题）：RuntimeError: 磁盘出错；完整的出错信息在 (\S+\.log)，"
        r"请交给网站的开发人员",
        lines[0],
    )
    assert match, lines
    assert lines[1:] == [f"构建失败，{tmp_path / 'output'} 保持原样。"]
    log = pathlib.Path(match.group(1))
    assert "Traceback" in log.read_text(encoding="utf-8") and "磁盘出错" in log.read_text(encoding="utf-8")
    log.unlink()
    assert not (tmp_path / "output").exists()
