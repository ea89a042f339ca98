"""Section, archive and search pages in Chromium: no sideways scrolling on a phone, and axe-core finds
nothing serious (the search page is checked with Pagefind's UI and results on it)."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe

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
    assert browser_page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 0
    screenshot(browser_page, f"{name}-320")


@pytest.mark.parametrize("name", PAGES)
def test_axe_finds_no_serious_or_critical_violation(browser_page, site_url, name):
    browser_page.goto(site_url + PAGES[name])
    settle(browser_page, name)
    violations = Axe().run(browser_page).response["violations"]
    serious = [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
        for v in violations
        if v["impact"] in ("serious", "critical")
    ]
    assert serious == []
