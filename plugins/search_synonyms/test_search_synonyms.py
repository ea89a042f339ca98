"""The synonyms table: what an editor's mistakes are told, and the search page carrying the table."""

from __future__ import annotations

import json

import pytest

from plugins.portal_data import ContentError
from plugins.portal_data.fixture_site import ROOT, build_fixture_site, parse_page
from plugins.search_synonyms.search_synonyms import DEFAULTS, as_matched, load_synonyms

PLUGINS = ["plugins.search_synonyms"]


def content_with(tmp_path, text: str):
    content = tmp_path / "content"
    content.mkdir(parents=True)
    (content / "search-synonyms.csv").write_text(text, encoding="utf-8")
    return content


def messages(tmp_path, text: str) -> list[str]:
    synonyms, errors = load_synonyms(str(content_with(tmp_path, text)), {})
    assert synonyms == []  # a table with a problem gives no synonyms: the build stops
    return [str(error) for error in sorted(errors)]


def test_rows_become_page_words_per_resident_word_in_the_files_order(tmp_path):
    text = "居民用语,页面用语\n歌厅,娱乐场所\nKTV,娱乐场所\n过户,转移登记\n打井,取水\n过户,不动产\n"
    synonyms, errors = load_synonyms(str(content_with(tmp_path, text)), {})
    assert errors == []
    assert synonyms == [
        ("歌厅", ["娱乐场所"]),
        ("KTV", ["娱乐场所"]),
        ("过户", ["转移登记", "不动产"]),
        ("打井", ["取水"]),
    ]


def test_every_problem_is_named_with_its_line_and_column(tmp_path):
    text = "居民用语,页面用语\n歌厅,\n歌,娱乐场所\n过户,过户\n——,不动产\n过户,转移登记\n过户,转移登记\n"
    assert messages(tmp_path, text) == [
        "search-synonyms.csv:2:2: 页面用语 为空；每个同义词都要填写页面用语",
        "search-synonyms.csv:3:1: 居民用语“歌”只有一个字：凡是含这个字的搜索都会加上同义词；请写成含这个字的词（如“歌厅”，不写“歌”）",
        "search-synonyms.csv:4:2: 页面用语“过户”和居民用语一样：搜索“过户”本来就会找它，这一行不起作用；同义词应是页面上用的另一个说法",
        "search-synonyms.csv:5:1: 居民用语“——”里没有汉字、数字或字母，搜索时什么也找不到；请写一个词",
        "search-synonyms.csv:7:1: “过户 → 转移登记”已在第 6 行写过；请删去这一行",
    ]


def test_words_are_compared_as_the_search_page_compares_them(tmp_path):
    """Full width, capitals and spaces count for nothing in a query (search.js), so not here either."""
    text = (
        "居民用语,页面用语\nK,娱乐场所\n歌厅,井\nKTV,ktv\n老年人优待证,优待证\n"
        "卡拉OK,娱乐场所\nＫＴＶ,娱乐场所\nktv,娱乐场所\n"
    )
    assert messages(tmp_path, text) == [
        "search-synonyms.csv:2:1: 居民用语“K”只有一个字：凡是含这个字的搜索都会加上同义词；请写成含这个字的词（如“歌厅”，不写“歌”）",
        "search-synonyms.csv:3:2: 页面用语“井”只有一个字：和别的词一起搜索时，单个字不会单独查找；请写页面上的一个词（至少两个字）",
        "search-synonyms.csv:4:2: 页面用语“ktv”和居民用语一样（全角半角、大小写、空格在搜索时不算区别）：搜索“KTV”本来就会找它，"
        "这一行不起作用；同义词应是页面上用的另一个说法",
        "search-synonyms.csv:5:2: 页面用语“优待证”已包含在居民用语里：搜索“老年人优待证”本来就会找它，这一行不起作用；同义词应是页面上用的另一个说法",
        "search-synonyms.csv:8:1: “ktv → 娱乐场所”已在第 7 行写过（全角半角、大小写、空格在搜索时不算区别）；请删去这一行",
    ]
    # Spaces inside a page word are dropped on both sides: 娱乐 场所 is looked up as 娱乐场所.
    assert messages(tmp_path / "spaces", "居民用语,页面用语\n舞厅,娱乐场所\n舞厅,娱乐 场所\n") == [
        "search-synonyms.csv:3:1: “舞厅 → 娱乐 场所”已在第 2 行写过（全角半角、大小写、空格在搜索时不算区别）；请删去这一行",
    ]


def test_a_page_word_is_one_word_the_search_page_can_look_up(tmp_path):
    """search.js looks a page word up as one run of characters, without its spaces (娱乐 场所 is
    fine): a mark would split it (取、水 is 取 and 水, neither looked up beside the query's words), and
    one at the end (取水。) is refused as well, since the editor meant the word without it."""
    text = "居民用语,页面用语\n打井,取、水\n打井,取水。\n卡拉OK,娱乐 场所\n"
    assert messages(tmp_path, text) == [
        "search-synonyms.csv:2:2: 页面用语“取、水”应是页面上的一个词，只写汉字、数字或字母：标点会把它拆开，拆出的单个字不会单独查找",
        "search-synonyms.csv:3:2: 页面用语“取水。”应是页面上的一个词，只写汉字、数字或字母：标点会把它拆开，拆出的单个字不会单独查找",
    ]


def test_a_word_with_an_invisible_character_is_refused(tmp_path):
    """A zero-width space pasted with the word: it looks right and never matches a query."""
    text = "居民用语,页面用语\n歌厅\u200b,娱乐场所\n舞厅,\ufeff娱乐场所\n"
    assert messages(tmp_path, text) == [
        "search-synonyms.csv:2:1: 居民用语“歌厅\u200b”里有看不见的字符（多半是从网页或微信复制来的零宽空格）；请清空这个格子，重新输入这个词",
        "search-synonyms.csv:3:2: 页面用语“\ufeff娱乐场所”里有看不见的字符（多半是从网页或微信复制来的零宽空格）；请清空这个格子，重新输入这个词",
    ]


def test_a_second_page_word_in_a_third_cell_is_told_to_take_a_row_of_its_own(tmp_path):
    assert messages(tmp_path, "居民用语,页面用语\n过户,转移登记,不动产\n") == [
        "search-synonyms.csv:2:3: 这一行有 3 个单元格，表头只有 2 列；一行只写一对：一个居民用语有几个页面用语，就写几行"
    ]


def test_a_wrong_header_says_which_columns_are_expected(tmp_path):
    assert messages(tmp_path, "说法,正式名称\n歌厅,娱乐场所\n") == [
        "search-synonyms.csv:1:1: 表头第 1 列是“说法”，应为“居民用语”；完整表头应为：居民用语,页面用语"
    ]


def test_a_site_without_the_table_has_no_synonyms(tmp_path):
    (tmp_path / "content").mkdir()
    assert load_synonyms(str(tmp_path / "content"), {}) == ([], [])


def test_a_table_the_settings_name_must_be_there(tmp_path):
    (tmp_path / "content").mkdir()
    _synonyms, errors = load_synonyms(str(tmp_path / "content"), {"SEARCH_SYNONYMS_PATH": "search/words.csv"})
    assert [error.message for error in errors] == [
        "SEARCH_SYNONYMS_PATH = 'search/words.csv'：内容文件夹里没有这个文件；请改正路径（写到 .csv 文件本身），或删去这项设置"
    ]


def test_a_setting_of_the_wrong_kind_is_named(tmp_path):
    (tmp_path / "content").mkdir()
    _synonyms, errors = load_synonyms(str(tmp_path / "content"), {"SEARCH_SYNONYMS_PATH": 3})
    assert [error.message for error in errors] == [
        "SEARCH_SYNONYMS_PATH = 3 不对；应为文字（路径或网址），例如 'search-synonyms.csv'"
    ]


def test_the_search_page_carries_the_table_in_the_files_order(tmp_path):
    """A single-quoted attribute: tojson writes ' < > & as \\u0027 …, so a word holding one cannot end it."""
    content = content_with(tmp_path, "居民用语,页面用语\n歌厅,娱乐场所\n<卡拉'OK>&,娱乐场所\n")
    output = build_fixture_site(content, tmp_path / "out", PLUGINS, articles=False)
    root = parse_page(output / "search" / "index.html").select_one("#lp-search")
    assert json.loads(root["data-synonym-pairs"]) == [["歌厅", ["娱乐场所"]], ["<卡拉'OK>&", ["娱乐场所"]]]
    # Nothing leaked out of the attribute: the same attributes, and the form still inside the element.
    assert sorted(root.attrs) == ["class", "data-bundle-path", "data-synonym-pairs", "id"]
    assert root.select_one("form.lp-search__form") is not None


def test_a_bad_table_fails_the_build_before_anything_is_written(tmp_path):
    content = content_with(tmp_path, "居民用语,页面用语\n歌厅,\n")
    with pytest.raises(ContentError) as raised:
        build_fixture_site(content, tmp_path / "out", PLUGINS, articles=False)
    assert [(e.path, e.line, e.column, e.code) for e in raised.value.errors] == [
        ("search-synonyms.csv", 2, 2, "empty-cell")
    ]
    assert not (tmp_path / "out" / "search").exists()


def test_the_sites_own_table_reads_without_a_problem():
    synonyms, errors = load_synonyms(str(ROOT / "content"), {})
    assert errors == [] and dict(synonyms)["歌厅"] == ["娱乐场所"]


# What residents type about other things that holds a resident word of the table would take its page
# word too, and the search page would say so: 个人防护 is not about 人防 (人民防空).
EVERYDAY_PHRASES = ["个人防护", "个人防范意识", "贫困生活补助", "防疫个人防护用品", "营业执照"]


def test_no_resident_word_of_the_sites_table_hides_in_an_everyday_phrase():
    synonyms, _errors = load_synonyms(str(ROOT / "content"), {})
    found = {
        phrase: [word for word, _pages in synonyms if as_matched(word) in as_matched(phrase)]
        for phrase in EVERYDAY_PHRASES
    }
    assert {phrase: words for phrase, words in found.items() if words} == {}


def test_every_setting_is_documented_in_the_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert [key for key in DEFAULTS if f"`{key}`" not in readme] == []
