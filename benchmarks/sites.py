"""The three builders the benchmark compares, each pointed at the same generated Markdown.

ours:    pelicanconf.py with every plugin, our theme and the disclosures (what the nightly builds);
news:    the same without the disclosure plugins (search index and compressed copies included);
newshtml: the news build without search index and compressed copies, like for like with vanilla;
newshtml1: the same with BUILD_WORKERS = 1 (one process, as vanilla Pelican);
vanilla: Pelican 4.12 as installed: default theme, no plugins, folder pagination;
hugo:    Debian's Hugo on the same articles converted to Hugo front matter, minimal layouts.
"""

from __future__ import annotations

import json
import os
import shutil

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUILD_TIME = "2030-01-01T00:00"  # after every generated date: nothing is held back as scheduled
DISCLOSURE_PLUGINS = ("plugins.village_disclosure", "plugins.power_list")

OURS = """
import sys
sys.path.insert(0, {repo!r})
from pelicanconf import *
PATH = {content!r}
THEME = {repo!r} + "/theme"
PLUGIN_PATHS = [{repo!r} + "/plugins"]
BUILD_TIME = {build_time!r}
{extra}
"""

VANILLA = """
PATH = {content!r}
ARTICLE_PATHS = ["news"]
PAGE_PATHS = ["pages"]
PLUGINS = []
TIMEZONE = "Asia/Shanghai"
DEFAULT_LANG = "zh"
DEFAULT_PAGINATION = 20
PAGINATION_PATTERNS = (
    (1, "{{url}}", "{{save_as}}"),
    (2, "{{base_name}}/page/{{number}}/", "{{base_name}}/page/{{number}}/index.html"),
)
"""

HUGO_CONFIG = """baseURL = "https://news.liling.example/"
languageCode = "zh-cn"
title = "醴陵新闻"
hasCJKLanguage = true
paginate = 20
disableKinds = ["RSS", "sitemap", "robotsTXT", "404"]
[taxonomies]
  category = "categories"
  tag = "tags"
  author = "authors"
"""


def write_settings(work: str, content: str) -> dict[str, str]:
    """Settings files for ours, news-only and vanilla; returns their paths by name."""
    news_only = f"PLUGINS = [p for p in PLUGINS if p not in {DISCLOSURE_PLUGINS!r}]\n"
    # The same news build producing what vanilla Pelican produces (HTML and feeds): no search index,
    # no precompressed copies. Compared with vanilla like for like; "news" is the real thing.
    html_only = news_only + "SEARCH_INDEX = False\nPRECOMPRESS = False\n"
    files = {
        "ours": OURS.format(repo=REPO, content=content, build_time=BUILD_TIME, extra=""),
        "news": OURS.format(repo=REPO, content=content, build_time=BUILD_TIME, extra=news_only),
        "newshtml": OURS.format(repo=REPO, content=content, build_time=BUILD_TIME, extra=html_only),
        # The same in one process (no workers), to show what the second core adds.
        "newshtml1": OURS.format(
            repo=REPO, content=content, build_time=BUILD_TIME, extra=html_only + "BUILD_WORKERS = 1\n"
        ),
        "vanilla": VANILLA.format(content=content),
    }
    paths = {}
    for name, text in files.items():
        paths[name] = os.path.join(work, f"{name}conf.py")
        with open(paths[name], "w", encoding="utf-8") as handle:
            handle.write(text)
    return paths


def hugo_front_matter(metadata: dict[str, str]) -> str:
    """Our `Key: value` block as Hugo TOML front matter with the same fields."""
    date = metadata["date"].replace(" ", "T") + ":00+08:00"
    split = [name.strip() for name in metadata.get("tags", "").split(",") if name.strip()]
    fields = {
        "title": metadata["title"],
        "date": date,
        "slug": metadata["slug"],
        "summary": metadata.get("summary", ""),
        "categories": [metadata["category"]],
        "tags": split,
        "authors": [metadata["author"]],
    }
    return (
        "+++\n"
        + "".join(f"{key} = {json.dumps(value, ensure_ascii=False)}\n" for key, value in fields.items())
        + "+++\n"
    )


def split_markdown(text: str) -> tuple[dict[str, str], str]:
    head, _, body = text.partition("\n\n")
    metadata = {}
    for line in head.splitlines():
        key, _, value = line.partition(":")
        metadata[key.strip().lower()] = value.strip()
    return metadata, body


def write_hugo_site(work: str, content: str) -> str:
    """Convert every article of content/news into a Hugo site under work/hugo; returns its folder."""
    site = os.path.join(work, "hugo")
    shutil.rmtree(site, ignore_errors=True)
    shutil.copytree(os.path.join(REPO, "benchmarks", "hugo_layouts"), os.path.join(site, "layouts"))
    with open(os.path.join(site, "hugo.toml"), "w", encoding="utf-8") as handle:
        handle.write(HUGO_CONFIG)
    news = os.path.join(content, "news")
    for folder in sorted(os.listdir(news)):
        target = os.path.join(site, "content", "news", folder)
        os.makedirs(target, exist_ok=True)
        for name in sorted(os.listdir(os.path.join(news, folder))):
            with open(os.path.join(news, folder, name), encoding="utf-8") as handle:
                metadata, body = split_markdown(handle.read())
            with open(os.path.join(target, name), "w", encoding="utf-8") as handle:
                handle.write(hugo_front_matter(metadata) + "\n" + body)
    return site
