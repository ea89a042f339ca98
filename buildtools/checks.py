"""Checks a finished build must pass before it may go live: links resolve, search is there, nothing vanished.

Each check returns a list of problems in plain Chinese (empty when it passes), so the publish
step can report them all at once and refuse to switch the live site.
"""

from __future__ import annotations

import html
import json
import os
import re
import urllib.parse

from buildtools.search_shards import ENTRY
from plugins.portal_data.tree import tree_files

# Our templates always quote attributes with ", and autoescape writes & as &amp;.
_LINK = re.compile(rb'\s(?:href|src)="([^"]*)"')
_SKIPPED_SCHEMES = ("mailto:", "tel:", "javascript:", "data:", "#")
SHOWN_BROKEN = 30


def html_pages(root: str) -> list[str]:
    return [path for relative, path in tree_files(root) if relative.endswith(".html")]


def page_count(root: str) -> int:
    return len(html_pages(root)) if root and os.path.isdir(root) else 0


def _target_path(root: str, page: str, url: str, site_url: str) -> str | None:
    """The file a link points to inside `root`, or None when it leaves the site."""
    url = html.unescape(url).strip()
    if not url or url.startswith(_SKIPPED_SCHEMES):
        return None
    if site_url and url.startswith(site_url.rstrip("/") + "/"):
        url = url[len(site_url.rstrip("/")) :]
    parts = urllib.parse.urlsplit(url)
    if parts.scheme or parts.netloc:
        return None
    path = urllib.parse.unquote(parts.path)
    if not path:
        return None  # "?page=2" or "#top": the page itself
    if path.startswith("/"):
        target = os.path.join(root, path.lstrip("/"))
    else:
        target = os.path.join(os.path.dirname(page), path)
    target = os.path.normpath(target)
    if path.endswith("/") or os.path.isdir(target):
        target = os.path.join(target, "index.html")
    return target


def broken_links(root: str, site_url: str = "") -> list[str]:
    """'news/x/index.html → ../y/' for every internal link or asset whose file does not exist."""
    root = os.path.abspath(root)
    exists: dict[str, bool] = {}
    broken = []
    for page in html_pages(root):
        with open(page, "rb") as handle:
            links = _LINK.findall(handle.read())
        for raw in dict.fromkeys(links):
            url = raw.decode("utf-8", "replace")
            target = _target_path(root, page, url, site_url)
            if target is None:
                continue
            if target not in exists:
                exists[target] = os.path.isfile(target) and target.startswith(root + os.sep)
            if not exists[target]:
                broken.append(f"{os.path.relpath(page, root)} → {url}")
    return broken


def check_links(root: str, site_url: str = "") -> list[str]:
    broken = broken_links(root, site_url)
    if not broken:
        return []
    shown = broken[:SHOWN_BROKEN]
    more = f"（另有 {len(broken) - len(shown)} 处）" if len(broken) > len(shown) else ""
    return [f"站内链接指向不存在的文件 {len(broken)} 处{more}："] + ["  " + line for line in shown]


def check_search_index(root: str, index_file: str | None) -> list[str]:
    """When the site has search (setting PUBLISH_SEARCH_INDEX), its index must have been built.

    A shard manifest (`search-index/shards.json`, buildtools/search_shards.py) must list at least
    one shard, and every shard it lists must be a complete index beside it (its layout.json is
    written last).
    """
    if not index_file:
        return []
    path = os.path.join(root, index_file)
    if not os.path.isfile(path):
        return [f"搜索索引 {index_file} 不存在：搜索步骤没有运行或失败了"]
    if os.path.basename(index_file) != "shards.json":
        return []
    try:
        with open(path, encoding="utf-8") as handle:
            shards = json.load(handle)["shards"]
    except (ValueError, KeyError, TypeError):
        return [f'搜索索引清单 {index_file} 无法读取：应为 {{"shards": [...]}}']
    if not shards:
        return [f"搜索索引清单 {index_file} 没有列出任何分片"]
    folder = os.path.dirname(index_file)
    return [
        f"搜索索引分片 {folder}/{shard}/ 不完整（缺少 {ENTRY}）：搜索步骤没有运行或失败了"
        for shard in shards
        if not os.path.isfile(os.path.join(root, folder, shard, ENTRY))
    ]


def check_page_count(new_count: int, live_count: int, max_drop: float, force: bool) -> list[str]:
    """A large drop in pages usually means content went missing, not that it was deleted on purpose."""
    if force or live_count == 0 or new_count >= live_count * (1 - max_drop):
        return []
    return [
        f"页面数从 {live_count} 降到 {new_count}（减少超过 {max_drop:.0%}）；"
        "如果确实删除了这些内容，请加 --force 重新发布"
    ]
