"""The README's set-up: a supported Python is checked before anything runs, and the whole tree is pinned."""

from __future__ import annotations

import os
import pathlib
import re
import subprocess

from tasks import unsupported_python

ROOT = pathlib.Path(__file__).resolve().parent.parent


def test_tasks_refuse_a_python_older_than_3_11_with_a_message():
    assert (
        unsupported_python((3, 10, 12, "final", 0))
        == "需要 Python 3.11 或更新的版本，现在是 3.10.12：请按 README 的两条命令安装。"
    )
    assert unsupported_python((3, 11, 2, "final", 0)) is None
    assert unsupported_python((3, 13, 0, "final", 0)) is None


def run_install(tmp_path: pathlib.Path, python: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(ROOT / "scripts/install")], capture_output=True, text=True, env={**os.environ, "PYTHON": python}
    )


def test_install_names_a_missing_python_and_how_to_get_it(tmp_path):
    done = run_install(tmp_path, str(tmp_path / "python-nowhere"))
    assert done.returncode == 1
    assert done.stderr.strip() == (
        f"找不到 {tmp_path / 'python-nowhere'}：请先安装 Python 3.11 或更新的版本"
        "（Debian：apt-get install -y python3 python3-venv）。"
    )


def test_install_refuses_an_old_python_before_making_an_environment(tmp_path):
    old = tmp_path / "python3.9"
    old.write_text('#!/bin/sh\ncase "$1" in --version) echo "Python 3.9.2";; *) exit 1;; esac\n')
    old.chmod(0o755)
    done = run_install(tmp_path, str(old))
    assert done.returncode == 1
    assert done.stderr.strip() == f"需要 Python 3.11 或更新的版本，现在的 {old} 是 Python 3.9.2。"


def test_every_installed_requirement_is_pinned_in_constraints():
    """The lock covers every top-level requirement with the same version (scripts/lock-dependencies)."""
    pinned = {}
    for line in (ROOT / "constraints.txt").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            name, version = line.split("==")
            pinned[re.sub(r"[-_.]+", "-", name).lower()] = version
    for requirements in ("requirements.txt", "requirements-test.txt"):
        for line in (ROOT / requirements).read_text(encoding="utf-8").splitlines():
            if line and not line.startswith(("#", "-r")):
                name, version = re.sub(r"\[.*\]", "", line).split("==")
                assert pinned.get(re.sub(r"[-_.]+", "-", name).lower()) == version, f"{requirements}: {line}"
    for floating in ("feedgenerator", "markupsafe", "python-dateutil", "pygments", "blinker", "docutils"):
        assert floating in pinned
