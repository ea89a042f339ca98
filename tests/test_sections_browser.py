"""Section, archive and search pages in Chromium: no sideways scrolling on a phone, and axe-core finds
nothing serious (the search page is checked with its results listed)."""

from __future__ import annotations

import pytest
from browser_checks import axe_violations, sideways_overflow

pytestmark = pytest.mark.browser

PAGES = {
    "section": "/sannong/",
    "archive-month": "/archives/2020/07/",
    "archives": "/archives/",
    "search": "/search/?q=苹果瓜",
}


def settle(browser_page, name):
    if name == "search":
        browser_page.wait_for_selector(".lp-search-result__link", timeout=15000)


@pytest.mark.parametrize("name", PAGES)
def test_no_horizontal_scroll_at_320(browser_page, site_url, screenshot, name):
    browser_page.set_viewport_size({"width": 320, "height": 800})
    browser_page.goto(site_url + PAGES[name])
    settle(browser_page, name)
    assert sideways_overflow(browser_page) <= 0
    screenshot(browser_page, f"{name}-320")


@pytest.mark.parametrize("name", PAGES)
def test_axe_finds_no_serious_or_critical_violation(browser_page, site_url, name):
    browser_page.goto(site_url + PAGES[name])
    settle(browser_page, name)
    assert axe_violations(browser_page) == []
