"""Chinese full-text search in a real browser: Pagefind's extended index (segmented Chinese words)
behind the /search/ page, reached from the header's search box with ?q=."""

from __future__ import annotations

import urllib.parse

import pytest

pytestmark = pytest.mark.browser

# query -> the article that must come first
FIRST_RESULT = {
    "苹果瓜": "醴陵农民种出特大苹果瓜",
    "停车": "道路停车欠费不缴 车主将被起诉",
    "双色球": "醴陵一福彩站点再中双色球一等奖",
    "瓷城驿站": "首个“瓷城驿站”下旬投入使用",
    "微信群": "醴陵新时代网上群众路线这样走",
}
RESULT_TITLES = ".pagefind-ui__result-title"


def search(browser_page, site_url, query: str) -> list[str]:
    browser_page.goto(f"{site_url}/search/?q={urllib.parse.quote(query)}")
    browser_page.wait_for_selector(f"{RESULT_TITLES}, .pagefind-ui__message", timeout=15000)
    # Results arrive as placeholders first (class pagefind-ui__loading) and fill in as fragments load.
    browser_page.wait_for_function(
        """() => !document.querySelector('.pagefind-ui__message')?.textContent.includes('正在搜索')
                 && !document.querySelector('.pagefind-ui__loading')""", timeout=15000)
    return [title.strip() for title in browser_page.locator(RESULT_TITLES).all_inner_texts()]


@pytest.mark.parametrize("query", FIRST_RESULT)
def test_chinese_query_finds_the_right_article_first(browser_page, site_url, screenshot, query):
    titles = search(browser_page, site_url, query)
    assert titles and titles[0] == FIRST_RESULT[query], titles
    screenshot(browser_page, f"search-{list(FIRST_RESULT).index(query)}")


def test_power_list_query_finds_a_page_about_the_power_list(browser_page, site_url):
    """Today only the lead article mentions 权力清单; once the power-list pages exist one of them may
    rank first. Either way the first result must be about 权力清单."""
    search(browser_page, site_url, "权力清单")
    first = browser_page.locator(".pagefind-ui__result").first
    assert "权力清单" in first.inner_text()


def test_nonsense_query_says_nothing_was_found(browser_page, site_url, screenshot):
    titles = search(browser_page, site_url, "量子蹦床锦标赛")
    assert titles == []
    message = browser_page.locator(".pagefind-ui__message").inner_text()
    assert "没有找到" in message and "量子蹦床锦标赛" in message
    screenshot(browser_page, "search-nothing-found")


def test_header_search_box_lands_on_results(browser_page, site_url, screenshot):
    browser_page.set_viewport_size({"width": 375, "height": 800})
    browser_page.goto(site_url + "/")
    browser_page.get_by_role("searchbox", name="搜索本站").first.fill("双色球")
    browser_page.get_by_role("button", name="搜索").first.click()
    browser_page.wait_for_selector(".pagefind-ui__result-link", timeout=15000)
    assert "/search/?q=" in browser_page.url
    assert browser_page.locator(RESULT_TITLES).first.inner_text().strip() == FIRST_RESULT["双色球"]
    assert browser_page.locator("#lp-search-q").input_value() == "双色球"
    screenshot(browser_page, "search-from-header-375")


def test_results_can_be_filtered_by_section(browser_page, site_url):
    search(browser_page, site_url, "醴陵")
    # The filter panel loads its own index after the results: wait for both filters.
    browser_page.wait_for_function("() => document.querySelectorAll('.pagefind-ui__filter-name').length >= 2",
                                   timeout=15000)
    filters = browser_page.locator(".pagefind-ui__filter-name").all_inner_texts()
    assert any("栏目" in name for name in filters) and any("年份" in name for name in filters), filters


def test_without_javascript_the_page_explains_and_offers_browsing(browser, site_url, screenshot):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 375, "height": 800})
    no_js = context.new_page()
    no_js.goto(site_url + "/search/?q=苹果瓜")
    assert no_js.get_by_text("站内搜索需要浏览器开启 JavaScript").is_visible()
    assert no_js.get_by_role("link", name="三农").last.is_visible()
    assert no_js.get_by_role("link", name="文章归档（按年月）").is_visible()
    screenshot(no_js, "search-no-js-375")
    context.close()


def test_search_page_hides_the_no_javascript_help_once_search_runs(browser_page, site_url):
    search(browser_page, site_url, "苹果瓜")
    assert not browser_page.get_by_text("站内搜索需要浏览器开启 JavaScript").is_visible()


CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self' 'unsafe-inline'; img-src 'self' data:"


def test_search_works_under_the_content_security_policy(browser_page, site_url):
    """No inline script: the server's planned CSP (script-src 'self' 'wasm-unsafe-eval') is enough."""
    def with_csp(route):
        response = route.fetch()
        route.fulfill(response=response, headers={**response.headers, "content-security-policy": CSP})

    violations = []
    browser_page.on("console", lambda message: violations.append(message.text)
                    if "Content Security Policy" in message.text else None)
    browser_page.route("**/*", with_csp)  # every response, as the server will send it
    titles = search(browser_page, site_url, "苹果瓜")
    assert titles[:1] == [FIRST_RESULT["苹果瓜"]] and violations == []


def test_every_kind_of_page_has_its_section_filter(browser_page, site_url):
    """Articles, village ledgers and power-list matters can each be narrowed to their 栏目 in search."""
    browser_page.goto(site_url + "/")  # not /search/: its PagefindUI would merge the same shards once more
    filters = browser_page.evaluate("""async () => {
        const {shards} = await (await fetch('/pagefind/shards.json')).json();
        const pagefind = await import(`/pagefind/${shards[0]}/pagefind.js`);  // as search.js merges them
        for (const shard of shards.slice(1)) { await pagefind.mergeIndex(`/pagefind/${shard}/`); }
        return await pagefind.filters();
    }""")
    sections = filters["栏目"]
    assert sections["村务公开"] == 35  # one page per village per month in content/disclosures/finance
    assert sections["权力清单"] == 27
    assert sections["要闻"] == 1 and sections["三农"] == 1
    assert filters["年份"]["2020"] >= 35 + 5


def test_one_search_covers_every_shard(browser_page, site_url):
    """The index is split into shards (news by five years, ledgers by year, the rest); search.js merges
    them, so one query reaches every shard and results and filters come from all of them."""
    shards = browser_page.context.request.get(f"{site_url}/pagefind/shards.json").json()["shards"]
    assert shards == ["ledgers-2020", "news-2020-2024", "site"]
    entries = []
    browser_page.on("request", lambda request: entries.append(request.url.split("/pagefind/")[1].split("/")[0])
                    if "pagefind-entry.json" in request.url else None)
    search(browser_page, site_url, "权力清单")
    assert sorted(set(entries)) == shards
    links = browser_page.locator(".pagefind-ui__result-link").evaluate_all("links => links.map(a => a.pathname)")
    assert any(link.startswith("/news/2020/") for link in links), links
    assert any(link.startswith("/disclosures/power-list/") for link in links), links
    browser_page.goto(site_url + "/")  # a page without search.js, whose PagefindUI has merged the shards already
    counts = browser_page.evaluate("""async () => {
        const {shards} = await (await fetch('/pagefind/shards.json')).json();
        const pagefind = await import(`/pagefind/${shards[0]}/pagefind.js`);
        for (const shard of shards.slice(1)) { await pagefind.mergeIndex(`/pagefind/${shard}/`); }
        const count = async (filters) => (await pagefind.search(null, {filters})).results.length;
        return [await count({栏目: '村务公开'}), await count({栏目: '权力清单'}), await count({年份: '2020'})];
    }""")
    assert counts == [35, 27, 40]  # 年份 2020: 35 ledger months (ledgers-2020) and 5 articles (news-2020-2024)
