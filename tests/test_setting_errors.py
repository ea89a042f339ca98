"""A wrong setting, of each kind (a value of the wrong type, a search-shard rule that is not a pattern,
a number out of range, a URL pattern without its placeholder), in the build runner or in any plugin
(each plugin's DEFAULTS checked by plugins/portal_data/plugin_settings.py), fails `invoke build` and
`invoke check` with a message naming the setting."""

from __future__ import annotations

import pytest
from build_helpers import EDITIONS_FIXTURE, settings_for

from buildtools import check
from buildtools.build import build_site
from buildtools.publish import PublishError, publish_settings
from conftest import ROOT

# kind of mistake: (setting, the value as written in the settings file, what the message says)
WRONG = {
    "runner-type": ("PRECOMPRESS", "'yes'", "PRECOMPRESS 应为 True 或 False，现为 'yes'"),
    "plugin-type": ("POWER_LIST_URL", "3", "POWER_LIST_URL = 3 不对；应为文字（路径或网址）"),
    "shard-pattern": ("SEARCH_SHARDS", r"[('news/(\\d{4}', 'news-\\1')]", "missing ), unterminated subpattern"),
    "shard-rule-shape": ("SEARCH_SHARDS", "[('^news/',)]", "SEARCH_SHARDS 的规则 ('^news/',) 无效"),
    "runner-number": ("BUILD_WORKERS", "0", "BUILD_WORKERS 应为正整数（例：2），现为 0"),
    "plugin-number": ("PROBLEM_LIST_FEED_MAX_ITEMS", "'many'", "PROBLEM_LIST_FEED_MAX_ITEMS = 'many' 不对；应为正整数"),
    "editions-type": ("EDITIONS_URL", "5", "EDITIONS_URL = 5 不对；应为文字（路径或网址）"),
    "editions-placeholder": ("EDITION_SAVE_AS", "'editions/index.html'", "= 'editions/index.html' 缺少 {date"),
    "sections-number": ("SECTIONS_FEED_MAX_ITEMS", "'50'", "SECTIONS_FEED_MAX_ITEMS = '50' 不对；应为正整数"),
    "sections-placeholder": ("SECTION_URL", "'news/'", "SECTION_URL = 'news/' 缺少 {slug}"),
    "seo-list": ("SITEMAP_EXCLUDE_PREFIXES", "'search-index/'", "= 'search-index/' 不对；应为文字的列表"),
    "guard-type": ("PERSONAL_DATA_ALLOWLIST", "None", "PERSONAL_DATA_ALLOWLIST = None 不对；应为文字（路径或网址）"),
    "guard-list": ("PERSONAL_DATA_PHONE_COLUMN_WORDS", "'电话'", "= '电话' 不对；应为文字的列表"),
    "scheduled-type": ("WITHHOLD_DRAFTS", "'no'", "WITHHOLD_DRAFTS = 'no' 不对；应为 True 或 False"),
    "village-type": ("VILLAGES_URL", "7", "VILLAGES_URL = 7 不对；应为文字（路径或网址）"),
    "synonyms-type": ("SEARCH_SYNONYMS_PATH", "3", "SEARCH_SYNONYMS_PATH = 3 不对；应为文字（路径或网址）"),
}


def wrong_settings(tmp_path, key: str, value: str):
    """The editions fixture's settings file with one line an editor could have got wrong."""
    path = settings_for(tmp_path, EDITIONS_FIXTURE)
    path.write_text(path.read_text(encoding="utf-8") + f"{key} = {value}\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("key, value, message", WRONG.values(), ids=WRONG.keys())
def test_a_wrong_setting_fails_the_build_naming_it(tmp_path, key, value, message):
    output = tmp_path / "output"
    result = build_site(str(wrong_settings(tmp_path, key, value)), str(output))
    assert not result.ok and not output.exists()
    assert len(result.problems) == 1 and message in result.problems[0] and key in result.problems[0]


@pytest.mark.parametrize("key, value, message", WRONG.values(), ids=WRONG.keys())
def test_a_wrong_setting_fails_invoke_check_naming_it(tmp_path, capsys, key, value, message):
    assert check.main(["--settings", str(wrong_settings(tmp_path, key, value))]) == 1
    printed = capsys.readouterr()
    assert message in printed.out and key in printed.out and "共 1 处问题" in printed.err


@pytest.mark.parametrize(
    "key, value, message",
    [
        ("PUBLISH_KEEP", 1, "PUBLISH_KEEP 应为不小于 2 的整数（保留上一版才能回滚），现在是 1"),
        ("PUBLISH_MAX_PAGE_DROP", "5%", "PUBLISH_MAX_PAGE_DROP 应为 0 到 1 之间的小数（例：0.05 即 5%），现在是 '5%'"),
        ("PUBLISH_MAX_PAGE_DROP", 5, "PUBLISH_MAX_PAGE_DROP 应为 0 到 1 之间的小数（例：0.05 即 5%），现在是 5"),
        (
            "PUBLISH_SEARCH_INDEX",
            True,
            'PUBLISH_SEARCH_INDEX 应为文件路径（例："search-index/shards.json"）或 None，现在是 True',
        ),
    ],
)
def test_a_wrong_publish_setting_refuses_the_publish_naming_it(key, value, message):
    with pytest.raises(PublishError) as refused:
        publish_settings({key: value})
    assert str(refused.value) == message


def test_the_real_settings_are_right():
    from buildtools.settings import runner_settings
    from buildtools.stages import load_settings

    for name in ("pelicanconf.py", "publishconf.py"):
        settings = load_settings(str(ROOT / name))
        runner_settings(settings)
        publish_settings(settings)
