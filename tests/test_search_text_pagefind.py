"""The search-text rules (buildtools/search_text.py) checked against Pagefind itself: small sites are
built with the real templates, Pagefind indexes their pages as they are, and what it read of each page
(its fragment: text, filters, metadata) is compared with what our rules read of the same page.

Where the rules differ from Pagefind on purpose, the test says so: labels (column headings, field
names, captions) are read by both but our rules keep them out of the index and only in the
excerpt; and a `key:value, key:value` list in one attribute, which our templates write, is one
value to Pagefind 1.5 and a list of pairs to our rules (the documents we hand Pagefind carry one
element per pair, so results show each field apart)."""

from __future__ import annotations

import glob
import gzip
import json
import pathlib
import re
import subprocess
import sys

import pytest
from build_helpers import EDITIONS_FIXTURE, ROOT

from buildtools.search_text import LABEL_WEIGHT, SKIPPED_BY_PAGEFIND, searchable_parts
from plugins.portal_data.fixture_site import build_fixture_site, build_register_site

PLUGINS = ROOT / "plugins"
# Metadata Pagefind adds by itself from a page's first image; results show no images, so we do not.
PAGEFIND_ONLY_META = {"image", "image_alt"}
# Metadata our rules add for the result list: the text shown in the excerpt, and the weighed headline.
OURS_ONLY_META = {"text", "headline"}


def build_sites(tmp_path: pathlib.Path) -> list[pathlib.Path]:
    """A news edition, a power list, a problem list and a village's ledger months, as residents get them.

    One after another in one test's set-up, so each build's plugins stay connected for the next
    (tests/conftest.py disconnects them between tests): the village plugin, which switches itself on
    wherever a disclosures/ folder exists, is built last."""
    accounts = str(ROOT / "content" / "disclosures" / "accounts.csv")
    news = build_fixture_site(EDITIONS_FIXTURE, tmp_path / "news", ["plugins.news_article", "plugins.editions"])
    power = build_register_site(
        PLUGINS / "power_list" / "test_data" / "good", tmp_path / "power", "disclosures", "plugins.power_list"
    )
    problems = build_register_site(
        PLUGINS / "problem_list" / "test_data" / "good",
        tmp_path / "problems",
        "disclosures",
        "plugins.problem_list",
        BUILD_TIME="2020-07-08T09:00",
    )
    ledgers = build_fixture_site(
        PLUGINS / "village_disclosure" / "test_data" / "good",
        tmp_path / "ledgers",
        ["plugins.village_disclosure"],
        articles=False,
        VILLAGE_DISCLOSURE_ACCOUNTS=accounts,
    )
    return [news, power, problems, ledgers]


def pagefind_fragments(site: pathlib.Path) -> dict[str, dict]:
    """{page URL: what Pagefind stored of it}, from Pagefind's own index of the site as it is."""
    index = site.parent / (site.name + "-pagefind")
    subprocess.run(
        [sys.executable, "-m", "pagefind", "--site", str(site), "--output-path", str(index), "--quiet"],
        check=True,
        capture_output=True,
    )
    fragments = {}
    for path in glob.glob(str(index / "fragment" / "*.pf_fragment")):
        fragment = json.loads(gzip.decompress(pathlib.Path(path).read_bytes())[len("pagefind_dcd") :])
        fragments[fragment["url"]] = fragment
    return fragments


def our_reading(site: pathlib.Path) -> dict[str, tuple]:
    """{page URL: (blocks, fields)} for every page our rules find a searchable body in."""
    pages = {}
    for path in sorted(site.rglob("*.html")):
        parts = searchable_parts(path.read_text(encoding="utf-8"))
        if parts is not None:
            url = "/" + str(path.relative_to(site)).removesuffix("index.html")
            pages[url] = parts
    return pages


def squashed(text: str) -> str:
    """Text without white space, full stops and zero-width spaces: Pagefind ends each block with '. '
    (we with ' ') and, for a zh-CN page, puts U+200B between the words its dictionary finds.
    Its marker for where a weighed part of the title ends is left in the title it stores."""
    return re.sub(r"[\s.\u200b]|___END_PAGEFIND_WEIGHT___", "", text)


def as_pairs(key: str, value: str) -> list[tuple[str, str]]:
    """Pagefind's one value of a `key:value, key2:value2` attribute, as the pairs our rules read."""
    first, *more = value.split(", ")
    return [(key, first)] + [tuple(pair.split(":", 1)) for pair in more]


@pytest.fixture(scope="module")
def indexed(tmp_path_factory):
    """[(site, Pagefind's fragments, our reading)] for each small site."""
    sites = build_sites(tmp_path_factory.mktemp("search-text"))
    return [(site, pagefind_fragments(site), our_reading(site)) for site in sites]


def test_the_same_pages_are_searchable(indexed):
    for site, fragments, ours in indexed:
        assert sorted(fragments) == sorted(ours), site.name
        assert ours, f"{site.name}: no searchable page; the comparison would prove nothing"


def test_the_text_read_of_each_page_is_the_text_pagefind_reads(indexed):
    """Body, ignored parts (with and without ="all"), navigation inside the body: the same text."""
    for _site, fragments, ours in indexed:
        for url, (blocks, _fields) in ours.items():
            assert squashed(" ".join(text for _, text in blocks)) == squashed(fragments[url]["content"]), url


def test_labels_are_read_by_both_and_indexed_only_by_pagefind(indexed):
    labelled = [
        (url, text)
        for _s, _f, ours in indexed
        for url, (blocks, _) in ours.items()
        for w, text in blocks
        if w == LABEL_WEIGHT
    ]
    assert labelled, "the fixture pages have field names and column headings"
    pages = {url: fragment for _s, fragments, _o in indexed for url, fragment in fragments.items()}
    for url, text in labelled:
        assert squashed(text) in squashed(pages[url]["content"])


def test_filters_are_the_filters_pagefind_finds(indexed):
    for _site, fragments, ours in indexed:
        for url, (_blocks, fields) in ours.items():
            filters: dict[str, list[str]] = {}
            for kind, key, value in fields:
                if kind == "filter":
                    filters.setdefault(key, []).append(value)
            found = {key: sorted(values) for key, values in fragments[url]["filters"].items()}
            assert {key: sorted(values) for key, values in filters.items()} == found, url


def test_metadata_is_pagefinds_with_each_listed_pair_apart(indexed):
    for _site, fragments, ours in indexed:
        for url, (_blocks, fields) in ours.items():
            mine = sorted(
                (key, squashed(value)) for kind, key, value in fields if kind == "meta" and key not in OURS_ONLY_META
            )
            theirs = sorted(
                (key, squashed(value))
                for name, listed in fragments[url]["meta"].items()
                if name not in PAGEFIND_ONLY_META
                for key, value in as_pairs(name, listed)
            )
            assert mine == theirs, url


def test_a_listed_attribute_is_one_value_to_pagefind():
    """Why as_pairs exists: if Pagefind learns to split such lists, our templates can rely on it."""
    fragments_value = "村务公开, 日期:2020-01"
    assert as_pairs("类型", fragments_value) == [("类型", "村务公开"), ("日期", "2020-01")]


def test_what_pagefind_leaves_out_of_a_body_is_left_out(tmp_path):
    """Every element Pagefind skips inside a body, and some it reads, in one page: the same text."""
    skipped = sorted(SKIPPED_BY_PAGEFIND - {"script", "style"})  # their text is never shown anyway
    read = ["header", "aside", "figure", "button", "details", "address"]
    body = "".join(f"<div>旁{tag}文</div><{tag}>内{tag}文</{tag}>" for tag in skipped + read)
    site = tmp_path / "site"
    (site / "a").mkdir(parents=True)
    (site / "a" / "index.html").write_text(
        f'<html lang="zh-CN"><body><article data-pagefind-body><h1>题</h1>{body}</article></body></html>',
        encoding="utf-8",
    )
    [fragment] = pagefind_fragments(site).values()
    blocks, _fields = our_reading(site)["/a/"]
    assert squashed(" ".join(text for _, text in blocks)) == squashed(fragment["content"])
    assert all(f"内{tag}文" not in squashed(fragment["content"]) for tag in skipped)
