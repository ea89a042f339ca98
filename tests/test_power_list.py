"""The power list (权力清单) as built from content/disclosures/: every matter's page, counts that follow
the data, downloads that round-trip, and the register's filters in Chromium at phone width."""

from __future__ import annotations

import json
import re
import shutil

import pytest
from browser_checks import axe_violations, sideways_overflow, small_tap_targets

from conftest import ROOT, build_into, parse
from plugins.portal_data.csv_source import read_csv_table
from plugins.power_list.model import HEADER

SOURCE = ROOT / "content" / "disclosures" / "power-list.csv"
REGISTER = "disclosures/power-list/"
NOTICE = ".lp-sample-notice"


def source_rows() -> list[dict]:
    table, errors = read_csv_table(str(SOURCE), exact_header=HEADER)
    assert errors == []
    return [row.cells for row in table.rows]


def department_codes() -> dict[str, str]:
    table, _ = read_csv_table(str(ROOT / "content" / "disclosures" / "departments.csv"), exact_header=["部门", "代码"])
    return {row["部门"]: row["代码"] for row in table.rows}


def text_of(node) -> str:
    return re.sub(r"\s+", "", node.get_text())


def test_sample_data_is_27_matters_of_21_departments_including_the_seed_services():
    rows = source_rows()
    assert len(rows) == 27 and len({row["实施部门"] for row in rows}) == 21
    names = {row["事项名称"] for row in rows}
    assert {"老年证年审", "健康证明", "养老资格认证", "新农保年审", "计生奖扶年审"} <= names
    assert all(int(row["承诺时限"]) <= int(row["法定时限"]) for row in rows)
    # Fictitious numbers, one per department, never a mobile number.
    phones = {row["实施部门"]: row["监督电话"] for row in rows}
    assert all(re.fullmatch(r"0731-230000\d\d", phone) for phone in phones.values())
    assert len(set(phones.values())) == 21


def test_register_headline_and_groups_follow_the_data(page):
    rows = source_rows()
    soup = page(REGISTER)
    departments = list(dict.fromkeys(row["实施部门"] for row in rows))
    assert soup.select_one(".lp-power-headline__count").get_text() == f"{len(departments)} 个部门 {len(rows)} 项"
    assert "21个部门27项" in text_of(soup.find("caption"))
    headings = [
        (g.a.get_text(), g.select_one(".lp-power-table__group-count").get_text())
        for g in soup.select(".lp-power-table__group-heading")
    ]
    assert sorted(headings) == sorted((d, f"{sum(r['实施部门'] == d for r in rows)} 项") for d in departments)
    assert len(soup.select("tr.lp-power-table__row")) == len(rows)
    assert soup.select_one(NOTICE) and "虚构号码" in soup.select_one(NOTICE).get_text()
    assert [th["scope"] for th in soup.select("thead th")] == ["col"] * 5


def test_register_works_without_javascript(page):
    soup = page(REGISTER)
    form = soup.select_one("form[data-register-filter='power-table']")
    assert form.has_attr("hidden")  # only the script reveals it
    assert not soup.select("tr[hidden], tbody[hidden]")
    links = soup.select(".lp-power-departments__link")
    assert len(links) == 21 and all(a["href"].endswith("/") for a in links)
    assert not soup.select("script:not([src])")  # the CSP forbids inline scripts


@pytest.mark.parametrize("index", range(27))
def test_every_row_has_its_matter_page_with_every_field(page, index):
    row = source_rows()[index]
    soup = page(f"{REGISTER}items/{row['序号']}/")
    article = soup.select_one("article[data-pagefind-body]")
    assert article["data-pagefind-filter"] == "栏目:权力清单"
    assert soup.h1.get_text() == row["事项名称"]
    assert soup.select_one(NOTICE)
    fields = {dt.get_text(): dt.find_next_sibling("dd") for dt in soup.select(".lp-power-item__fields dt")}
    assert list(fields) == HEADER
    for column in ("实施部门", "事项名称", "事项类别", "办理条件", "收费标准", "监督电话", "更新日期"):
        assert text_of(fields[column]) == re.sub(r"\s+", "", row[column]), column
    assert [li.get_text() for li in fields["申请材料"].select("li")] == row["申请材料"].split("；")
    assert [li.get_text() for li in fields["办理流程"].select("li")] == row["办理流程"].split("；")
    assert [li.get_text() for li in fields["设定依据"].select("li")] == row["设定依据"].split("；")
    # Sample data: the fictitious number is shown, never offered as something to call.
    assert soup.select_one(".lp-power-item__call") is None and not soup.select('a[href^="tel:"]')
    assert text_of(soup.select_one(".lp-power-item__number")) == row["监督电话"]
    steps = soup.select(".lp-power-item__steps li")
    assert len(steps) >= 5 and row["监督电话"] in steps[-1].get_text()
    assert fields["实施部门"].a["href"].endswith(f"/departments/{department_codes()[row['实施部门']]}/")


def test_every_department_page_lists_exactly_its_matters(page):
    rows = source_rows()
    for name, code in department_codes().items():
        soup = page(f"{REGISTER}departments/{code}/")
        assert soup.h1.get_text().startswith(name) and soup.select_one(NOTICE)
        listed = [a.get_text() for a in soup.select(".lp-power-table__name a")]
        assert listed == [row["事项名称"] for row in rows if row["实施部门"] == name]


def test_csv_download_round_trips_to_the_editors_file(site):
    path = site / REGISTER / "power-list.csv"
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and b"\r\n" in data
    table, errors = read_csv_table(str(path), exact_header=HEADER)
    assert errors == [] and [row.cells for row in table.rows] == source_rows()


def test_json_download_round_trips_with_numbers_as_numbers(site):
    document = json.loads((site / REGISTER / "power-list.json").read_text(encoding="utf-8"))
    assert document["sample_data"] is True
    assert (document["department_count"], document["item_count"]) == (21, 27)
    as_text = [{column: str(item[column]) for column in HEADER} for item in document["items"]]
    assert as_text == source_rows()
    assert all(isinstance(item["承诺时限"], int) for item in document["items"])
    assert all((site / item["网址"] / "index.html").exists() for item in document["items"])


def test_data_package_validates_the_csv_download(site):
    import frictionless  # requirements-test.txt

    report = frictionless.validate(str(site / REGISTER / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])


def test_a_28th_row_from_a_new_department_changes_every_count(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    disclosures = content / "disclosures"
    with open(disclosures / "departments.csv", "a", encoding="utf-8") as handle:
        handle.write("醴陵市商务局,shangwu\n")
    with open(disclosures / "power-list.csv", "a", encoding="utf-8") as handle:
        handle.write(
            "28,醴陵市商务局,再生资源回收经营者备案,其他行政权力,《再生资源回收管理办法》第七条,"
            "从事再生资源回收经营活动的经营者,营业执照；备案登记表,提交备案材料；商务局登记,"
            "5,1,不收费,窗口、网上,备案责任：及时登记,0731-23000022,2020-07-01\n"
        )
    output = build_into(tmp_path / "output", overrides={"PATH": str(content)})
    register = parse(output / REGISTER / "index.html")
    assert register.select_one(".lp-power-headline__count").get_text() == "22 个部门 28 项"
    assert len(register.select("tr.lp-power-table__row")) == 28
    assert register.select_one("time")["datetime"] == "2020-07-01"
    department = parse(output / REGISTER / "departments/shangwu/index.html")
    assert [a.get_text() for a in department.select(".lp-power-table__name a")] == ["再生资源回收经营者备案"]
    assert parse(output / REGISTER / "items/28/index.html").h1.get_text() == "再生资源回收经营者备案"


# ---- In Chromium ----


def visible_rows(browser_page) -> list[str]:
    return browser_page.eval_on_selector_all(
        "tr.lp-power-table__row", "rows => rows.filter(r => r.offsetParent !== null).map(r => r.dataset.department)"
    )


@pytest.mark.browser
def test_filtering_by_department_narrows_the_table_and_announces_the_count(browser_page, site_url, screenshot):
    browser_page.set_viewport_size({"width": 375, "height": 800})
    browser_page.goto(site_url + "/" + REGISTER)
    assert len(visible_rows(browser_page)) == 27
    browser_page.get_by_label("实施部门").select_option(label="醴陵市人力资源和社会保障局")
    assert visible_rows(browser_page) == ["renshe", "renshe"]
    status = browser_page.get_by_role("status")
    assert status.get_attribute("aria-live") == "polite" and status.text_content() == "显示 2 项（共 27 项）"
    assert browser_page.locator("tbody.lp-power-table__group:visible").count() == 1
    assert browser_page.url.endswith("?department=renshe")
    screenshot(browser_page, "power-list-filtered-375")
    browser_page.get_by_label("实施部门").select_option("")
    browser_page.get_by_label("办理方式").select_option("微信群代办")
    wechat = len(visible_rows(browser_page))
    assert 0 < wechat < 27 and status.text_content() == f"显示 {wechat} 项（共 27 项）"
    browser_page.get_by_label("事项类别").select_option("行政许可")
    assert browser_page.locator("#power-table-empty").is_visible() == (len(visible_rows(browser_page)) == 0)
    browser_page.get_by_role("button", name="显示全部").click()
    browser_page.wait_for_function("document.querySelectorAll('tr.lp-power-table__row:not([hidden])').length === 27")
    assert status.text_content() == "显示全部 27 项"


@pytest.mark.browser
def test_a_shared_filtered_link_opens_filtered(browser_page, site_url):
    browser_page.goto(site_url + "/" + REGISTER + "?department=minzheng&channel=%E7%BD%91%E4%B8%8A&category=bogus")
    assert visible_rows(browser_page) == ["minzheng"]  # 民政局's matters handled 网上; unknown values ignored
    assert browser_page.get_by_label("事项类别").input_value() == ""
    assert browser_page.get_by_role("status").text_content() == "显示 1 项（共 27 项）"


@pytest.mark.browser
def test_without_javascript_the_form_stays_hidden_and_every_row_shows(browser, site_url):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 375, "height": 800})
    no_js = context.new_page()
    no_js.goto(site_url + "/" + REGISTER)
    assert not no_js.locator("form[data-register-filter='power-table']").is_visible()
    assert len(visible_rows(no_js)) == 27
    no_js.get_by_text("按部门查看").click()
    no_js.get_by_role("link", name=re.compile("醴陵市民政局")).first.click()
    assert no_js.locator("h1").text_content().startswith("醴陵市民政局")
    context.close()


@pytest.mark.browser
@pytest.mark.parametrize("url", [REGISTER, REGISTER + "items/3/", REGISTER + "departments/minzheng/"])
def test_usable_at_375px_without_sideways_scrolling(phone, site_url, screenshot, url):
    phone.goto(site_url + "/" + url)
    assert sideways_overflow(phone) <= 0
    tapped = ".lp-register-filter__select, .lp-button, .lp-power-departments__summary, .lp-power-table__group-heading a"
    assert small_tap_targets(phone, tapped) == 0
    assert axe_violations(phone) == []
    screenshot(phone, "power-" + url.strip("/").replace("/", "-") + "-375")


@pytest.mark.browser
def test_matters_are_in_the_search_with_the_power_list_filter(browser_page, site_url):
    browser_page.goto(site_url + "/search/")
    filters, urls = browser_page.evaluate("""async () => {
        const manifest = await (await fetch('/search-index/shards.json')).json();
        const found = await window.lilingSearch.rank('健康证明', {栏目: '权力清单'});
        return [manifest.filters, found.urls];
    }""")
    assert filters["栏目"]["权力清单"] == 27
    health = next(row["序号"] for row in source_rows() if row["事项名称"] == "健康证明")
    assert urls[0] == f"/{REGISTER}items/{health}/"
    assert urls and all(url.startswith(f"/{REGISTER}items/") for url in urls)  # the filter held
