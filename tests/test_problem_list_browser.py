"""The problem list in Debian's Chromium at a 375 px phone width: the register, a 结果公示 page and the filter,
with and without JavaScript, no sideways scrolling, large tap targets, and axe finding no violations."""

from __future__ import annotations

import pytest
from browser_checks import axe_violations, sideways_overflow, small_tap_targets
from test_problem_list import REGISTER, source_rows

pytestmark = pytest.mark.browser

PAGES = {
    "register": REGISTER,
    "problem": REGISTER + "items/2020-0034/",
    "major": REGISTER + "items/2020-0039/",
    "village": REGISTER + "villages/xinyang/",
    "department": REGISTER + "departments/shuili/",
}


def visible_numbers(browser_page) -> list[str]:
    return browser_page.locator(
        "#problem-table tr.lp-problem-table__row:visible .lp-problem-table__number"
    ).all_text_contents()


@pytest.mark.parametrize("name", PAGES)
def test_usable_at_375px_and_axe_finds_no_violations(phone, site_url, screenshot, name):
    phone.goto(site_url + "/" + PAGES[name])
    assert sideways_overflow(phone) <= 0
    tapped = (
        ".lp-register-filter__select, .lp-button, .lp-problem-browse__summary, .lp-problem-browse__link, "
        ".lp-problem-tally a"
    )
    assert small_tap_targets(phone, tapped) == 0
    assert axe_violations(phone, impacts=None) == []
    screenshot(phone, f"problem-list-{name}-375")


def test_filter_by_village_and_status_narrows_and_announces_and_can_be_shared(phone, site_url, screenshot):
    rows = source_rows()
    phone.goto(site_url + "/" + REGISTER)
    form = phone.locator("form[data-register-filter='problem-table']")
    assert form.is_visible()
    status = phone.locator(".lp-register-filter__status")
    assert status.text_content() == f"显示全部 {len(rows)} 个问题"
    phone.select_option("#problem-filter-village", "xinyang")
    expected = sorted(row["编号"] for row in rows if row["村社区代码"] == "xinyang")
    assert sorted(visible_numbers(phone)) == expected
    assert status.text_content() == f"显示 {len(expected)} 个问题（共 {len(rows)} 个）"
    phone.select_option("#problem-filter-kind", "重大")
    expected = [row["编号"] for row in rows if row["村社区代码"] == "xinyang" and row["办理类型"] == "重大"]
    assert visible_numbers(phone) == expected
    assert phone.locator("#problem-table-closed").is_hidden()  # an empty status group disappears
    assert "village=xinyang" in phone.url and "kind=" in phone.url
    screenshot(phone, "problem-list-filtered-375")
    shared = phone.url
    phone.goto(shared)
    assert visible_numbers(phone) == expected
    phone.get_by_role("button", name="显示全部").click()
    phone.wait_for_function(
        f"document.querySelectorAll('#problem-table tr.lp-problem-table__row:not([hidden])').length === {len(rows)}"
    )
    phone.select_option("#problem-filter-unit", "local")
    local = sorted(row["编号"] for row in rows if not row["责任单位"].startswith("醴陵市"))
    assert sorted(visible_numbers(phone)) == local
    phone.select_option("#problem-filter-unit", "")
    phone.select_option("#problem-filter-status", "overdue")
    phone.select_option("#problem-filter-town", "wangxian")
    assert all(
        n in [row["编号"] for row in rows if row["村社区代码"] == "xiangshui" and not row["办结日期"]]
        for n in visible_numbers(phone)
    )
    phone.select_option("#problem-filter-town", "lailongmen")
    phone.select_option("#problem-filter-kind", "急办")
    assert visible_numbers(phone) == [] and phone.locator("#problem-table-empty").is_visible()


def test_without_javascript_every_row_shows_and_the_links_filter(browser, site_url):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 375, "height": 800})
    no_js = context.new_page()
    no_js.goto(site_url + "/" + REGISTER)
    assert not no_js.locator("form[data-register-filter='problem-table']").is_visible()
    assert len(visible_numbers(no_js)) == len(source_rows())
    no_js.get_by_text("按村（社区）查看").click()
    no_js.get_by_role("link", name="来龙门街道新阳村").click()
    assert no_js.locator("h1").text_content().startswith("来龙门街道新阳村")
    context.close()
