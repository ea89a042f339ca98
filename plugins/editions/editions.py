"""Edition pages: the day's paper as readers saw it, lead story first, and an archive of every edition.

An article joins an edition through its `Edition: YYYY-MM-DD` and `Edition_Position: N`
metadata; position 1 is the lead story.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field

from pelican import signals

from plugins.portal_data import DataError, collect_problems, raise_collected_problems
from plugins.portal_data.dates import DateFormError, parse_day
from plugins.portal_data.front_matter import value_position
from plugins.portal_data.numbers import whole_number
from plugins.portal_data.page_generator import PageGenerator
from plugins.portal_data.plugin_settings import plugin_settings

# EDITION_NAME is not here: it is the site's own choice, set in pelicanconf.py, which the theme reads
# too (the header, an article's ContentSource); a site without it names its editions by SITENAME.
DEFAULTS = {
    "EDITION_URL": "editions/{date:%Y-%m-%d}/",
    "EDITION_SAVE_AS": "editions/{date:%Y-%m-%d}/index.html",
    "EDITIONS_URL": "editions/",
    "EDITIONS_SAVE_AS": "editions/index.html",
}


@dataclass
class Edition:
    date: dt.date
    name: str
    url: str
    save_as: str
    articles: list = field(default_factory=list)

    @property
    def lead(self):
        return self.articles[0] if self.articles else None

    @property
    def rest(self):
        return self.articles[1:]

    @property
    def title(self) -> str:
        return f"{self.name} {self.date:%Y-%m-%d}"


@dataclass(frozen=True)
class EditionListing:
    """One line of the editions index: what it shows of an edition. Its lead, not its articles:
    a page's render key digests what its template reads, and the whole lists were every article
    of ten years digested on each rebuild, and named as shown there, so a corrected article made
    the page render again (plugins/incremental_writer)."""

    url: str
    title: str
    lead: object
    count: int


def edition_listing(editions: list[Edition]) -> list[EditionListing]:
    return [EditionListing(edition.url, edition.title, edition.lead, len(edition.articles)) for edition in editions]


def edition_settings(settings) -> tuple[dict, list[DataError]]:
    config, errors = plugin_settings(settings, DEFAULTS, {"EDITION_URL": "{date", "EDITION_SAVE_AS": "{date"})
    config["EDITION_NAME"] = settings.get("EDITION_NAME") or settings.get("SITENAME", "")
    return config, errors


def _where(path: str, key: str) -> tuple[int, int]:
    """Where `key`'s value is in the article; (1, 0), the whole file, when the front matter lacks it."""
    return value_position(path, key) or (1, 0)


def build_editions(articles, config, content_path: str = "") -> tuple[list[Edition], list[DataError]]:
    """Group articles into editions ordered by position; newest edition first.

    Paths in errors are shown relative to `content_path`, as editors see them in the repository.
    """
    errors: list[DataError] = []
    placed: dict[dt.date, dict[int, object]] = {}
    # In file-name order, so the same files always get the same message whatever order Pelican read them in.
    for article in sorted(articles, key=lambda item: item.source_path):
        raw_date = getattr(article, "edition", None)
        if not raw_date:
            continue
        path = article.source_path
        shown = os.path.relpath(path, content_path) if content_path else path
        try:
            day = parse_day(str(raw_date))
        except DateFormError as problem:
            errors.append(DataError(shown, *_where(path, "edition"), "bad-edition-date", f"Edition {problem}"))
            continue
        raw_position = str(getattr(article, "edition_position", "")).strip()
        position = whole_number(raw_position)
        if position is None or position < 1:
            errors.append(
                DataError(
                    shown,
                    *_where(path, "edition_position"),
                    "bad-edition-position",
                    f"Edition_Position 的值“{raw_position}”不是版面顺序；应为 1、2、3…（1 是头条）",
                )
            )
            continue
        slots = placed.setdefault(day, {})
        if position in slots:
            errors.append(
                DataError(
                    shown,
                    *_where(path, "edition_position"),
                    "duplicate-edition-position",
                    f"{day} 这一期已有第 {position} 篇（{os.path.relpath(slots[position].source_path, content_path or os.sep)}）；每篇文章的 Edition_Position 应不同",
                )
            )
            continue
        slots[position] = article

    editions = []
    for day in sorted(placed, reverse=True):
        edition = Edition(
            date=day,
            name=config["EDITION_NAME"],
            url=config["EDITION_URL"].format(date=day),
            save_as=config["EDITION_SAVE_AS"].format(date=day),
            articles=[placed[day][pos] for pos in sorted(placed[day])],
        )
        for index, article in enumerate(edition.articles):
            article.in_edition = edition
            article.edition_previous = edition.articles[index - 1] if index > 0 else None
            article.edition_next = edition.articles[index + 1] if index + 1 < len(edition.articles) else None
        editions.append(edition)
    return editions, errors


class EditionsGenerator(PageGenerator):
    """Collects editions from the articles the ArticlesGenerator has read, then writes their pages."""

    def generate_context(self):
        self.config, errors = edition_settings(self.settings)
        if errors:  # with a wrong URL pattern no edition has an address: report only the setting
            self.editions = []
        else:
            self.editions, errors = build_editions(self.context.get("articles", []), self.config, self.path)
        collect_problems(self.context, errors)
        self.context["editions"] = self.editions
        self.context["latest_edition"] = self.editions[0] if self.editions else None
        self.context["EDITIONS_URL"] = self.config["EDITIONS_URL"]

    def group_state(self) -> list:
        """All that its pages show beyond the shared context and the settings: its settings and
        editions, made from the articles alone. With it the build keeps the generator's whole
        output as one group while the articles' reading holds (buildtools/parallel_output.generator_inputs)."""
        return [self.config, self.editions]

    def generate_output(self, writer):
        for edition in self.editions:
            self.write_page(writer, "edition", edition.save_as, edition.url, edition=edition)
        self.write_page(
            writer,
            "editions",
            self.config["EDITIONS_SAVE_AS"],
            self.config["EDITIONS_URL"],
            edition_listing=edition_listing(self.editions),
        )


def get_generators(pelican_object):
    return EditionsGenerator


def register():
    signals.get_generators.connect(get_generators)
    signals.all_generators_finalized.connect(raise_collected_problems)
