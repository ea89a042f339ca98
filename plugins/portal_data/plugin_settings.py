"""A plugin's settings: its DEFAULTS dict merged with the site's, each value checked against its default's kind.

Every plugin reads its settings through here once, so a value of the wrong kind (a number where a
path goes, text where a count goes) fails the build with an error naming the setting, instead of a
Python exception somewhere deep in the plugin.
"""

from __future__ import annotations

from collections.abc import Iterator

from .errors import DataError

SETTINGS_FILE = "pelicanconf.py"


def plugin_settings(settings, defaults: dict, placeholders: dict | None = None) -> tuple[dict, list[DataError]]:
    """The plugin's settings over its defaults: each of its default's kind (a path, a whole number,
    True or False, a list of words; a None default is the plugin's own to check), and each URL
    pattern in `placeholders` with its placeholder, or every page would be written to the same file."""
    config = {key: settings.get(key, default) for key, default in defaults.items()}
    errors = [
        DataError(
            SETTINGS_FILE, 0, 0, "bad-setting", f"{key} = {config[key]!r} 不对；应为{kind}，例如 {defaults[key]!r}"
        )
        for key, kind in _wrong_kinds(config, defaults)
    ]
    errors += [
        DataError(
            SETTINGS_FILE, 0, 0, "bad-setting", f"{key} = {config[key]!r} 缺少 {placeholder}；例如 {defaults[key]!r}"
        )
        for key, placeholder in (placeholders or {}).items()
        if isinstance(config[key], str) and placeholder not in config[key]
    ]
    return config, errors


def _wrong_kinds(config: dict, defaults: dict) -> Iterator[tuple[str, str]]:
    """(key, the kind it should be) for each value that is not of its default's kind."""
    for key, default in defaults.items():
        value = config[key]
        if isinstance(default, bool):  # before int: True is an int to Python
            if not isinstance(value, bool):
                yield key, " True 或 False"
        elif isinstance(default, str):
            if not isinstance(value, str):
                yield key, "文字（路径或网址）" if default else "文字（可留空）"
            elif default and not value.strip():
                yield key, "文字（路径或网址）"
        elif isinstance(default, int):
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                yield key, "正整数"
        elif isinstance(default, (list, tuple)):
            if not isinstance(value, (list, tuple)) or not all(isinstance(item, str) and item for item in value):
                yield key, "文字的列表"
