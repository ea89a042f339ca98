"""A village month printed from Chromium is the 村务公开栏 公示表: A4, every voucher, the totals and
balances, the signatures and the blank lines for the supervisory committee, on the number of pages
the voucher count predicts, with the header row on every page."""

from __future__ import annotations

import io
import re
import unicodedata

import pypdf
import pytest

pytestmark = pytest.mark.browser

MONTH = "/disclosures/villages/xiangshui/2020-06/"
A4_LANDSCAPE_PT = (841.9, 595.0)
RADICALS = str.maketrans({"\u2eda": "页", "\u2ec5": "见"})

# The print stylesheet's fixed heights, in mm (theme/static/css/print.css, “村务公开栏 公示表”).
PAGE_BODY, HEAD, HEADER_ROW, VOUCHER_ROW, TOTAL_ROW, SIGNOFF = 188, 38, 8, 8, 8, 50


def predicted_pages(vouchers: int) -> int:
    """Pages for a month of one-line vouchers: page 1 holds the head, then as many rows as fit under
    the repeated header row; the total row and the signature block follow the last voucher, on a
    new page when they do not fit under it."""
    pages, room, left = 1, PAGE_BODY - HEAD - HEADER_ROW, vouchers
    while left * VOUCHER_ROW > room:
        fitting = room // VOUCHER_ROW
        left -= fitting
        pages, room = pages + 1, PAGE_BODY - HEADER_ROW
    if room - left * VOUCHER_ROW < TOTAL_ROW + SIGNOFF:
        pages += 1
    return pages


def test_prediction_matches_the_stylesheet_arithmetic():
    assert [predicted_pages(n) for n in (1, 10, 11, 17, 18, 32, 33, 39, 40)] == [1, 1, 2, 2, 2, 2, 3, 3, 3]


def pdf_pages(browser_page) -> list[str]:
    data = browser_page.pdf(prefer_css_page_size=True, print_background=False)
    reader = pypdf.PdfReader(io.BytesIO(data))
    for page in reader.pages:
        assert (round(float(page.mediabox.width), 1), round(float(page.mediabox.height), 1)) == A4_LANDSCAPE_PT
    # The CJK font's ToUnicode maps some characters to radicals: NFKC folds the Kangxi ones back,
    # and the two of the CJK Radicals Supplement met here (页, 见) have no decomposition.
    folded = [unicodedata.normalize("NFKC", page.extract_text()).translate(RADICALS) for page in reader.pages]
    return [re.sub(r"\s+", "", text) for text in folded]


def test_a_village_month_prints_as_the_notice_board_sheet(browser_page, site_url, page):
    soup = page(MONTH.lstrip("/"))
    numbers = [th.get_text(strip=True) for th in soup.select(".lp-ledger-table tbody th")]
    browser_page.goto(site_url + MONTH)
    pages = pdf_pages(browser_page)
    assert len(pages) == predicted_pages(len(numbers)) == 1
    text = "".join(pages)
    assert "王仙镇香水村2020年6月村级财务收支公示表" in text
    rows = re.findall(r"2020-06-\d\d(\d\d)", text)  # each voucher's date followed by its number
    assert rows == numbers
    for figure in ("25,884.90", "15,753.17", "91,645.96", "101,777.69", "本月合计(7张凭证)"):
        assert figure in text
    for line in (
        "经办人邓春芳、易建军",
        "审批人刘志明",
        "村务监督委员会审核意见",
        "村务监督委员会成员(签字)",
        "(盖章)",
        "公示日期:年月日",
        "监督电话",
        "示例数据",
    ):
        assert line in text, line
    # The site's navigation, chart and downloads are not on the notice board.
    assert "按科目汇总" not in text and "下载" not in text and "长辈模式" not in text


CLONE_VOUCHERS = """n => {
    const body = document.querySelector('.lp-ledger-table tbody');
    const originals = [...body.rows];
    while (body.rows.length < n) {
        const row = originals[body.rows.length % originals.length].cloneNode(true);
        row.querySelector('th').textContent = 'V' + String(body.rows.length + 1).padStart(3, '0');
        body.appendChild(row);
    }
}"""


@pytest.mark.parametrize("vouchers", [10, 11, 32, 33, 60])
def test_longer_months_take_the_predicted_pages_with_the_header_row_on_each(browser_page, site_url, vouchers):
    browser_page.goto(site_url + MONTH)
    browser_page.evaluate(CLONE_VOUCHERS, vouchers)
    pages = pdf_pages(browser_page)
    assert len(pages) == predicted_pages(vouchers)
    text = "".join(pages)
    numbers = re.findall(r"2020-06-\d\d(\d\d|V\d{3})", text)
    assert len(numbers) == vouchers and len(set(numbers)) == vouchers
    for number, printed in enumerate(pages, start=1):
        if re.search(r"2020-06-\d\d", printed):  # every page that carries vouchers starts with the header row
            assert "日期凭证号摘要科目收入(元)支出(元)经办人证明人审批人" in printed, number
        assert f"第{number}页,共{len(pages)}页" in printed
    assert "村务监督委员会成员(签字)" in pages[-1] and "本月合计" in text
