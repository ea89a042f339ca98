"""What each page gives the search index (buildtools/search_text.py), checked against what the index
reads from it (buildtools/search_index.py); and a ledger correction that moves later months' balances re-indexing only
the month whose searchable text changed."""

from __future__ import annotations

import json
import re
import shutil

import pytest

from buildtools.search_index import read_document
from buildtools.search_text import abbreviation_tokens, search_document, search_tokens, searchable_parts
from conftest import ROOT

PAGE = (
    '<html lang="zh-CN"><head><title>{title}</title><meta name="description" content="{description}"></head>'
    '<body><nav>{nav}</nav><article data-pagefind-body data-pagefind-filter="栏目:村务公开" '
    'data-pagefind-meta="类型:村务公开, 日期:2020-01"><h1>长岭村 2020年1月</h1>'
    '<div class="lp-sample-notice" data-pagefind-ignore="all">示例数据 本页数据为演示用的示例数据</div>'
    '<dl><div data-pagefind-ignore="all"><dt>期初余额</dt><dd>{balance} 元</dd></div>'
    "<div><dt>本月收入</dt><dd>{income} 元</dd></div></dl><p>修路 &amp; 清淤</p>"
    '<p data-pagefind-ignore>对本月收支有疑问<span data-pagefind-filter="年份">2020</span></p></article>'
    "<footer>{footer}</footer></body></html>"
)
BASE = dict(
    title="长岭村", description="期末余额 1.00 元", nav="村务公开", balance="1.00", income="5.00", footer="醴陵"
)


def page(**changes) -> str:
    return PAGE.format(**{**BASE, **changes})


def indexed_tokens(document: str) -> list[tuple[str, list[str]]]:
    """(weight, tokens) of each text block of a search document, in order."""
    blocks = re.findall(r'<p(?: data-pagefind-weight="(\d+)")?>([^<]*)</p>', document)
    return [(weight or "1", text.split()) for weight, text in blocks]


def test_a_word_split_by_a_weighed_element_keeps_its_bigram_across_the_edge():
    """A ledger month's h1 weighs its town as body text (<span> of weight 1) before the title: the
    page still holds every bigram of 枫林镇金桥社区 in order, so a query naming town and village
    finds the month as it finds a page that writes the name in one piece."""
    h1 = '<h1><span data-pagefind-weight="1">枫林镇</span>金桥社区2020年1月</h1>'
    document = search_document(f"<html><body><article data-pagefind-body>{h1}</article></body></html>")
    [(town_weight, town), (title_weight, title)] = indexed_tokens(document)[:2]
    assert (town_weight, title_weight) == ("1", "10")
    assert town + title == search_tokens("枫林镇金桥社区2020年1月")  # the same tokens, in the same order
    assert town[-1] == search_tokens("镇金")[0]


@pytest.mark.parametrize(
    "body",
    [
        '<p><span data-pagefind-weight="1">枫林镇</span> 金桥社区</p>',  # a space: two words
        '<p><span data-pagefind-weight="1">枫林镇</span> <span data-pagefind-weight="5">金桥</span></p>',
        "<p>枫林镇</p><p>金桥社区</p>",  # two paragraphs
        '<p><span data-pagefind-weight="1">枫林镇</span>2020年</p>',  # a number follows
        "<dl><dd>枫林镇</dd><dt>金桥社区</dt></dl>",  # a label follows: never indexed
    ],
    ids=["space", "space-between-elements", "paragraphs", "number", "label"],
)
def test_no_bigram_is_made_across_an_edge_that_ends_a_word(body):
    document = search_document(f"<html><body><article data-pagefind-body>{body}</article></body></html>")
    assert indexed_tokens(document)[0][1] == search_tokens("枫林镇")


def test_han_text_becomes_overlapping_bigrams_and_its_last_character():
    # 左权 权路 路 | 2020年 | 5月 | 43033061 | word: one token each, all ASCII letters
    tokens = search_tokens("左权路 2020年5月 43033061号站点 ABC")
    assert tokens[:3] == [search_tokens("左权")[0], search_tokens("权路")[0], search_tokens("路")[0]]
    assert tokens[3:] == ["ncacavy", "nfwy", "nedaddagby", *search_tokens("号站点"), "xabc"]
    assert all(token.isascii() and token.isalpha() for token in tokens)
    assert search_tokens("五月") == search_tokens("5月") and search_tokens("１２") == search_tokens("12")


def test_no_index_token_is_a_shorter_start_of_a_query_token():
    """No token is the start of a longer one (2020 of 2020060): a shorter token always ends in a letter
    the longer one does not have there, so no index can confuse them."""
    words = search_tokens("2020 2020060 左 左权 权 5月 5 醴陵市")
    for short in words:
        for long in words:
            assert short == long or not long.startswith(short), (short, long)


@pytest.mark.parametrize(
    "changes",
    [
        dict(balance="2.00"),
        dict(description="期末余额 2.00 元"),
        dict(nav="栏目"),
        dict(footer="株洲"),
        dict(title="别的标题"),
    ],
)
def test_changes_outside_the_content_leave_the_search_document_alone(changes):
    assert search_document(page(**changes)) == search_document(page())


@pytest.mark.parametrize(
    "changed",
    [
        page(income="6.00"),  # text in the body
        page().replace("修路", "修桥"),
        page().replace("栏目:村务公开", "栏目:权力清单"),  # a filter
        page().replace("类型:村务公开", "类型:问题清单"),  # metadata
        page().replace("<footer>", '<footer data-pagefind-meta="作者:某">'),  # metadata outside the body
        page().replace(">2020</span>", ">2021</span>"),  # a filter inside an ignored part
    ],
)
def test_every_change_the_index_holds_changes_the_search_document(changed):
    assert search_document(changed) != search_document(page())


def test_labels_and_navigation_are_not_the_pages_own_text():
    """Field names, column headings, captions and links to other pages repeat on every page of a kind."""
    document = search_document(
        "<html><body><article data-pagefind-body><h1>老年证年审</h1>"
        "<dl><dt>办理条件</dt><dd>年满60周岁</dd></dl>"
        '<table><caption>收支明细</caption><thead><tr><th scope="col">摘要</th></tr></thead>'
        '<tbody><tr><th scope="row">01</th><td>修路</td></tr></tbody></table>'
        '<nav><a href="../2020-02/">下个月 2020年2月</a></nav></article></body></html>'
    )
    assert document is not None
    indexed = " ".join(line for line in document.splitlines() if line.startswith("<p"))
    for label in ("办理条件", "收支明细", "摘要", "下个月", "2020年2月"):
        assert not set(search_tokens(label)) & set(indexed.replace("<", " ").replace(">", " ").split()), label
    for own in ("老年证年审", "年满60周岁", "01", "修路"):
        assert all(token in indexed for token in search_tokens(own)), own


def test_the_headline_is_the_part_of_the_title_weighed_as_one():
    """A ledger month's town is in its title but weighed as body text: the headline leaves it out."""
    ledger = (
        '<html><body><article data-pagefind-body><h1><span data-pagefind-weight="1">枫林镇</span>金桥社区'
        "<span>2020年3月 村级财务收支公开</span></h1><p>修路</p></article></body></html>"
    )
    [(_, headline)] = [(key, value) for kind, key, value in searchable_parts(ledger)[1] if key == "headline"]
    assert headline == "金桥社区2020年3月 村级财务收支公开"
    story = "<html><body><article data-pagefind-body><h1>醴陵农民种出特大苹果瓜</h1></article></body></html>"
    assert "headline" not in {key for _, key, _ in searchable_parts(story)[1]}  # the same as its title


def test_a_headline_is_found_by_its_short_form():
    """Chinese shortens a name by keeping characters in order: the query 低保 (its bigram, looked up
    as a prefix) finds the headline 最低生活保障审批, 货运 finds 道路货物运输经营许可; characters
    further apart, or not in order, do not pair."""
    story = "<html><body><article data-pagefind-body><h1>最低生活保障审批</h1><p>货物运输</p></article></body></html>"
    words = search_document(story).replace("<", " ").replace(">", " ").split()

    def found(query):
        [bigram, _] = search_tokens(query)
        return any(word.startswith(bigram) for word in words)

    assert found("低保") and found("低生") and found("生保")
    assert not found("货运")  # body text is not a headline: only what the page is called pairs
    assert any(token.startswith(search_tokens("货运")[0]) for token in abbreviation_tokens("道路货物运输经营许可"))
    assert not found("低审") and not found("保低")  # five apart; out of order
    assert not set(abbreviation_tokens("长岭村")) & set(search_tokens("长岭村"))  # never an exact bigram


def test_the_kicker_is_kept_for_the_result_list():
    story = (
        '<html><body><article data-pagefind-body><p data-pagefind-weight="5">三个普通瓜才顶它一个</p>'
        "<h1>醴陵农民种出特大苹果瓜</h1><p>正文</p></article></body></html>"
    )
    meta = {key: value for kind, key, value in searchable_parts(story)[1] if kind == "meta"}
    assert meta["kicker"] == "三个普通瓜才顶它一个" and meta["title"] == "醴陵农民种出特大苹果瓜"
    plain = "<html><body><article data-pagefind-body><h1>健康证明</h1><p>正文</p></article></body></html>"
    assert "kicker" not in {key for _, key, _ in searchable_parts(plain)[1]}


def test_the_excerpt_names_each_field_as_chinese_writes_it():
    """办理条件：… with a full-width colon; a field whose value is not searched (办理方式, the same on
    every matter) loses its name too, instead of leaving it hanging before the next one."""
    matter = (
        "<html><body><article data-pagefind-body><h1>老年证年审</h1><dl><dt>办理条件</dt><dd>年满60周岁</dd>"
        "<dt>办理方式</dt><dd data-pagefind-ignore>窗口</dd><dt>申请材料</dt><dd><ol><li>身份证</li><li>照片</li></ol></dd>"
        "</dl></article></body></html>"
    )
    meta = {key: value for kind, key, value in searchable_parts(matter)[1] if kind == "meta"}
    assert meta["text"] == "老年证年审 办理条件：年满60周岁 申请材料：身份证 照片"


def test_a_page_without_a_searchable_body_has_no_document():
    assert search_document("<html><body><p>没有可索引的部分</p></body></html>") is None


def test_the_index_reads_exactly_the_document_we_give_it():
    """The document's rules end where the index begins (buildtools/search_index.read_document): our
    tokens in order with their weights, the original title and text as metadata, our filters, and
    nothing ignored."""
    document = read_document(search_document(page()))
    headline = search_tokens("长岭村 2020年1月")
    body = search_tokens("5.00 元 修路 & 清淤")
    abbreviations = abbreviation_tokens("长岭村")
    assert [token for token, _ in document.tokens] == headline + body + abbreviations
    assert [weight for _, weight in document.tokens] == [10.0] * len(headline) + [1.0] * len(body) + [5.0] * len(
        abbreviations
    )
    assert document.meta["title"] == "长岭村 2020年1月"
    assert document.meta["text"] == "长岭村 2020年1月 本月收入：5.00 元 修路 & 清淤"  # labels shown, not indexed
    assert document.meta["类型"] == "村务公开" and document.meta["日期"] == "2020-01"
    assert document.filters == {"栏目": ["村务公开"], "年份": ["2020"]}
    assert "示例数据" not in json.dumps(document.meta, ensure_ascii=False) and "疑问" not in document.meta["text"]


def test_a_correction_reindexes_only_the_month_whose_search_text_changed(tmp_path):
    from benchmarks.bench import touch_ledger
    from buildtools.build import build_site

    shutil.copytree(ROOT / "content", tmp_path / "content")
    overrides = {
        "PATH": str(tmp_path / "content"),
        "BUILD_TIME": "2030-01-01T00:00",
        "PRECOMPRESS": False,
        "SEARCH_SHARDS": [(r"^disclosures/villages/[^/]+/(\d{4}-\d\d)/", r"ledgers-\1")],
    }
    output = tmp_path / "output"
    assert build_site(str(ROOT / "pelicanconf.py"), str(output), overrides).ok
    corrected = touch_ledger(str(tmp_path / "content"))  # the earliest month of the first village
    assert corrected.endswith("changling/2020-01.csv")
    later = output / "disclosures/villages/changling/2020-03/index.html"
    balance_before = later.read_text(encoding="utf-8")
    result = build_site(str(ROOT / "pelicanconf.py"), str(output), overrides)
    assert result.ok, result.problems
    assert later.read_text(encoding="utf-8") != balance_before  # every later month's balances moved
    # Only January's text changed for the index (village and town pages carry no content area).
    assert result.report["search"]["reindexed"] == ["ledgers-2020-01"]
    assert result.report["incremental"]["pages_changed_for_search"] < result.report["incremental"]["written"]


def test_the_browser_counts_the_same_characters_as_han():
    """search.js splits a query into Han runs with its own copy of the ranges (plugins/portal_data/han.py)."""
    from plugins.portal_data.han import HAN

    script = (ROOT / "theme" / "static" / "js" / "search.js").read_text(encoding="utf-8")
    written = re.search(r'var HAN = "([^"]+)";', script).group(1)
    in_browser = re.sub(r"\\\\u\{?([0-9a-fA-F]+)\}?", lambda match: chr(int(match.group(1), 16)), written)
    assert in_browser == HAN
