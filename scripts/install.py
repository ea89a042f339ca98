"""The same as scripts/install, for Windows and macOS where there is no bash: make the project's
own environment .venv/ and install what building the site needs, pinned to constraints.txt.

Usage, from the repository root:  py scripts/install.py            (Windows)
                                  python3 scripts/install.py       (macOS)
                                  py scripts/install.py requirements-test.txt   (the tests' packages too)
"""

from __future__ import annotations

import os
import subprocess
import sys
import venv

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SUPPORTED_PYTHON = (3, 11)  # the rule tasks.py checks again when any task starts


def environment_python(folder: str) -> str:
    """The interpreter inside a virtual environment: Scripts\\python.exe on Windows, bin/python elsewhere."""
    if os.name == "nt":
        return os.path.join(folder, "Scripts", "python.exe")
    return os.path.join(folder, "bin", "python")


def install_command(python: str, requirements: str) -> list[str]:
    return [python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check"] + [
        "-c",
        os.path.join(ROOT, "constraints.txt"),
        "-r",
        os.path.join(ROOT, requirements),
    ]


def main(argv: list[str]) -> int:
    if sys.version_info[:2] < SUPPORTED_PYTHON:
        print(
            f"需要 Python {SUPPORTED_PYTHON[0]}.{SUPPORTED_PYTHON[1]} 或更新的版本，现在是 "
            f"{sys.version.split()[0]}：请从 python.org 安装新版本（见 README 的 Windows 和 macOS 一节）。",
            file=sys.stderr,
        )
        return 1
    requirements = argv[0] if argv else "requirements.txt"
    folder = os.path.join(ROOT, ".venv")
    python = environment_python(folder)
    if not os.path.exists(python):
        venv.create(folder, with_pip=True)
    code = subprocess.call(install_command(python, requirements), cwd=ROOT)
    if code:
        print(f"安装失败（pip 退出码 {code}）；请检查网络后重试。", file=sys.stderr)
        return code
    print(f"已安装到 .venv/（{requirements}，版本以 constraints.txt 为准）")
    print(f"下一步：{os.path.relpath(python, ROOT)} -m invoke build")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
