"""Which variables a template reads: parsed once for every generator's environment, per syntax."""

from __future__ import annotations

import jinja2

from plugins.incremental_writer.render_keys import TemplateVariables

TEMPLATES = {
    "base.html": "<title>{{ SITENAME }}</title>{% block content %}{% endblock %}",
    "article.html": '{% extends "base.html" %}{% block content %}{{ article.title }}{% endblock %}',
    "odd.html": "<% if notice %>{{ article }}<% endif %>",
}


class CountingEnvironment(jinja2.Environment):
    parsed: list[str] = []

    def parse(self, source, name=None, filename=None):
        CountingEnvironment.parsed.append(source)
        return super().parse(source, name, filename)


def environment(**syntax) -> CountingEnvironment:
    return CountingEnvironment(loader=jinja2.DictLoader(TEMPLATES), **syntax)


def test_every_generators_environment_shares_one_parse_of_each_template():
    CountingEnvironment.parsed = []
    shared: dict = {}
    first = TemplateVariables(environment(), shared).of("article.html")
    second = TemplateVariables(environment(), shared).of("article.html")
    assert first == second == {"SITENAME", "article"}
    assert sorted(CountingEnvironment.parsed) == sorted([TEMPLATES["article.html"], TEMPLATES["base.html"]])
    assert TemplateVariables(environment()).of("article.html") == first  # as without sharing


def test_another_syntax_parses_the_same_text_again_and_reads_what_it_says():
    shared: dict = {}
    assert TemplateVariables(environment(), shared).of("odd.html") == {"article"}  # `<% … %>` is text here
    other = environment(block_start_string="<%", block_end_string="%>")
    assert TemplateVariables(other, shared).of("odd.html") == {"notice", "article"}
