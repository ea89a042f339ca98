"""The build runner's settings: each one's default and what a right value is, in one place.

pelicanconf.py sets the values this site chooses; a setting it leaves out takes the default
here. The plugins' settings are in each plugin's DEFAULTS dict, the publishing ones in
buildtools/publish.py, the search shards' in buildtools/search_shards.py, BUILD_WORKERS in
plugins/portal_data/workers.py; the README's settings tables list them all. A wrong value stops
the build before anything is read, with a message naming the setting.
"""

from __future__ import annotations

from buildtools.search_shards import shard_settings
from plugins.portal_data.workers import build_workers

DEFAULTS = {
    "INCREMENTAL_BUILD": True,  # render into the kept work folder and sync; False: a fresh folder every time
    "INCREMENTAL_WORK_PATH": None,  # the work folder; None: `<output>.work` beside the output
    "SEARCH_INDEX": True,  # build the search index's shards after Pelican
    "PRECOMPRESS": True,  # write .gz/.br copies beside every text file
    "RENDER_KEYS_AUDIT": False,  # render every page anyway and fail on one a key would have left stale
}
FLAGS = ("INCREMENTAL_BUILD", "SEARCH_INDEX", "PRECOMPRESS", "RENDER_KEYS_AUDIT")


def runner_settings(settings: dict) -> dict:
    """The runner's settings with their defaults; ValueError naming the first wrong one."""
    config = {key: settings.get(key, default) for key, default in DEFAULTS.items()}
    for key in FLAGS:
        if not isinstance(config[key], bool):
            raise ValueError(f"{key} 应为 True 或 False，现为 {config[key]!r}")
    work_path = config["INCREMENTAL_WORK_PATH"]
    if work_path is not None and (not isinstance(work_path, str) or not work_path.strip()):
        raise ValueError(f'INCREMENTAL_WORK_PATH 应为文件夹路径（例："output.work"）或 None，现为 {work_path!r}')
    config["BUILD_WORKERS"] = build_workers(settings)
    shard_settings(settings)  # a wrong SEARCH_SHARDS stops the build here, before anything is read
    return config
