"""Which page changes reach the search index (buildtools/search_text.py), and a ledger correction
that moves later months' balances re-indexing only the month whose searchable text changed."""

from __future__ import annotations

import shutil

import pytest

from buildtools.search_text import search_text
from conftest import ROOT

PAGE = ('<html lang="zh-CN"><head><title>{title}</title><meta name="description" content="{description}"></head>'
        '<body><nav>{nav}</nav><article data-pagefind-body data-pagefind-filter="栏目:村务公开"><h1>长岭村 2020年1月</h1>'
        '<dl><div data-pagefind-ignore="all"><dt>期初余额</dt><dd>{balance} 元</dd></div>'
        '<div><dt>本月收入</dt><dd>{income} 元</dd></div></dl><p>修路 &amp; 清淤</p></article>'
        '<footer>{footer}</footer></body></html>')
BASE = dict(title="长岭村", description="期末余额 1.00 元", nav="村务公开", balance="1.00", income="5.00", footer="醴陵")


def page(**changes) -> str:
    return PAGE.format(**{**BASE, **changes})


@pytest.mark.parametrize("changes", [dict(balance="2.00"), dict(description="期末余额 2.00 元"), dict(nav="栏目"),
                                     dict(footer="株洲")])
def test_changes_pagefind_does_not_read_leave_the_search_text_alone(changes):
    assert search_text(page(**changes)) == search_text(page())


@pytest.mark.parametrize("changed", [
    page(income="6.00"),                                               # text in the body
    page().replace("修路", "修桥"),
    page().replace('栏目:村务公开', '栏目:权力清单'),                     # a filter
    page().replace('<html lang="zh-CN">', '<html lang="en">'),          # the language
    page().replace("<nav>", '<nav><h1>页首标题</h1>'),                   # a first h1 outside the body (default title)
    page().replace("<footer>", '<footer><img src="logo.png" alt="醴陵">'),  # an image anywhere (default image)
    page().replace("<footer>", '<footer data-pagefind-meta="作者:某">'),  # metadata outside the body
    page(title="别的标题"),                                                # the <title>, to be safe
])
def test_every_change_pagefind_reads_changes_the_search_text(changed):
    assert search_text(changed) != search_text(page())


def test_the_text_of_a_tagged_element_outside_the_body_counts():
    tagged = '<footer data-pagefind-meta="来源">'  # a meta without a value takes the element's text
    assert search_text(page(footer="株洲").replace("<footer>", tagged)) != search_text(page().replace("<footer>", tagged))


def test_a_page_that_cannot_be_read_as_expected_counts_as_changed():
    assert search_text("<html><body><p>没有可索引的部分</p></body></html>") is None
    assert search_text(page().replace("</article>", "")) is None  # the body never closes
    assert search_text(page().replace("</p>", "</div>")) is None  # closed out of order


def test_a_correction_reindexes_only_the_month_whose_search_text_changed(tmp_path):
    from benchmarks.bench import touch_ledger
    from buildtools.build import build_site

    shutil.copytree(ROOT / "content", tmp_path / "content")
    overrides = {"PATH": str(tmp_path / "content"), "BUILD_TIME": "2030-01-01T00:00", "PRECOMPRESS": False,
                 "SEARCH_SHARDS": [(r"^disclosures/villages/[^/]+/(\d{4}-\d\d)/", r"ledgers-\1")]}
    output = tmp_path / "output"
    assert build_site(str(ROOT / "pelicanconf.py"), str(output), overrides).ok
    corrected = touch_ledger(str(tmp_path / "content"))  # the earliest month of the first village
    assert corrected.endswith("changling/2020-01.csv")
    later = output / "disclosures/villages/changling/2020-03/index.html"
    balance_before = later.read_text(encoding="utf-8")
    result = build_site(str(ROOT / "pelicanconf.py"), str(output), overrides)
    assert result.ok, result.problems
    assert later.read_text(encoding="utf-8") != balance_before  # every later month's balances moved
    # Only January's text changed for the index (village and town pages carry no content area).
    assert result.report["search"]["reindexed"] == ["ledgers-2020-01"]
    assert result.report["incremental"]["pages_changed_for_search"] < result.report["incremental"]["written"]
