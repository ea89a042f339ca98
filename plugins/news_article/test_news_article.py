"""Related stories: the per-section pass gives exactly what the simple per-article definition gives."""

from __future__ import annotations

import datetime as dt
import random
from types import SimpleNamespace

from plugins.news_article.news_article import attach_related, related_in_section


def test_attach_related_matches_the_definition_including_date_ties():
    rng = random.Random(8)
    articles = [
        SimpleNamespace(category=rng.choice(["要闻", "城建", "三农"]), date=dt.datetime(2020, 7, rng.randint(1, 4)))
        for _ in range(200)
    ]
    generator = SimpleNamespace(articles=articles, settings={"RELATED_ARTICLES_LIMIT": 5})
    attach_related(generator)
    for article in articles:
        assert article.related_articles == related_in_section(article, articles, 5)


def test_a_date_shows_its_time_only_when_the_source_gave_one():
    from plugins.news_article.news_article import display_date

    assert display_date(dt.datetime(2020, 7, 8, 9, 30), True) == "2020-07-08 09:30"
    assert display_date(dt.datetime(2020, 7, 8), False) == "2020-07-08"
