"""The one Pelican version our build is written for.

buildtools/parallel_output.py repeats Pelican.run step for step, and the archives, the indexed
lists and the Markdown reader replace Pelican internals; another version could change what they
replace without any error, so a build with another version is refused before it starts.
"""

from __future__ import annotations

import pelican

PELICAN_VERSION = "4.12.0"


def wrong_pelican_version(installed: str) -> str | None:
    """The message refusing `installed`, or None when it is the version the build is written for."""
    if installed == PELICAN_VERSION:
        return None
    return (
        f"安装的 Pelican 是 {installed}，本网站的构建程序是按 Pelican {PELICAN_VERSION} 写的（它替换了 Pelican "
        f"内部的几个步骤），换了版本可能悄悄生成错误的网页，所以没有构建。请运行 ./scripts/install 装回 "
        f"{PELICAN_VERSION}；升级 Pelican 时先核对 buildtools/parallel_output.py 等处，再改这里的版本号。"
    )


def require_pelican_version() -> None:
    message = wrong_pelican_version(pelican.__version__)
    if message:
        raise SystemExit(message)
