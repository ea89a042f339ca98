"""News article extras Pelican lacks: 通讯员 as a list of names, and related stories in the same section."""

from __future__ import annotations

import re

from pelican import signals
from pelican.contents import Article
from pelican.generators import ArticlesGenerator

RELATED_LIMIT_DEFAULT = 5
_NAME_SEPARATORS = re.compile(r"[,，、;；]+")


def split_names(value) -> list[str]:
    """'刘斌, 吴嘉慧' or '刘斌、吴嘉慧' -> ['刘斌', '吴嘉慧']; names keep no inner padding spaces."""
    if not value:
        return []
    if isinstance(value, (list, tuple)):
        value = ",".join(value)
    return [re.sub(r"\s+", "", name) for name in _NAME_SEPARATORS.split(value) if name.strip()]


def related_in_section(article, articles, limit: int) -> list:
    """Other articles of the same category, newest first."""
    # An article without Category has no .category; the sections plugin reports it with its position.
    category = getattr(article, "category", None)
    same = [
        other
        for other in articles
        if other is not article and category is not None and getattr(other, "category", None) == category
    ]
    same.sort(key=lambda other: other.date, reverse=True)
    return same[:limit]


def display_date(date, has_time: bool) -> str:
    """'2020-07-08 09:30', or '2020-07-08' when the source gave only the day."""
    return f"{date:%Y-%m-%d %H:%M}" if has_time else f"{date:%Y-%m-%d}"


def normalise_article(content) -> None:
    if not isinstance(content, Article):
        return
    content.correspondents = split_names(getattr(content, "correspondents", ""))
    # Readers other than ours (markdown_reader) do not tell: show the time, as Pelican would.
    has_time = getattr(content, "date_has_time", True)
    content.date_has_time = has_time
    if getattr(content, "date", None) is not None:
        content.display_date = display_date(content.date, has_time)


def attach_related(generator) -> None:
    """Same result as related_in_section for every article, but each section is sorted once:
    calling it per article is quadratic and took minutes at ten years' scale (benchmarks/)."""
    limit = generator.settings.get("RELATED_ARTICLES_LIMIT", RELATED_LIMIT_DEFAULT)
    by_section: dict = {}
    for article in generator.articles:
        category = getattr(article, "category", None)  # missing: the sections plugin reports it
        if category is None:
            article.related_articles = []
            continue
        by_section.setdefault(category, []).append(article)
    for section in by_section.values():
        section.sort(key=lambda other: other.date, reverse=True)  # stable, as in related_in_section
        for article in section:
            article.related_articles = [other for other in section[: limit + 1] if other is not article][:limit]


def list_counts(generators) -> None:
    """What the index pages of tags, authors, categories and archives show of each list: the
    list (a tag, a month) and how many articles it holds, as `tag_counts`, `author_counts`,
    `category_counts` and `archive_periods` in the context. A page's render key digests what its
    template reads: the lists themselves made it digest every article two or three times on each
    rebuild (half a second per page at ten years), and name every article as shown there, so a
    corrected article made those pages render again (plugins/incremental_writer)."""
    for generator in generators:
        if not isinstance(generator, ArticlesGenerator):
            continue
        context = generator.context
        for lists, counts in (("tags", "tag_counts"), ("authors", "author_counts"), ("categories", "category_counts")):
            context[counts] = [(term, len(articles)) for term, articles in context.get(lists, ())]
        context["archive_periods"] = {
            granularity: [
                {"period_num": period["period_num"], "url": period["url"], "count": len(period["articles"])}
                for period in periods
            ]
            for granularity, periods in context.get("period_archives", {}).items()
        }


def register():
    signals.content_object_init.connect(normalise_article)
    signals.article_generator_finalized.connect(attach_related)
    signals.all_generators_finalized.connect(list_counts)
