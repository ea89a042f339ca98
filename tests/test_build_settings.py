"""The build runner's settings (buildtools/settings.py): one place for each default, and a wrong
value stops the build before anything is read, naming the setting, with the output untouched."""

from __future__ import annotations

import pytest

from buildtools.build import build_site
from buildtools.settings import DEFAULTS, runner_settings
from conftest import ROOT


def test_every_runner_setting_has_its_default_and_is_in_the_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert runner_settings({}) == {**DEFAULTS, "BUILD_WORKERS": runner_settings({})["BUILD_WORKERS"]}
    for key in [*DEFAULTS, "BUILD_WORKERS"]:
        assert f"`{key}`" in readme, key


@pytest.mark.parametrize(
    "key, value, message",
    [
        ("PRECOMPRESS", "yes", "PRECOMPRESS 应为 True 或 False，现为 'yes'"),
        ("SEARCH_INDEX", 1, "SEARCH_INDEX 应为 True 或 False，现为 1"),
        ("INCREMENTAL_BUILD", None, "INCREMENTAL_BUILD 应为 True 或 False，现为 None"),
        ("RENDER_KEYS_AUDIT", "False", "RENDER_KEYS_AUDIT 应为 True 或 False，现为 'False'"),
        ("INCREMENTAL_WORK_PATH", 3, 'INCREMENTAL_WORK_PATH 应为文件夹路径（例："output.work"）或 None，现为 3'),
        ("BUILD_WORKERS", 0, "BUILD_WORKERS 应为正整数（例：2），现为 0"),
    ],
)
def test_a_wrong_setting_fails_the_build_naming_it_and_keeps_the_output(tmp_path, key, value, message):
    output = tmp_path / "output"
    output.mkdir()
    (output / "index.html").write_text("the live site", encoding="utf-8")
    result = build_site(str(ROOT / "pelicanconf.py"), str(output), {key: value})
    assert not result.ok
    assert result.problems == [f"设置有误：{message}"]
    assert [p.name for p in output.iterdir()] == ["index.html"]
    assert (output / "index.html").read_text(encoding="utf-8") == "the live site"
    assert not (tmp_path / "output.work").exists()
