"""Whether a plugin is listed in a build's PLUGINS, by its short name or as `plugins.<name>`.

Pelican's signals are process-wide: once a plugin is registered its handlers fire for every later
Pelican run in the same process (the tests build several sites), so a handler acts only where
its plugin is listed.
"""

from __future__ import annotations


def plugin_listed(settings, name: str) -> bool:
    """`name` is the plugin's short name (`seo`) or its module name (`plugins.seo.seo`)."""
    short = name.removeprefix("plugins.").split(".")[0]
    listed = settings.get("PLUGINS") or []
    return short in listed or f"plugins.{short}" in listed
