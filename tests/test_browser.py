"""What residents see in a real browser (Debian's Chromium): layout at phone and desktop widths,
长辈模式, and axe-core's accessibility checks."""

from __future__ import annotations

import pytest
from browser_checks import axe_violations, sideways_overflow

pytestmark = pytest.mark.browser

ARTICLE = "/news/2020/07/wechat-group-supervision-best-case/"
PAGES = {"home": "/", "edition": "/editions/2020-07-08/", "article": ARTICLE}


@pytest.mark.parametrize("width", [320, 375, 1280])
@pytest.mark.parametrize("name", PAGES)
def test_no_horizontal_scroll(browser_page, site_url, screenshot, width, name):
    browser_page.set_viewport_size({"width": width, "height": 800})
    browser_page.goto(site_url + PAGES[name])
    assert sideways_overflow(browser_page) <= 0
    screenshot(browser_page, f"{name}-{width}")


def body_font_px(browser_page) -> float:
    return browser_page.evaluate("parseFloat(getComputedStyle(document.querySelector('.lp-article__body p')).fontSize)")


def test_body_text_is_at_least_18px_with_generous_line_height(browser_page, site_url):
    for width in (320, 1280):
        browser_page.set_viewport_size({"width": width, "height": 800})
        browser_page.goto(site_url + ARTICLE)
        assert body_font_px(browser_page) >= 18
        line_height = browser_page.evaluate(
            "parseFloat(getComputedStyle(document.querySelector('.lp-article__body p')).lineHeight)"
        )
        assert line_height / body_font_px(browser_page) >= 1.6


def test_elder_mode_enlarges_text_and_targets_and_persists(browser_page, site_url, screenshot):
    browser_page.set_viewport_size({"width": 375, "height": 800})
    browser_page.goto(site_url + ARTICLE)
    assert body_font_px(browser_page) < 24
    browser_page.get_by_role("link", name="长辈模式").click()
    assert body_font_px(browser_page) >= 24
    screenshot(browser_page, "article-375-elder")
    small_targets = browser_page.evaluate("""() => [...document.querySelectorAll(
        '.lp-button, .lp-nav__link, .lp-breadcrumbs__link, .lp-neighbours__link')]
        .map(el => el.getBoundingClientRect())
        .filter(r => r.width > 0 && (r.height < 60 || r.width < 60)).length""")
    assert small_targets == 0
    # Remembered on the next page, and switched off again with the control folded into the 菜单.
    browser_page.goto(site_url + "/editions/2020-07-08/")
    assert browser_page.evaluate("document.documentElement.classList.contains('lp-elder')")
    browser_page.get_by_text("菜单").click()
    browser_page.get_by_role("link", name="标准模式").click()
    browser_page.goto(site_url + ARTICLE)
    assert body_font_px(browser_page) < 24


def test_standard_tap_targets_are_at_least_44px(browser_page, site_url):
    browser_page.set_viewport_size({"width": 375, "height": 800})
    browser_page.goto(site_url + ARTICLE)
    sizes = browser_page.evaluate("""() => [...document.querySelectorAll(
        '.lp-button, .lp-nav__link, .lp-neighbours__link, .lp-header__name')]
        .map(el => el.getBoundingClientRect()).filter(r => r.width > 0)
        .map(r => [r.width, r.height])""")
    assert sizes and all(w >= 44 and h >= 44 for w, h in sizes), sizes


def test_elder_mode_without_javascript(browser, site_url):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 375, "height": 800})
    no_js = context.new_page()
    no_js.goto(site_url + ARTICLE)
    no_js.get_by_role("link", name="长辈模式").click()
    size = no_js.locator(".lp-article__body p").first.evaluate("el => parseFloat(getComputedStyle(el).fontSize)")
    assert size >= 24
    context.close()


@pytest.mark.parametrize("name", PAGES)
def test_axe_finds_no_serious_or_critical_violation(browser_page, site_url, name):
    browser_page.goto(site_url + PAGES[name])
    assert axe_violations(browser_page) == []


def test_print_stylesheet_hides_navigation_and_controls(browser_page, site_url, screenshot):
    browser_page.goto(site_url + ARTICLE)
    browser_page.emulate_media(media="print")
    hidden = browser_page.evaluate("""() => ['.lp-nav', '.lp-elder-toggle', '.lp-related', '.lp-neighbours']
        .map(sel => document.querySelector(sel))
        .filter(el => el && getComputedStyle(el).display !== 'none').length""")
    assert hidden == 0
    assert (
        browser_page.evaluate("getComputedStyle(document.querySelector('.lp-article__body p')).color") == "rgb(0, 0, 0)"
    )
    screenshot(browser_page, "article-print")
