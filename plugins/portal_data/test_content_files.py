"""Which files the checks read (content_files.py): found as Pelican finds them, named as editors see them."""

from __future__ import annotations

import os

from plugins.portal_data.content_files import csv_files, markdown_files


def test_files_under_page_paths_are_pages_and_every_other_markdown_file_an_article(tmp_path):
    for name in ("pages/about.md", "news/2020-07-08/melon.md", "news/a.MD", "top.md", ".hidden/x.md", "d/x.csv"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("Title: x\n", encoding="utf-8")
    settings = {"PATH": str(tmp_path), "ARTICLE_PATHS": [""], "PAGE_PATHS": ["pages"]}
    found = [(item.shown, item.kind, item.path) for item in markdown_files(settings)]
    expected = [("news/2020-07-08/melon.md", "article"), ("news/a.MD", "article"), ("pages/about.md", "page")]
    expected.append(("top.md", "article"))
    assert found == [(shown.replace("/", os.sep), kind, str(tmp_path / shown)) for shown, kind in sorted(expected)]
    # A path setting naming one file, or a folder below another path setting, names it the same way.
    settings = {"PATH": str(tmp_path), "ARTICLE_PATHS": ["news/", "news/2020-07-08/melon.md"], "PAGE_PATHS": []}
    assert [item.shown for item in markdown_files(settings)] == [
        os.path.join("news", "2020-07-08", "melon.md"),
        os.path.join("news", "a.MD"),
    ]
    assert [(item.shown, item.kind) for item in csv_files(settings)] == [(os.path.join("d", "x.csv"), "csv")]
