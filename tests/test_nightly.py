"""The nightly sequence: steps in order, stop at the first failure, and the CI workflow runs the same."""

from __future__ import annotations

import os
import pathlib
import re
import shutil
import subprocess
import sys

import yaml

from buildtools.nightly import run_steps

ROOT = pathlib.Path(__file__).resolve().parent.parent
SETTINGS = """
import sys
sys.path.insert(0, {root!r})
from publishconf import *
PATH = {content!r}
THEME = {root!r} + "/theme"
PLUGIN_PATHS = [{root!r} + "/plugins"]
"""


def test_steps_run_in_order_and_the_first_failure_stops_the_night():
    ran, log = [], []

    def step(name, code):
        return name, lambda: ran.append(name) or code

    assert run_steps([step("测试", 0), step("发布", 0)], log.append) == 0 and ran == ["测试", "发布"]
    ran.clear()
    assert run_steps([step("测试", 3), step("发布", 0)], log.append) == 3
    assert ran == ["测试"] and "测试 失败（退出码 3" in log[-1]


def nightly(tmp_path, pytest_args: str):
    content = tmp_path / "content"
    if not content.exists():
        shutil.copytree(ROOT / "content", content)
    settings = tmp_path / "settings.py"
    settings.write_text(SETTINGS.format(root=str(ROOT), content=str(content)), encoding="utf-8")
    return subprocess.run(
        [sys.executable, "-m", "invoke", "nightly", "--args", pytest_args, "--root", str(tmp_path / "releases")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "LILING_NIGHTLY_SETTINGS": str(settings), "LILING_BUILD_TIME": "2030-01-01T00:00"},
    )


def test_invoke_nightly_tests_builds_checks_and_publishes_a_fixture_site(tmp_path):
    done = nightly(tmp_path, "plugins/editions -q")
    assert done.returncode == 0, done.stdout + done.stderr
    live = tmp_path / "releases/live"
    assert (live / "site/news/2020/07/lottery-jackpot/index.html").is_file()
    # built with publishconf: absolute URLs on the real domain
    assert "https://news.liling.example/" in (live / "site/index.html").read_text(encoding="utf-8")
    assert [line for line in done.stdout.splitlines() if line.startswith("== 第")] == [
        "== 第 1/2 步：测试",
        "== 第 2/2 步：构建（publishconf）、检查、发布",
    ]
    published = os.readlink(live)
    failed = nightly(tmp_path, "plugins/no_such_plugin")
    assert failed.returncode != 0 and "测试 失败" in failed.stdout
    assert os.readlink(live) == published
    assert sorted(p.name for p in (tmp_path / "releases").iterdir() if not p.name.startswith(".")) == sorted(
        [published, "live"]
    )


def readme_commands() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"## Set-up: two commands.*?```sh\n(.*?)```", readme, re.S).group(1)
    return [line.strip() for line in block.splitlines() if line.strip() and not line.startswith("#")]


def workflow(name: str) -> dict:
    return yaml.safe_load((ROOT / ".github/workflows" / name).read_text(encoding="utf-8"))


def test_tests_run_on_a_throwaway_debian_runner_with_the_readme_test_command():
    tests = workflow("test.yml")
    triggers = tests[True]  # YAML 1.1 reads the key `on` as True
    assert triggers["push"]["branches"] == ["main"]
    assert [entry["cron"] for entry in triggers["schedule"]] == ["0 18 * * *"]
    job = tests["jobs"]["test"]
    assert job["runs-on"] == "ubuntu-latest" and job["container"] == "debian:12"
    commands = [step["run"] for step in job["steps"] if "run" in step]
    assert readme_commands()[1] in commands
    assert (ROOT / ".ci/run").read_text(encoding="utf-8").strip().endswith(readme_commands()[1])


def test_publish_runs_on_the_host_only_after_tests_passed_and_every_fifteen_minutes():
    publish = workflow("publish.yml")
    triggers = publish[True]
    assert triggers["workflow_run"] == {"workflows": ["test"], "types": ["completed"], "branches": ["main"]}
    assert [entry["cron"] for entry in triggers["schedule"]] == ["*/15 * * * *"]
    job = publish["jobs"]["publish"]
    assert "liling-publish" in job["runs-on"]
    assert job["if"] == "github.event_name != 'workflow_run' || github.event.workflow_run.conclusion == 'success'"
    checkout = next(step for step in job["steps"] if step.get("uses", "").startswith("actions/checkout"))
    assert checkout["with"]["ref"] == "${{ steps.tested.outputs.sha }}"
    commands = [step["run"] for step in job["steps"] if "run" in step]
    assert commands[1:] == [readme_commands()[0].split(" && ")[0], ".venv/bin/python -m invoke publish"]
    # Nothing on the publishing host needs root or a browser.
    assert not any(
        word in command for command in commands for word in ("apt-get", "install-test-deps", "pytest", "sudo")
    )
