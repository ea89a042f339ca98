"""Scheduled publishing: articles dated after the build time wait, unseen, for the first build after it.

An article is withheld when its `Date` is later than the build time, or it is `Status: scheduled`
and its time has not come. Withheld articles and drafts are taken out of the article generator
before categories, tags, authors, archives, editions and feeds are computed, so no listing, feed,
sitemap or search index can mention them, and no page is written for them. Pelican's own
WITH_FUTURE_DATES=False is not used: it compares with the machine's clock (tests cannot set it)
and turns future articles into drafts, which Pelican still writes under drafts/.

The build time is the `BUILD_TIME` setting, else the `LILING_BUILD_TIME` environment variable
(ISO 8601, e.g. 2030-01-01T08:00; without an offset it is read in TIMEZONE), else now.
"""

from __future__ import annotations

import datetime as dt
import os
from zoneinfo import ZoneInfo

from pelican import signals
from pelican.contents import Article

from plugins.portal_data import DataError, raise_if_any
from plugins.portal_data.dates import parse_iso_time
from plugins.portal_data.plugin_settings import plugin_settings

ENV_BUILD_TIME = "LILING_BUILD_TIME"
SCHEDULED_STATUS = "scheduled"
DEFAULTS = {
    "BUILD_TIME": None,  # datetime or ISO 8601 text; None: env var, then the clock
    "TIMEZONE": "Asia/Shanghai",
    "WITHHOLD_DRAFTS": True,  # drafts are never written, not even under drafts/
}


def parse_build_time(value, timezone: str) -> dt.datetime:
    """'2030-01-01T08:00' or a datetime -> aware datetime; naive values are local to `timezone`."""
    return parse_iso_time(value, ZoneInfo(timezone))


def build_time(settings, environ=os.environ) -> dt.datetime:
    """The moment this build publishes as of: setting, then environment, then the clock in TIMEZONE."""
    timezone = settings.get("TIMEZONE") or DEFAULTS["TIMEZONE"]
    value = settings.get("BUILD_TIME") or environ.get(ENV_BUILD_TIME)
    if value:
        return parse_build_time(value, timezone)
    return dt.datetime.now(ZoneInfo(timezone)).replace(microsecond=0)


def is_due(article, now: dt.datetime) -> bool:
    date = article.date
    if date.tzinfo is None:  # Pelican makes dates aware when TIMEZONE is set; be safe anyway
        date = date.replace(tzinfo=now.tzinfo)
    return date <= now


def split_due(articles, now: dt.datetime) -> tuple[list, list]:
    """(articles whose time has come, articles still waiting), each in the order given."""
    due, waiting = [], []
    for article in articles:
        (due if is_due(article, now) else waiting).append(article)
    return due, waiting


def accept_scheduled_status(content) -> None:
    """`Status: scheduled` is publishing that waits for its date; Pelican would reject the status."""
    if isinstance(content, Article) and content.status == SCHEDULED_STATUS:
        content.status = "published"
        content.scheduled = True


def withhold_until_due(generator) -> None:
    """Runs at article_generator_pretaxonomy: before any listing is derived from generator.articles."""
    settings = generator.settings
    _config, errors = plugin_settings(settings, DEFAULTS)
    if settings.get("WITH_FUTURE_DATES") is False:
        errors.append(
            DataError(
                "pelicanconf.py",
                0,
                0,
                "bad-setting",
                "WITH_FUTURE_DATES 必须为 True：定时发布由 scheduled_publishing 插件按构建时间判断",
            )
        )
    raise_if_any(errors)
    now = build_time(settings)
    generator.articles, waiting = split_due(generator.articles, now)
    generator.translations, waiting_translations = split_due(generator.translations, now)
    generator.hidden_articles, waiting_hidden = split_due(generator.hidden_articles, now)
    if settings.get("WITHHOLD_DRAFTS", DEFAULTS["WITHHOLD_DRAFTS"]):
        generator.drafts, generator.drafts_translations = [], []
    withheld = sorted(waiting + waiting_translations + waiting_hidden, key=lambda a: (a.date, a.source_path))
    generator.context["build_time"] = now
    generator.context["scheduled_articles"] = withheld


def register():
    signals.content_object_init.connect(accept_scheduled_status)
    signals.article_generator_pretaxonomy.connect(withhold_until_due)
