"""A build with another Pelican than the one our replacements of its internals were written for is refused."""

from __future__ import annotations

import subprocess
import sys

from buildtools.pelican_version import PELICAN_VERSION, wrong_pelican_version
from conftest import ROOT

EXPECTED = (
    "安装的 Pelican 是 4.11.0，本网站的构建程序是按 Pelican 4.12.0 写的（它替换了 Pelican 内部的几个步骤），"
    "换了版本可能悄悄生成错误的网页，所以没有构建。请运行 ./scripts/install 装回 4.12.0；"
    "升级 Pelican 时先核对 buildtools/parallel_output.py 等处，再改这里的版本号。"
)


def test_the_pinned_pelican_is_the_one_the_build_is_written_for():
    pinned = next(
        line
        for line in (ROOT / "requirements.txt").read_text(encoding="utf-8").splitlines()
        if line.startswith("pelican")
    )
    assert pinned.endswith(f"=={PELICAN_VERSION}")
    assert wrong_pelican_version(PELICAN_VERSION) is None


def test_a_build_with_another_pelican_stops_with_one_line_and_writes_nothing(tmp_path):
    code = (
        "import sys, pelican; pelican.__version__ = '4.11.0'; from buildtools.build import main; "
        f"sys.exit(main(['--settings', 'pelicanconf.py', '--output', {str(tmp_path / 'out')!r}]))"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 1
    assert done.stderr.strip() == EXPECTED
    assert not (tmp_path / "out").exists()
