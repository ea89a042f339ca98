"""Each theme component rendered alone from its examples, checked as HTML and by axe-core in Chromium."""

from __future__ import annotations

import json

import pytest
from browser_checks import axe_violations
from bs4 import BeautifulSoup
from jinja2 import Environment, FileSystemLoader

from conftest import ROOT

TEMPLATES = ROOT / "theme" / "templates"
EXAMPLES = json.loads((TEMPLATES / "components" / "examples.json").read_text(encoding="utf-8"))
CASES = [
    (name, index, params)
    for name, examples in EXAMPLES.items()
    if not name.startswith("_")
    for index, params in enumerate(examples)
]
GLOBALS = {"SITEURL": "", "SITENAME": "醴陵新闻", "SITE_SUBTITLE": "株洲日报·醴陵版", "PUBLISHER": "株洲日报社"}


def render(name: str, params: dict) -> str:
    env = Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=True)
    source = '{% from "components/' + name + '.html" import ' + name + " with context %}{{ " + name + "(params) }}"
    return env.from_string(source).render(params=params, **GLOBALS)


def test_every_component_has_examples():
    components = {path.stem for path in (TEMPLATES / "components").glob("*.html")}
    # These take Pelican objects (articles, paginators): the site tests cover them.
    # ledger_table takes the village disclosure models: tests/test_village_disclosure*.py cover it.
    # register_table is called with a block: power_table's and problem_table's examples render it.
    assert components - {
        "header",
        "footer",
        "article_meta",
        "article_card",
        "pagination",
        "ledger_table",
        "register_table",
    } <= set(EXAMPLES)


def test_breadcrumbs_marks_the_current_page_without_a_link():
    soup = BeautifulSoup(render("breadcrumbs", EXAMPLES["breadcrumbs"][0]), "html.parser")
    items = soup.select("li")
    assert [li.get_text(strip=True) for li in items] == ["首页", "要闻", "醴陵新时代网上群众路线这样走"]
    assert items[-1]["aria-current"] == "page" and items[-1].find("a") is None


def test_component_text_is_escaped():
    html = render("data_download", {"title": "<script>alert(1)</script>", "files": [{"url": "/x", "format": "CSV"}]})
    assert "<script>" not in html and "&lt;script&gt;" in html


@pytest.mark.browser
@pytest.mark.parametrize("name,index,params", CASES, ids=[f"{n}-{i}" for n, i, _ in CASES])
def test_component_example_passes_axe(browser_page, name, index, params):
    body = render(name, params)
    browser_page.set_content(
        f'<!doctype html><html lang="zh-CN"><head><title>{name}</title></head><body><main><h1>{name}</h1>{body}</main></body></html>'
    )
    assert axe_violations(browser_page) == []
