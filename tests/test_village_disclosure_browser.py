"""村务公开 in Debian's Chromium: a phone must not scroll the page sideways, and axe finds nothing serious."""

from __future__ import annotations

import pytest
from browser_checks import axe_violations, sideways_overflow

pytestmark = pytest.mark.browser

MONTH = "/disclosures/villages/xiangshui/2020-06/"
PAGES = {
    "village-month": MONTH,
    "village": "/disclosures/villages/xiangshui/",
    "villages": "/disclosures/villages/",
    "town": "/disclosures/towns/wangxian/",
}


@pytest.mark.parametrize("name", PAGES)
def test_no_page_level_horizontal_scroll_at_375px(phone, site_url, screenshot, name):
    phone.goto(site_url + PAGES[name])
    assert sideways_overflow(phone) <= 0
    screenshot(phone, f"disclosure-{name}-375")


def test_ledger_table_becomes_labelled_cards_on_a_phone(phone, site_url):
    phone.goto(site_url + MONTH)
    region = phone.locator(".lp-table-scroll").first
    widths = region.evaluate("el => [el.scrollWidth, el.clientWidth]")
    assert widths[0] <= widths[1]  # nothing to scroll to: every field is in the card
    amount = phone.locator(".lp-ledger-table__income-total")
    assert "收入合计" in amount.evaluate("el => getComputedStyle(el, '::before').content")


def test_ledger_table_is_a_table_with_right_aligned_amounts_on_a_desktop(browser_page, site_url):
    browser_page.set_viewport_size({"width": 1280, "height": 800})
    browser_page.goto(site_url + MONTH)
    amount = browser_page.locator(".lp-ledger-table__income-total")
    assert amount.evaluate("el => getComputedStyle(el).display") == "table-cell"
    assert amount.evaluate("el => getComputedStyle(el).textAlign") == "right"


def test_chart_text_is_readable_on_a_phone(phone, site_url):
    phone.goto(site_url + MONTH)
    size = phone.locator(".lp-chart svg text").first.evaluate("el => el.getBoundingClientRect().height")
    assert size >= 14


@pytest.mark.parametrize("name", PAGES)
def test_axe_finds_no_serious_problems(phone, site_url, name):
    phone.goto(site_url + PAGES[name])
    assert axe_violations(phone) == []
