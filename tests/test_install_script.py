"""scripts/install.py, the installer for Windows and macOS (no bash): the interpreter path each
system uses, the pinned pip command, and a real run into a fresh environment that can then build."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys

from conftest import ROOT

spec = importlib.util.spec_from_file_location("install_script", ROOT / "scripts" / "install.py")
install_script = importlib.util.module_from_spec(spec)
spec.loader.exec_module(install_script)


def test_the_environment_python_is_where_each_system_puts_it(monkeypatch):
    monkeypatch.setattr(os, "name", "nt")
    assert install_script.environment_python("C:\\site\\.venv").endswith(os.path.join("Scripts", "python.exe"))
    monkeypatch.setattr(os, "name", "posix")
    assert install_script.environment_python("/site/.venv") == os.path.join("/site/.venv", "bin", "python")


def test_packages_are_installed_pinned_to_the_constraints():
    command = install_script.install_command("python", "requirements.txt")
    assert command[:3] == ["python", "-m", "pip"]
    assert command[-4:] == ["-c", str(ROOT / "constraints.txt"), "-r", str(ROOT / "requirements.txt")]


def test_a_run_with_everything_already_installed_uses_the_existing_environment():
    """With .venv in place (as after scripts/install), the script only asks pip, which finds every pin met."""
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "install.py")], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == "已安装到 .venv/（requirements.txt，版本以 constraints.txt 为准）"
