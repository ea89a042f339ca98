"""Residents on phones, in Debian's Chromium: every figure readable at 375 px, the whole voucher table at
1280 px, a compact 长辈模式 whose first screen reaches the text, tap targets, one line per date, amount
and name, and axe-core finding nothing on any page type in either mode at either width."""

from __future__ import annotations

import pytest
from browser_checks import axe_violations, sideways_overflow

pytestmark = pytest.mark.browser

ARTICLE = "/news/2020/07/wechat-group-supervision-best-case/"
MONTH = "/disclosures/villages/xiangshui/2020-06/"
PAGE_TYPES = {
    "home": "/",
    "edition": "/editions/2020-07-08/",
    "editions": "/editions/",
    "article": ARTICLE,
    "section": "/yaowen/",
    "archives": "/archives/",
    "month-archive": "/archives/2020/07/",
    "tag": "/tag/bin-he-lu/",
    "author": "/author/zhang-ji/",
    "about": "/about/",
    "search": "/search/",
    "villages": "/disclosures/villages/",
    "town": "/disclosures/towns/wangxian/",
    "village": "/disclosures/villages/xiangshui/",
    "village-month": MONTH,
    "power-list": "/disclosures/power-list/",
    "power-item": "/disclosures/power-list/items/1/",
    "power-department": "/disclosures/power-list/departments/chengguan/",
}
WIDTHS = (375, 1280)
MODES = ("standard", "elder")
PHONE = {"width": 375, "height": 812}
# Smallest target per mode, in CSS px (README: 44 px, 60 px in 长辈模式).
MIN_TARGET = {"standard": 44, "elder": 60}


def open_page(browser_page, site_url, path, width=375, mode="standard", height=812):
    """Load a page at a width; 长辈模式 as a reader without JavaScript gets it (the #lp-elder link)."""
    browser_page.set_viewport_size({"width": width, "height": height})
    browser_page.goto(site_url + path + ("#lp-elder" if mode == "elder" else ""))
    if mode == "elder":
        assert browser_page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)") >= 24
    return browser_page


MATRIX = [(name, width, mode) for name in PAGE_TYPES for width in WIDTHS for mode in MODES]
MATRIX_IDS = [f"{name}-{width}-{mode}" for name, width, mode in MATRIX]


@pytest.mark.parametrize("name,width,mode", MATRIX, ids=MATRIX_IDS)
def test_no_page_scrolls_sideways_and_axe_finds_nothing(browser_page, site_url, screenshot, name, width, mode):
    open_page(browser_page, site_url, PAGE_TYPES[name], width, mode)
    assert sideways_overflow(browser_page) <= 0
    screenshot(browser_page, f"mobile-{name}-{width}-{mode}")
    assert axe_violations(browser_page, impacts=None) == []


VOUCHER_FIELDS_JS = """() => [...document.querySelectorAll('.lp-ledger-table tbody tr')].map(row =>
    [...row.cells].filter(cell => cell.textContent.trim()).map(cell => {
        const value = cell.querySelector('.lp-nowrap, time') || cell;
        const r = value.getBoundingClientRect();
        return {label: cell.dataset.label, text: value.textContent.trim(), left: r.left, right: r.right, width: r.width};
    }))"""


@pytest.mark.parametrize("mode", MODES)
def test_every_voucher_field_lies_inside_a_phone_screen(browser_page, site_url, mode):
    open_page(browser_page, site_url, MONTH, 375, mode)
    vouchers = browser_page.evaluate(VOUCHER_FIELDS_JS)
    assert len(vouchers) == 7
    for fields in vouchers:
        # 日期, 凭证号, 摘要, 科目, 收入 or 支出, and the three signatures: eight labelled fields.
        assert [f["label"] for f in fields] in (
            ["日期", "凭证号", "摘要", "科目", side, "经办人", "证明人", "审批人"] for side in ("收入", "支出")
        )
        for field in fields:
            assert field["width"] > 0 and 0 <= field["left"] and field["right"] <= 375, field
    # Each field shows its label on screen (drawn from data-label), not only in the hidden header row.
    label = browser_page.locator(".lp-ledger-table tbody td[data-label='支出']").first.evaluate(
        "el => getComputedStyle(el, '::before').content"
    )
    assert "支出" in label
    # The table is still a table for screen readers.
    assert browser_page.get_by_role("columnheader", name="审批人").count() == 1
    assert browser_page.get_by_role("rowheader", name="01").count() == 1


@pytest.mark.parametrize(
    "path", ["/disclosures/villages/xiangshui/", "/disclosures/villages/", "/disclosures/towns/wangxian/"]
)
@pytest.mark.parametrize("mode", MODES)
def test_every_balance_of_the_village_and_index_tables_fits_a_phone(browser_page, site_url, path, mode):
    open_page(browser_page, site_url, path, 375, mode)
    boxes = browser_page.evaluate("""() => [...document.querySelectorAll('.lp-table tbody td, .lp-table tbody th')]
        .filter(cell => cell.textContent.trim()).map(cell => {
            const r = (cell.querySelector('.lp-nowrap, a, strong, span') || cell).getBoundingClientRect();
            return [cell.dataset.label, r.left, r.right, r.width];
        })""")
    assert boxes and any(label == "期末余额" for label, *_ in boxes)
    assert all(width > 0 and left >= 0 and right <= 375 for _, left, right, width in boxes), boxes


def test_all_nine_voucher_columns_show_at_1280px(browser_page, site_url, screenshot):
    open_page(browser_page, site_url, MONTH, 1280)
    headers = browser_page.evaluate("""() => [...document.querySelectorAll('.lp-ledger-table thead th')].map(th => {
        const r = th.getBoundingClientRect();
        return [th.textContent, getComputedStyle(th).display, r.left, r.right, r.height];
    })""")
    assert [h[0] for h in headers] == [
        "日期",
        "凭证号",
        "摘要",
        "科目",
        "收入（元）",
        "支出（元）",
        "经办人",
        "证明人",
        "审批人",
    ]
    assert all(
        display == "table-cell" and left >= 0 and right <= 1280 and height > 0
        for _, display, left, right, height in headers
    ), headers
    region = browser_page.locator(".lp-table-scroll").first
    assert region.evaluate("el => el.scrollWidth - el.clientWidth") <= 0  # nothing hidden behind a scroll
    for fields in browser_page.evaluate(VOUCHER_FIELDS_JS):
        assert all(0 <= f["left"] and f["right"] <= 1280 for f in fields)
    screenshot(browser_page, "mobile-ledger-1280")


def elder_first_screen(browser_page, site_url, path, with_javascript: bool):
    browser_page.set_viewport_size(PHONE)
    if with_javascript:  # the switch a reader taps, remembered for the next page
        browser_page.goto(site_url + "/about/")
        browser_page.get_by_role("link", name="长辈模式").click()
        browser_page.goto(site_url + path)
        assert browser_page.evaluate("document.documentElement.classList.contains('lp-elder')")
    else:
        browser_page.goto(site_url + path + "#lp-elder")
    return browser_page.evaluate("document.querySelector('.lp-header').getBoundingClientRect().height")


@pytest.mark.parametrize("with_javascript", [True, False], ids=["js", "no-js"])
def test_elder_mode_first_screen_shows_the_lead_headline(browser_page, site_url, screenshot, with_javascript):
    header = elder_first_screen(browser_page, site_url, "/", with_javascript)
    assert header <= 160
    headline = browser_page.locator(".lp-front-lead .lp-card__title").bounding_box()
    assert headline["y"] + headline["height"] <= PHONE["height"]
    screenshot(browser_page, f"mobile-elder-home-first-screen-{'js' if with_javascript else 'nojs'}")


@pytest.mark.parametrize("with_javascript", [True, False], ids=["js", "no-js"])
def test_elder_mode_first_screen_shows_the_first_paragraph(browser_page, site_url, with_javascript):
    elder_first_screen(browser_page, site_url, ARTICLE, with_javascript)
    paragraph = browser_page.locator(".lp-article__body p").first
    top = paragraph.bounding_box()["y"]
    line = paragraph.evaluate("el => parseFloat(getComputedStyle(el).lineHeight)")
    assert paragraph.evaluate("el => parseFloat(getComputedStyle(el).fontSize)") >= 24
    assert top + 2 * line <= PHONE["height"]  # at least its first two lines


def test_elder_mode_folded_menu_searches_and_switches_back_without_javascript(browser, site_url):
    context = browser.new_context(java_script_enabled=False, viewport=PHONE)
    no_js = context.new_page()
    no_js.goto(site_url + ARTICLE + "#lp-elder")
    assert not no_js.get_by_role("searchbox").is_visible()
    no_js.get_by_text("菜单").click()
    assert no_js.get_by_role("searchbox", name="搜索本站").is_visible()
    no_js.get_by_role("link", name="标准模式").click()
    size = no_js.locator(".lp-article__body p").first.evaluate("el => parseFloat(getComputedStyle(el).fontSize)")
    assert size < 24
    assert no_js.get_by_role("searchbox", name="搜索本站").is_visible()  # back in the bar
    context.close()


def test_elder_mode_menu_lists_every_section_the_scrolling_bar_hides(browser, site_url, screenshot):
    """In 长辈模式 the section bar is one row that scrolls sideways, so a phone hides its last
    sections (村务公开, 政务公开) behind a swipe; the 菜单 lists every one of them, each on screen and a
    full 60 px target, without JavaScript."""
    context = browser.new_context(java_script_enabled=False, viewport=PHONE)
    page = context.new_page()
    page.goto(site_url + "/#lp-elder")
    bar = page.locator(".lp-nav__link").all()
    names = [link.text_content() for link in bar]
    offscreen = [link.text_content() for link in bar if link.bounding_box()["x"] + 10 > PHONE["width"]]
    assert "政务公开" in offscreen  # what the menu is for: the bar alone leaves it behind a swipe
    assert not page.locator(".lp-fold-nav").is_visible()  # folded until asked for
    page.get_by_text("菜单").click()
    menu = page.get_by_role("navigation", name="全部栏目")
    links = menu.get_by_role("link").all()
    assert [link.text_content() for link in links] == names
    for link in links:
        box = link.bounding_box()
        assert 0 <= box["x"] and box["x"] + box["width"] <= PHONE["width"] and box["height"] >= MIN_TARGET["elder"]
    screenshot(page, "mobile-elder-menu-sections")
    menu.get_by_role("link", name="政务公开").click()
    assert page.locator(".lp-nav__link[aria-current=page]").text_content() == "政务公开"
    context.close()


TARGETS_JS = """(minimum) => {
    const selector = 'a[href], button, input:not([type=hidden]), select, textarea, summary, [tabindex]:not([tabindex="-1"])';
    const all = [...document.querySelectorAll(selector)].map(el => ({el, r: el.getBoundingClientRect()}))
        .filter(({el, r}) => r.width > 0 && r.height > 0 && r.right > 0 && getComputedStyle(el).visibility !== 'hidden');
    // WCAG 2.2 exempts a link inside a sentence: its size is the line's.
    const inSentence = el => {
        const block = el.parentElement.closest('p, li, dd, td, figcaption');
        return getComputedStyle(el).display === 'inline' && block !== null &&
            block.textContent.trim().length > el.textContent.trim().length + 1;
    };
    const small = all.filter(({el, r}) => !inSentence(el) && (r.width < minimum - 0.01 || r.height < minimum - 0.01));
    const centre = r => [r.left + r.width / 2, r.top + r.height / 2];
    const distanceToRect = ([x, y], r) => Math.hypot(Math.max(r.left - x, 0, x - r.right), Math.max(r.top - y, 0, y - r.bottom));
    // The spacing exception: a circle of the minimum's diameter centred on the small target touches
    // no other target, nor another small target's circle.
    return small.filter(a => all.some(b => b.el !== a.el && !a.el.contains(b.el) && !b.el.contains(a.el) && (
        small.includes(b) ? Math.hypot(centre(a.r)[0] - centre(b.r)[0], centre(a.r)[1] - centre(b.r)[1]) < minimum
                          : distanceToRect(centre(a.r), b.r) < minimum / 2)))
        .map(({el, r}) => [el.outerHTML.slice(0, 90), Math.round(r.width), Math.round(r.height)]);
}"""


@pytest.mark.parametrize(
    "name,mode", [(n, m) for n in PAGE_TYPES for m in MODES], ids=[f"{n}-{m}" for n in PAGE_TYPES for m in MODES]
)
def test_every_target_is_large_enough_or_spaced(browser_page, site_url, name, mode):
    open_page(browser_page, site_url, PAGE_TYPES[name], 375, mode)
    assert browser_page.evaluate(TARGETS_JS, MIN_TARGET[mode]) == []


def test_byline_and_headline_links_reach_44px(browser_page, site_url):
    open_page(browser_page, site_url, ARTICLE)
    author = browser_page.locator(".lp-article-meta__author a").bounding_box()
    assert author["width"] >= 44 and author["height"] >= 44
    open_page(browser_page, site_url, "/")
    for box in browser_page.locator(".lp-card__link").evaluate_all(
        "els => els.map(e => e.getBoundingClientRect().height)"
    ):
        assert box >= 44


ONE_LINE_JS = """() => [...document.querySelectorAll('main time, main .lp-nowrap, .lp-balance dd')]
    .filter(el => el.getClientRects().length > 0 && el.textContent.trim())
    .filter(el => {
        // The line boxes its text sits on: one distinct top for one line.
        const tops = new Set();
        const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
            const range = document.createRange();
            range.selectNodeContents(node);
            for (const r of range.getClientRects()) { if (r.width > 0) tops.add(Math.round(r.top / 4)); }
        }
        return tops.size !== 1;
    }).map(el => el.textContent.trim())"""


@pytest.mark.parametrize(
    "name", ["home", "edition", "article", "section", "village-month", "village", "villages", "power-item"]
)
@pytest.mark.parametrize("mode", MODES)
def test_each_date_amount_and_name_is_one_line_box(browser_page, site_url, name, mode):
    open_page(browser_page, site_url, PAGE_TYPES[name], 375, mode)
    assert browser_page.evaluate("document.querySelectorAll('main time, main .lp-nowrap').length") > 0
    assert browser_page.evaluate(ONE_LINE_JS) == []


def test_lead_heading_date_and_byline_names_do_not_break(browser_page, site_url):
    open_page(browser_page, site_url, "/", 375, "elder")
    date = browser_page.locator(".lp-front-lead h2 .lp-nowrap")
    assert date.text_content() == "2020-07-08" and date.evaluate("el => el.getClientRects().length") == 1
    names = browser_page.locator(".lp-front-lead .lp-card__meta .lp-nowrap").all_text_contents()
    assert "彭丽娜" in names


def test_sample_phone_numbers_are_not_call_links(page):
    for path in (
        "disclosures/power-list/items/1/",
        "disclosures/power-list/",
        "disclosures/power-list/departments/chengguan/",
    ):
        soup = page(path)
        assert soup.select('a[href^="tel:"]') == [], path
    number = page("disclosures/power-list/items/1/").select_one(".lp-power-item__number")
    assert number.get_text() == "0731-23000001" and "lp-nowrap" in number["class"]


def test_masthead_is_a_wordmark_without_fonts_or_files_and_the_site_has_a_favicon(page, site):
    soup = page("")
    masthead = soup.select_one(".lp-header .lp-wordmark")
    assert masthead.select_one(".lp-wordmark__name").get_text() == "醴陵新闻"
    assert masthead.select_one(".lp-wordmark__edition").get_text() == "株洲日报·醴陵版"
    assert masthead.find("img") is None
    css = (site / "theme" / "css" / "main.css").read_text(encoding="utf-8")
    assert "@font-face" not in css and "url(" not in css
    icon = soup.find("link", rel="icon")
    assert icon["type"] == "image/svg+xml" and icon["href"].endswith("theme/images/favicon.svg")
    svg = (site / "theme" / "images" / "favicon.svg").read_text(encoding="utf-8")
    assert svg.startswith("<svg") and "#a3000b" in svg
    assert (site / "theme" / "images" / "apple-touch-icon.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
