"""No code from content: refused constructs fail the build with file and line; everything else
outside the allow-list is removed, and nothing executable reaches the page."""

from __future__ import annotations

import pathlib

import markdown
import pytest
from bs4 import BeautifulSoup

from plugins.portal_data import ContentError
from plugins.portal_data.fixture_site import build_fixture_site
from plugins.safe_html.sanitise import sanitise

HERE = pathlib.Path(__file__).parent
ATTACKS = (HERE / "test_data/refused/attacks.md").read_text(encoding="utf-8").split("\n\n", 1)[1]


def build(folder: str, output: pathlib.Path):
    # Signal handlers stay connected for the whole test process, so other plugins' checks may run
    # too: the fixtures are otherwise valid content (x.gif exists, front matter complete).
    return build_fixture_site(HERE / "test_data" / folder, output, ["plugins.news_article", "plugins.safe_html"])


def assert_nothing_executable(soup: BeautifulSoup, own_scripts=(), fragment=True):
    """No script but the site's own, no on… handler, no script URL; in content, no embedding tags either."""
    scripts = [tag.get("src", "") for tag in soup.find_all("script")]
    assert all(src and src.endswith(own_scripts) for src in scripts) if own_scripts else not scripts, scripts
    for tag in soup.find_all(True):
        assert not [name for name in tag.attrs if name.lower().startswith("on")], tag
        for name in ("href", "src", "action", "data", "formaction"):
            value = "".join(str(tag.get(name, "")).split()).lower()
            assert not value.startswith(("javascript:", "vbscript:", "data:text")), tag
    if fragment:
        assert not soup.find_all(["iframe", "object", "embed", "form", "style", "base", "link", "meta", "svg"])


def test_each_refused_attack_is_a_build_error_with_its_line(tmp_path):
    with pytest.raises(ContentError) as raised:
        build("refused", tmp_path / "out")
    assert [(e.path, e.line, e.column, e.code) for e in raised.value.errors] == [
        ("attacks.md", 8, 1, "script-tag"),
        ("attacks.md", 9, 26, "event-handler"),
        ("attacks.md", 10, 6, "javascript-url"),
        ("attacks.md", 11, 1, "iframe-tag"),
        ("attacks.md", 12, 1, "javascript-url"),  # &#106;avascript: decoded as a browser would
        ("attacks.md", 13, 6, "event-handler"),
        ("attacks.md", 14, 10, "javascript-url"),
        ("attacks.md", 15, 1, "script-tag"),
    ]
    assert str(raised.value.errors[0]).startswith("attacks.md:8:1: 文章里不能有 <script>")
    assert not (tmp_path / "out" / "news").exists()


def test_even_if_a_refusal_missed_one_the_sanitiser_leaves_nothing_executable():
    rendered = markdown.markdown(ATTACKS, extensions=["markdown.extensions.extra"], output_format="html5")
    assert "<script" in rendered and "onerror" in rendered  # the attacks do reach Markdown's output
    assert_nothing_executable(BeautifulSoup(sanitise(rendered), "html.parser"))


@pytest.mark.parametrize("attack", ATTACKS.strip().split("\n"))
def test_each_attack_alone_is_neutralised(attack):
    rendered = markdown.markdown(attack, extensions=["markdown.extensions.extra"], output_format="html5")
    assert_nothing_executable(BeautifulSoup(sanitise(rendered), "html.parser"))


def test_other_html_is_removed_quietly_and_the_page_still_builds(tmp_path):
    output = build("stripped", tmp_path / "out")
    soup = BeautifulSoup((output / "news/2021/03/quiet/index.html").read_text(encoding="utf-8"), "html.parser")
    body = soup.select_one(".lp-article__body") or soup.main
    assert_nothing_executable(body)
    assert_nothing_executable(soup, own_scripts=("/theme/js/elder-mode.js",), fragment=False)
    # Only the theme's own search forms (the bar's and the copy folded into 长辈模式's 菜单), none from content.
    assert [form.get("class") for form in soup.find_all("form")] == [["lp-search-form"]] * 2
    assert not soup.find_all(["iframe", "object", "embed", "style", "base"])
    assert [tag["href"] for tag in soup.find_all("link") if tag.get("rel") != ["alternate"]] == [
        "../../../../theme/images/favicon.svg",
        "../../../../theme/images/apple-touch-icon.png",
        "../../../../theme/css/main.css",
        "../../../../theme/css/print.css",
    ]
    assert [tag["href"] for tag in soup.find_all("link", rel="alternate")] in ([], ["../../../../feed.atom.xml"])
    assert not [tag for tag in soup.find_all(True) if tag.get("style")]  # CSP: no inline styles
    assert "lp-header" not in str(body)  # no borrowed site classes
    assert body.find("p", string="带样式的段落") is not None
    assert [th["scope"] for th in body.select("th[scope]")] == ["col"]
    assert body.find("th", colspan="2").get_text() == "保留的表头"
    assert body.find("a", string="站内链接")["href"] == "https://example.gov.cn/"
    assert body.find("em").get_text() == "强调"
    assert "1,200.00" in body.get_text()


def test_internal_links_and_images_keep_pelican_placeholders():
    html = '<p><a href="{filename}/news/a.md">另一篇</a><img src="{static}/images/a.jpg" alt="图"></p>'
    assert sanitise(html) == html
