"""Chinese full-text search in a real browser: the /search/ page (theme/static/js/search.js) over the
bigram index buildtools/search_text.py writes, reached from the header's search box with ?q=. Every
ranking test runs twice: with Chromium's own Intl.Segmenter and with one that returns single
characters, injected before the page's scripts; the results must not differ."""

from __future__ import annotations

import re
import urllib.parse

import pytest

from benchmarks.search_bench import SINGLE_CHARACTER_SEGMENTER

pytestmark = pytest.mark.browser

# Each story, found first by its own words and names.
STORIES = {
    "醴陵一福彩站点再中双色球一等奖": ["左权路", "福彩站点", "双色球", "43033061", "2020060", "彩民"],
    "醴陵农民种出特大苹果瓜": ["枫林镇", "苹果瓜", "王锋", "有机肥", "珠峰种养"],
    "道路停车欠费不缴 车主将被起诉": ["停车", "停车费", "渌江公用停车", "司法诉讼", "失信被执行人"],
    "首个“瓷城驿站”下旬投入使用": ["瓷城驿站", "滨河路", "公厕", "木质结构", "城管岗亭"],
    "醴陵新时代网上群众路线这样走": ["微信群", "网格员", "群众路线", "创新社会治理", "最佳案例"],
}
QUERIES = [(query, title) for title, queries in STORIES.items() for query in queries]
RESULT_TITLES = ".lp-search-result__link"
STATUS = "[data-search-status]"
SEGMENTERS = ["browser-segmenter", "single-character-segmenter"]


@pytest.fixture(params=SEGMENTERS)
def segmenter_page(request, browser, site_url):
    context = browser.new_context()
    if request.param == "single-character-segmenter":
        context.add_init_script(SINGLE_CHARACTER_SEGMENTER)
    yield context.new_page()
    context.close()


def search(browser_page, site_url, query: str) -> list[str]:
    browser_page.goto(f"{site_url}/search/?q={urllib.parse.quote(query)}")
    browser_page.wait_for_function(
        "q => document.getElementById('lp-search').dataset.searchDone === q", arg=query, timeout=15000
    )
    return [title.strip() for title in browser_page.locator(RESULT_TITLES).all_inner_texts()]


@pytest.mark.parametrize("query,title", QUERIES, ids=[query for query, _ in QUERIES])
def test_each_story_is_found_first_by_its_own_words(segmenter_page, site_url, query, title):
    titles = search(segmenter_page, site_url, query)
    assert titles and titles[0] == title, titles


def test_the_segmenter_injection_really_changes_the_browser(segmenter_page, site_url):
    segmenter_page.goto(site_url + "/search/")
    words = segmenter_page.evaluate(
        "() => Array.from(new Intl.Segmenter('zh', {granularity: 'word'}).segment('苹果瓜')).map(s => s.segment)"
    )
    single = segmenter_page.evaluate("() => Intl.Segmenter.name") == "SingleCharacterSegmenter"
    assert (words == ["苹", "果", "瓜"]) == single


def test_a_result_shows_type_date_and_the_original_text_with_the_query_marked(browser_page, site_url, screenshot):
    search(browser_page, site_url, "左权路")
    first = browser_page.locator(".lp-search-result").first
    assert first.locator(".lp-search-result__type").inner_text() == "新闻"
    assert first.locator(".lp-search-result__date").inner_text() == "2020年7月8日"
    excerpt = first.locator(".lp-search-result__excerpt")
    assert "位于醴陵市左权路18号" in excerpt.inner_text()  # the page's own words, not index tokens
    assert excerpt.locator("mark").all_inner_texts() == ["左权路"]
    assert browser_page.locator(STATUS).inner_text() == "找到 1 条与“左权路”相关的结果。"
    link = first.locator(RESULT_TITLES)
    assert link.evaluate("a => getComputedStyle(a).textDecorationLine") == "underline"
    assert link.evaluate("a => getComputedStyle(a).fontSize") == "18px"
    screenshot(browser_page, "search-result-375")
    browser_page.evaluate("() => document.documentElement.classList.add('lp-elder')")
    assert link.evaluate("a => getComputedStyle(a).fontSize") == "24px"


@pytest.mark.parametrize(
    "query,label,date",
    [
        ("老年证年审", "权力清单", "2020年6月30日"),
        ("香水村 2020年5月", "村务公开", "2020年5月"),
        ("井盖破损", "问题清单", "2020年6月23日"),
    ],
)
def test_disclosures_are_labelled_by_their_register_and_dated(browser_page, site_url, query, label, date):
    search(browser_page, site_url, query)
    first = browser_page.locator(".lp-search-result").first
    assert first.locator(".lp-search-result__type").inner_text() == label
    assert first.locator(".lp-search-result__date").inner_text() == date


@pytest.mark.parametrize(
    "query,title",
    [
        ("老年证在哪里办", "老年证年审"),  # 在哪里 is asked, not searched: a problem says 不知道在哪里候车
        ("身份证丢了怎么补", "居民身份证申领、换领、补领"),
        ("办健康证明", "健康证明"),  # a story says 代办健康证明 once; this matter is headed by it
        ("华塘村一月的账", "国瓷街道华塘村2020年1月 村级财务收支公开"),  # 一月 is 1月
        ("跑货运要办什么许可", "道路货物运输经营许可"),  # 货运 is short for 货物运输: characters kept in order
        # 低保 is short for 最低生活保障; a problem headed 咨询低保申请 says it as typed, but in a long
        # sentence: the short headline is about what it names.
        ("低保怎么申请", "最低生活保障审批"),
    ],
)
def test_a_question_finds_the_page_that_answers_it(segmenter_page, site_url, query, title):
    titles = search(segmenter_page, site_url, query)
    assert titles[:1] == [title], titles


def test_question_words_alone_are_still_searched(browser_page, site_url):
    """A query with nothing but a question word and one character is taken as typed."""
    titles = search(browser_page, site_url, "道在哪里")
    assert titles[:1] == ["长岭村公交站牌被撞坏，老人不知道在哪里候车"], titles


def test_boilerplate_is_not_searched(browser_page, site_url):
    """The 示例数据 notice and the power list's standard sentences are on many pages: not indexed."""
    for query in (
        "演示用",
        "有疑问",
        "清单以外",
    ):  # words of the notice, the ledger's and the matter's standard sentences
        search(browser_page, site_url, query)
        assert not {"村务公开", "权力清单"} & set(browser_page.locator(".lp-search-result__type").all_inner_texts())


def test_a_mixed_result_list_on_a_phone_in_both_type_sizes(browser_page, site_url, screenshot):
    """Each result: an underlined headline link, then its type and date, then the excerpt; 长辈模式
    makes the headline 24 px. Screenshots for people to look at."""
    browser_page.set_viewport_size({"width": 375, "height": 800})
    search(browser_page, site_url, "年审")
    assert browser_page.locator(STATUS).inner_text().startswith("找到 ")
    assert {"权力清单", "新闻"} <= set(browser_page.locator(".lp-search-result__type").all_inner_texts())
    links = browser_page.locator(RESULT_TITLES)
    assert set(links.evaluate_all("links => links.map(a => getComputedStyle(a).textDecorationLine)")) == {"underline"}
    screenshot(browser_page, "search-mixed-375")
    browser_page.evaluate("() => document.documentElement.classList.add('lp-elder')")
    assert set(links.evaluate_all("links => links.map(a => getComputedStyle(a).fontSize)")) == {"24px"}
    screenshot(browser_page, "search-mixed-elder-375")


def test_every_result_says_what_it_is_and_when_in_chinese(browser_page, site_url):
    """Each result of a mixed list: one type label of the four kinds, a date written 2020年7月8日 or
    2020年5月, and Chinese punctuation in the count and the excerpts (“…”, 。, ……), never ASCII."""
    search(browser_page, site_url, "醴陵 香水村")  # news and power list say 醴陵; ledgers and problems 香水村
    while browser_page.locator("[data-search-more]").is_visible():
        count = browser_page.locator(RESULT_TITLES).count()
        browser_page.locator("[data-search-more]").click()
        browser_page.wait_for_function(f"() => document.querySelectorAll('{RESULT_TITLES}').length > {count}")
    results = browser_page.locator(".lp-search-result").evaluate_all(
        """items => items.map(item => ({
            types: Array.from(item.querySelectorAll('.lp-search-result__type')).map(n => n.textContent),
            dates: Array.from(item.querySelectorAll('.lp-search-result__date')).map(n => n.textContent),
            excerpt: (item.querySelector('.lp-search-result__excerpt') || {}).textContent || '',
            url: item.querySelector('a').pathname}))"""
    )
    status = browser_page.locator(STATUS).inner_text()
    assert (
        re.fullmatch(r"找到 (\d+) 条与“醴陵 香水村”相关的结果。", status)
        and int(status.split()[1]) == len(results) > 40
    )
    kinds = {"新闻", "村务公开", "权力清单", "问题清单"}
    for result in results:
        if result["url"] == "/about/":  # 关于本站 is neither news nor a register, and has no date
            continue
        assert len(result["types"]) == 1 and result["types"][0] in kinds, result
        assert len(result["dates"]) == 1 and re.fullmatch(r"\d{4}年\d{1,2}月(\d{1,2}日)?", result["dates"][0]), result
        assert "..." not in result["excerpt"] and '"' not in result["excerpt"], result
    assert kinds == {kind for result in results for kind in result["types"]}
    assert any(result["excerpt"].endswith("……") for result in results)


def test_power_list_query_finds_a_page_about_the_power_list(browser_page, site_url):
    """Today only the lead article mentions 权力清单; once the power-list pages exist one of them may
    rank first. Either way the first result must be about 权力清单."""
    search(browser_page, site_url, "权力清单")
    first = browser_page.locator(".lp-search-result").first
    assert "权力清单" in first.inner_text()


def test_nonsense_query_says_nothing_was_found(segmenter_page, site_url, screenshot):
    titles = search(segmenter_page, site_url, "量子蹦床锦标赛")
    assert titles == []
    message = segmenter_page.locator(STATUS).inner_text()
    assert "没有找到" in message and "“量子蹦床锦标赛”" in message
    filters = segmenter_page.locator("[data-search-filters]")
    assert filters.is_hidden() and filters.bounding_box() is None  # no filters taking space for nothing
    screenshot(segmenter_page, "search-nothing-found")


def test_header_search_box_lands_on_results(browser_page, site_url, screenshot):
    browser_page.set_viewport_size({"width": 375, "height": 800})
    browser_page.goto(site_url + "/")
    browser_page.get_by_role("searchbox", name="搜索本站").first.fill("双色球")
    browser_page.get_by_role("button", name="搜索").first.click()
    browser_page.wait_for_selector(RESULT_TITLES, timeout=15000)
    assert "/search/?q=" in browser_page.url
    assert browser_page.locator(RESULT_TITLES).first.inner_text().strip() == "醴陵一福彩站点再中双色球一等奖"
    assert browser_page.locator("#lp-search-q").input_value() == "双色球"
    screenshot(browser_page, "search-from-header-375")


def test_results_can_be_filtered_by_section(browser_page, site_url):
    everything = search(browser_page, site_url, "醴陵")
    # 年份 has one value on this site: a filter that offers no choice is not shown.
    assert browser_page.locator(".lp-search__filter-name").all_inner_texts() == ["栏目"]
    browser_page.select_option("select[name=栏目]", "权力清单")
    browser_page.wait_for_function(
        "() => document.querySelector('[data-search-status]').textContent.startsWith('找到 27 ')"
        " && document.getElementById('lp-search').dataset.searchDone === '醴陵'",
        timeout=15000,
    )
    types = browser_page.locator(".lp-search-result__type").all_inner_texts()
    assert types and set(types) == {"权力清单"} and len(everything) == 10


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
    browser_page.on(
        "console",
        lambda message: violations.append(message.text) if "Content Security Policy" in message.text else None,
    )
    browser_page.route("**/*", with_csp)  # every response, as the server will send it
    titles = search(browser_page, site_url, "苹果瓜")
    assert titles[:1] == ["醴陵农民种出特大苹果瓜"] and violations == []


def filter_counts(browser_page, site_url) -> dict[str, dict[str, int]]:
    """Each filter value's number of pages, counted from every shard's own filters.json."""
    manifest = browser_page.context.request.get(f"{site_url}/search-index/shards.json").json()
    counts: dict[str, dict[str, int]] = {}
    for shard in manifest["shards"]:
        version = manifest["layout"][shard]["version"]
        table = browser_page.context.request.get(f"{site_url}/search-index/{shard}/filters.json?v={version}").json()
        for name, values in table.items():
            for value, pages in values.items():
                counts.setdefault(name, {})[value] = counts.get(name, {}).get(value, 0) + len(pages)
    return counts


def test_every_kind_of_page_has_its_section_filter(browser_page, site_url):
    """Articles, village ledgers and power-list matters can each be narrowed to their 栏目 in search."""
    filters = filter_counts(browser_page, site_url)
    # The search page lists the filters from the manifest: the same counts as the shards' own.
    manifest = browser_page.context.request.get(f"{site_url}/search-index/shards.json").json()
    assert manifest["filters"] == filters
    sections = filters["栏目"]
    assert sections["村务公开"] == 35  # one page per village per month in content/disclosures/finance
    assert sections["权力清单"] == 27
    assert sections["要闻"] == 1 and sections["三农"] == 1
    assert filters["年份"]["2020"] >= 35 + 5


def test_the_filters_are_listed_without_fetching_any_filter_index(browser_page, site_url):
    """The search page's filters and their counts come from search-index/shards.json: the shards'
    filter tables (every filter's page list) are fetched only once a filter is chosen."""
    fetched = []
    browser_page.on("request", lambda request: fetched.append(request.url))
    search(browser_page, site_url, "醴陵")  # every kind of page holds it, so the filter has work to do
    assert not [url for url in fetched if "/filters.json" in url]
    unfiltered = browser_page.locator(RESULT_TITLES).evaluate_all("links => links.map(a => a.pathname)")
    assert any(not link.startswith("/disclosures/power-list/") for link in unfiltered), unfiltered
    options = browser_page.locator("select[name=栏目] option").all_text_contents()
    assert "村务公开（35）" in options and "权力清单（27）" in options
    # Choosing a filter is what fetches the filter tables; waiting on that request (rather than on
    # the result list, which is empty for a moment while the new search runs) keeps it free of a race.
    with browser_page.expect_request(lambda request: "/filters.json" in request.url):
        browser_page.select_option("select[name=栏目]", "权力清单")
    browser_page.wait_for_function(
        f"() => {{ const links = [...document.querySelectorAll('{RESULT_TITLES}')];"
        " return links.length > 0 && links.every(a => a.pathname.startsWith('/disclosures/power-list/')); }"
    )


def test_one_search_covers_every_shard(browser_page, site_url):
    """The index is split into shards (news by five years, ledgers by year, the rest); search.js asks
    each of them, so one query reaches every shard and results and filters come from all of them."""
    shards = browser_page.context.request.get(f"{site_url}/search-index/shards.json").json()["shards"]
    assert shards == ["ledgers-2020", "news-2020-2024", "site"]
    asked = []
    browser_page.on(
        "request",
        lambda request: (
            asked.append(request.url.split("/search-index/")[1].split("/")[0])
            if re.search(r"/search-index/[^/]+/t/", request.url)
            else None
        ),
    )
    search(browser_page, site_url, "权力清单")
    assert sorted(set(asked)) == shards
    while browser_page.locator("[data-search-more]").is_visible():
        count = browser_page.locator(RESULT_TITLES).count()
        browser_page.locator("[data-search-more]").click()
        browser_page.wait_for_function(f"() => document.querySelectorAll('{RESULT_TITLES}').length > {count}")
    links = browser_page.locator(RESULT_TITLES).evaluate_all("links => links.map(a => a.pathname)")
    assert any(link.startswith("/news/2020/") for link in links), links
    assert any(link.startswith("/disclosures/power-list/") for link in links), links
    counts = filter_counts(browser_page, site_url)
    assert [counts["栏目"]["村务公开"], counts["栏目"]["权力清单"], counts["年份"]["2020"]] == [35, 27, 40]
    # 年份 2020: 35 ledger months (ledgers-2020) and 5 articles (news-2020-2024)
    # A filter narrows every shard's results: more 2020 pages than the ledgers' shard holds alone.
    everything = browser_page.evaluate("() => window.lilingSearch.rank('2020')")
    filtered = browser_page.evaluate("() => window.lilingSearch.rank('2020', {年份: '2020'})")
    assert 35 < filtered["count"] <= 40 and filtered["count"] < everything["count"]


def test_a_residents_word_also_looks_up_the_pages_word_and_says_so(segmenter_page, site_url):
    """No page says 歌厅: content/search-synonyms.csv maps it to 娱乐场所, the matter's own word, in every
    browser; the status line says what was looked up besides, and the page word is marked."""
    titles = search(segmenter_page, site_url, "开歌厅要什么手续")
    assert titles[0] == "娱乐场所经营许可"
    status = segmenter_page.locator(STATUS).inner_text()
    assert status.startswith("找到 ") and status.endswith("相关的结果（同时搜索了“娱乐场所”）。"), status
    marked = segmenter_page.locator(".lp-search-result").first.locator("mark").all_inner_texts()
    assert "娱乐场所" in "".join(marked)
    # Full-width letters and a space match the table's KTV and 卡拉OK, as a phone keyboard types them.
    for query in ("开ＫＴＶ要办什么许可", "卡拉 OK 营业"):
        titles = search(segmenter_page, site_url, query)
        assert titles[0] == "娱乐场所经营许可", query
        assert "（同时搜索了“娱乐场所”）" in segmenter_page.locator(STATUS).inner_text(), query
    # Two resident words whose page words overlap: the longer one alone is looked up and named.
    titles = search(segmenter_page, site_url, "家里困难的贫困学生")
    assert titles[0] == "家庭经济困难学生资助"
    assert segmenter_page.locator(STATUS).inner_text().endswith("（同时搜索了“家庭经济困难学生”）。")
    # Nothing is added when the page word is in the query already, nor for a resident word only
    # inside an everyday one (人防工程 is a row; 个人防护 holds 人防 but is not about it).
    for query in ("歌厅娱乐场所", "个人防护"):
        search(segmenter_page, site_url, query)
        assert "同时搜索了" not in segmenter_page.locator(STATUS).inner_text(), query


def test_a_failed_index_fetch_says_so_and_the_next_search_fetches_it_again(browser_page, site_url):
    """A phone losing its signal mid-search: the status says the search did not finish (it does not
    hang at 正在搜索), and the bucket that failed is fetched again by the next search, not
    remembered as failed until the page is reloaded."""
    failed = []

    def drop_once(route):
        if not failed:
            failed.append(route.request.url)
            route.abort()
        else:
            route.continue_()

    browser_page.route(re.compile(r"/search-index/news-2020-2024/t/"), drop_once)
    browser_page.goto(f"{site_url}/search/?q=" + urllib.parse.quote("苹果瓜"))
    browser_page.wait_for_function(
        "() => document.querySelector('[data-search-status]').textContent.includes('没有完成')"
    )
    assert failed and browser_page.locator(RESULT_TITLES).count() == 0
    assert (
        browser_page.locator(STATUS).inner_text()
        == "搜索没有完成，可能是网络不稳定。请稍后再试，或按栏目、按日期浏览。"
    )
    browser_page.fill("#lp-search-page-q", "苹果瓜")
    browser_page.click(".lp-search__button")
    browser_page.wait_for_function("() => document.getElementById('lp-search').dataset.searchDone === '苹果瓜'")
    assert browser_page.locator(RESULT_TITLES).first.inner_text() == "醴陵农民种出特大苹果瓜"


def test_an_open_search_page_checks_the_list_of_shards_again(browser_page, site_url):
    """A page left open across a publish must not look buckets up by an old list: a search asks for
    the list again (cache "no-cache") when its copy is over a minute old, and uses what it gets."""
    lists = []

    def publish_between(route):
        response = route.fetch()
        manifest = response.json()
        if lists:  # every list after the first: as if a build had been published in between
            for layout in manifest["layout"].values():
                layout["version"] += "new"
        lists.append(manifest)
        route.fulfill(response=response, json=manifest)

    browser_page.route(re.compile(r"/search-index/shards\.json$"), publish_between)
    asked = []
    browser_page.on("request", lambda request: asked.append(request.url) if "/t/" in request.url else None)
    search(browser_page, site_url, "苹果瓜")
    count = len(lists)
    browser_page.evaluate("() => window.lilingSearch.rank('瓷城驿站')")
    assert len(lists) == count  # within the minute: not asked again
    assert not [url for url in asked if url.endswith("new")]
    browser_page.clock.install()
    browser_page.clock.fast_forward(61_000)
    found = browser_page.evaluate("() => window.lilingSearch.rank('瓷城驿站')")
    assert len(lists) == count + 1 and found["urls"][0].endswith("/first-ciyi-post/")
    assert asked[-1].endswith("new")  # the buckets of the list just fetched


def test_a_search_that_cannot_start_says_so_instead_of_asking_for_javascript(browser_page, site_url):
    browser_page.route(re.compile(r"/search-index/shards\.json$"), lambda route: route.abort())
    browser_page.goto(f"{site_url}/search/?q=" + urllib.parse.quote("苹果瓜"))
    browser_page.wait_for_function("() => !document.querySelector('[data-search-status]').hidden")
    assert browser_page.locator(STATUS).inner_text() == (
        "站内搜索暂时无法使用，可能是网络不稳定。请稍后刷新本页，或按栏目、按日期浏览。"
    )
    assert not browser_page.locator("[data-search-no-js]").is_visible()
    assert browser_page.input_value("#lp-search-page-q") == "苹果瓜"


def test_letters_still_being_composed_into_characters_are_not_searched(browser_page, site_url):
    """A pinyin keyboard holds lao'nian in the box until the characters are chosen: no search for the
    letters, one for the characters once composition ends."""
    search(browser_page, site_url, "苹果瓜")
    browser_page.evaluate("""() => {
        const box = document.getElementById('lp-search-page-q');
        box.value = "lao'nian";
        box.dispatchEvent(new InputEvent('input', {isComposing: true, bubbles: true}));
    }""")
    browser_page.wait_for_timeout(700)
    assert browser_page.evaluate("() => document.getElementById('lp-search').dataset.searchDone") == "苹果瓜"
    browser_page.evaluate("""() => {
        const box = document.getElementById('lp-search-page-q');
        box.value = '老年证';
        box.dispatchEvent(new CompositionEvent('compositionend', {data: '老年证', bubbles: true}));
    }""")
    browser_page.wait_for_function("() => document.getElementById('lp-search').dataset.searchDone === '老年证'")
    assert browser_page.locator(RESULT_TITLES).first.inner_text() == "老年证年审"
