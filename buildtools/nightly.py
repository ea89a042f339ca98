"""The whole pipeline on one machine (`invoke nightly`): the steps CI splits between test.yml and publish.yml.

Steps run in order and the first failing one stops the night: a commit whose tests fail is never
built, a build with a content problem or warning is never checked, and a release that fails a
check never goes live. Publishing builds with publishconf.py into a new release, checks it and
only then switches `live` (buildtools/publish.py), so build, check and switch happen under one lock.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
import time
from collections.abc import Callable

from buildtools.publish import REPO_ROOT

Step = tuple[str, Callable[[], int]]


def run_steps(steps: list[Step], log=print) -> int:
    """Run each step; return the first non-zero exit code (0 when every step passed)."""
    for number, (name, step) in enumerate(steps, 1):
        log(f"== 第 {number}/{len(steps)} 步：{name}")
        started = time.monotonic()
        code = step()
        took = time.monotonic() - started
        if code:
            log(f"== {name} 失败（退出码 {code}，用时 {took:.1f}s）；后面的步骤没有运行，线上网站保持原样。")
            return code
        log(f"== {name} 完成（用时 {took:.1f}s）")
    return 0


def test_step(pytest_args: str) -> Step:
    def run() -> int:
        code = subprocess.call([sys.executable, "-m", "pytest", *shlex.split(pytest_args)], cwd=REPO_ROOT)
        return 1 if code == 5 else code  # "no tests ran" is a failure, as in `invoke test`

    return "测试", run


def publish_step(settings: str, root: str | None, force: bool) -> Step:
    def run() -> int:
        from buildtools.publish import main as publish_main

        return publish_main(
            ["publish", "--settings", settings] + (["--root", root] if root else []) + (["--force"] if force else [])
        )

    return "构建（publishconf）、检查、发布", run


def nightly_steps(settings: str, root: str | None = None, pytest_args: str = "-q", force: bool = False) -> list[Step]:
    return [test_step(pytest_args), publish_step(settings, root, force)]


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(description="每晚的构建与发布")
    # LILING_NIGHTLY_SETTINGS lets a test run the whole night on a fixture site.
    parser.add_argument(
        "--settings", default=os.environ.get("LILING_NIGHTLY_SETTINGS", os.path.join(REPO_ROOT, "publishconf.py"))
    )
    parser.add_argument("--root", default=None)
    parser.add_argument("--pytest-args", default="-q")
    parser.add_argument("--force", action="store_true")
    args = parser.parse_args(argv)
    return run_steps(nightly_steps(args.settings, args.root, args.pytest_args, args.force))


if __name__ == "__main__":
    sys.exit(main())
