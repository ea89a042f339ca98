"""`invoke build` and `invoke check` on a system without Linux's calls: no fork, prctl or
sched_getaffinity (Windows, macOS), no fcntl record locks and no hard links (Windows, a FAT or
network drive). Both run in one process and the build writes the site; the fallbacks themselves are
tested beside their modules (plugins/portal_data/workers.py, buildtools/locks.py)."""

from __future__ import annotations

from build_helpers import run_python, settings_for

from conftest import ROOT

# Run before the build imports anything: what Windows lacks is made absent, as it is there.
WITHOUT_LINUX = """
import ctypes, os, sys
sys.modules["fcntl"] = None  # import fcntl raises ImportError, as on Windows
for name in ("fork", "sched_getaffinity"):
    delattr(os, name)
ctypes.CDLL = None  # no libc, so no prctl

def no_links(*args, **kwargs):
    raise OSError("hard links are not available here")

os.link = no_links
sys.argv = [sys.argv[0], *sys.argv[1:]]
import runpy
runpy.run_module(sys.argv.pop(1), run_name="__main__")
"""


def run_without_linux(module: str, *args: str):
    return run_python("-c", WITHOUT_LINUX, module, *args, timeout=300)


def test_check_and_build_run_without_fork_prctl_affinity_fcntl_or_hard_links(tmp_path):
    import shutil

    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    settings = settings_for(tmp_path, content, flat=False)
    check = run_without_linux("buildtools.check", "--settings", str(settings))
    assert check.returncode == 0, check.stdout + check.stderr
    assert check.stdout.strip() == "检查通过：没有发现问题。"
    output = tmp_path / "output"
    build = run_without_linux("buildtools.build", "--settings", str(settings), "--output", str(output))
    assert build.returncode == 0, build.stdout + build.stderr
    assert "构建完成" in build.stdout
    assert (output / "news/2020/07/lottery-jackpot/index.html").is_file()
    # A second build into the same folder (the preview's rebuild) syncs in place, also without links.
    article = content / "news/2020-07-08/lottery-jackpot.md"
    article.write_text(article.read_text(encoding="utf-8").replace("老彩民。", "老彩民了。"), encoding="utf-8")
    again = run_without_linux("buildtools.build", "--settings", str(settings), "--output", str(output))
    assert again.returncode == 0, again.stdout + again.stderr
    assert "老彩民了。" in (output / "news/2020/07/lottery-jackpot/index.html").read_text(encoding="utf-8")
