"""Sections (栏目): place every article and generated page in its declared section, then write each
section's landing pages and Atom feed, the site-wide feed, and the navigation every page shows.

Articles are placed in generate_context (a wrong Category stops the build before anything is
written). Pages made by other generators (village disclosures, the power list) arrive as
SectionItem values in context["section_items"]; they are read on all_generators_finalized, after
every generator's generate_context and before any page is written, so the navigation that
article pages show already knows which sections have content.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass

from pelican import signals
from pelican.contents import Article
from pelican.generators import Generator

from plugins.portal_data import DataError, collect_problems, raise_collected_problems
from plugins.portal_data.downloads import write_derived
from plugins.portal_data.front_matter import value_position
from plugins.portal_data.numbers import whole_number
from plugins.portal_data.plugin_list import plugin_listed
from plugins.portal_data.plugin_settings import plugin_settings
from plugins.portal_data.site_url import feed_siteurl

from .declaration import Section, load_sections
from .feeds import FeedEntry, atom_bytes

DEFAULTS = {
    "SECTIONS_FILE": "sections.toml",  # relative to PATH (content/)
    "SECTION_URL": "{slug}/",
    "SECTION_SAVE_AS": "{slug}/index.html",
    "SECTION_FEED_URL": "{slug}/feed.atom.xml",
    "SECTION_FEED_SAVE_AS": "{slug}/feed.atom.xml",
    "SECTIONS_FEED_URL": "feed.atom.xml",  # the site-wide feed
    "SECTIONS_FEED_SAVE_AS": "feed.atom.xml",
    "SECTIONS_FEED_MAX_ITEMS": 50,
    "SECTIONS_FRONT_PAGE_ITEMS": 3,  # newest items per section on the front page
}
NO_POSITION = 10_000  # generated pages and articles outside an edition sort after placed stories


@dataclass(frozen=True)
class SectionEntry:
    """One item in a section list: an article, or a page another generator made."""

    title: str
    url: str
    date: dt.datetime
    summary: str
    position: int = NO_POSITION
    kind: str = "article"
    article: object = None  # the Pelican Article, for article cards; None for generated pages

    @property
    def sort_key(self):
        return (-self.date.timestamp(), self.position, self.title)


PLACEHOLDERS = {key: "{slug}" for key in ("SECTION_URL", "SECTION_SAVE_AS", "SECTION_FEED_URL", "SECTION_FEED_SAVE_AS")}


def section_settings(settings) -> tuple[dict, list[DataError]]:
    return plugin_settings(settings, DEFAULTS, PLACEHOLDERS)


def entry_for_article(article) -> SectionEntry:
    position = whole_number(str(getattr(article, "edition_position", "")))
    if position is None:
        position = NO_POSITION
    return SectionEntry(
        title=article.title,
        url=article.url,
        date=article.date,
        summary=str(getattr(article, "summary", "") or ""),
        position=position,
        article=article,
    )


def unknown_category(name: str, sections: list[Section]) -> str:
    """What an editor reads when `Category` names no declared section (the build and `invoke new`)."""
    choices = "、".join(dict.fromkeys(c for section in sections for c in section.categories)) or "（没有声明任何分类）"
    return f"栏目“{name}”不存在；可用的栏目：{choices}（新栏目请先在 content/sections.toml 中声明）"


def place_articles(sections: list[Section], articles, content_path: str) -> list[DataError]:
    """Give each article its home section (`article.section`) and list it there, and in any
    section that takes one of its tags. An unknown or missing Category is an error."""
    by_category = {category: section for section in sections for category in section.categories}
    choices = "、".join(by_category) or "（没有声明任何分类）"
    errors = []
    for article in articles:
        shown = os.path.relpath(article.source_path, content_path)
        category = getattr(article, "category", None)
        position = (
            article.category_position
            if hasattr(article, "category_position")
            else value_position(article.source_path, "category")
        )
        home = by_category.get(category.name) if category and position else None
        if home is None:
            if position is None:
                errors.append(DataError(shown, 1, 0, "missing-category", f"缺少 Category 一行；可用的栏目：{choices}"))
            elif not category:  # "Category:" with nothing after it
                errors.append(
                    DataError(shown, *position, "missing-category", f"Category 是空的；请写上一个栏目：{choices}")
                )
            else:
                errors.append(
                    DataError(shown, *position, "unknown-category", unknown_category(category.name, sections))
                )
            continue
        article.section = home
        tag_names = {tag.name for tag in getattr(article, "tags", [])}
        for section in sections:
            if section is home or tag_names & set(section.tags):
                section.entries.append(entry_for_article(article))
    return errors


def note_category_position(content) -> None:
    """content_object_init: where an article's Category value is (None: the file has no Category
    line), found while the article is read rather than by opening every file again when sections
    are placed, so a reading kept between builds (buildtools/articles_reading.py) keeps it too."""
    if isinstance(content, Article) and enabled(content.settings):
        content.category_position = value_position(content.source_path, "category")


def place_items(sections: list[Section], items) -> list[DataError]:
    """List the SectionItems other generators registered; a wrong section slug is an error."""
    by_slug = {section.slug: section for section in sections}
    errors = []
    for item in items:
        section = by_slug.get(item.section)
        if section is None or item.date.tzinfo is None:
            problem = (
                f"栏目“{item.section}”没有在栏目声明中出现；可用的 slug：" + "、".join(by_slug)
                if section is None
                else "日期缺少时区；应为 Asia/Shanghai 时间"
            )
            errors.append(DataError(item.url, 0, 0, "bad-section-item", f"“{item.title}”：{problem}"))
            continue
        section.entries.append(
            SectionEntry(title=item.title, url=item.url, date=item.date, summary=item.summary, kind=item.kind or "page")
        )
        # A section listing a sample-data register's pages says 示例数据 too (registers.toml decides, not sections.toml).
        section.sample_data = section.sample_data or item.sample_data
    return errors


def front_page_entries(section: Section, exclude_url: str, count: int) -> list[SectionEntry]:
    """The newest items for a section's front-page block, leaving out the front page's lead story."""
    return [entry for entry in section.entries if entry.url != exclude_url][:count]


class SectionsGenerator(Generator):
    """Writes section landing pages and feeds; the context keys it adds are documented in README."""

    def generate_context(self):
        self.config, errors = section_settings(self.settings)
        # With a wrong setting there is no declaration to read or no address to give a section.
        sections, errors = (
            ([], errors)
            if errors
            else load_sections(os.path.join(self.path, self.config["SECTIONS_FILE"]), self.config["SECTIONS_FILE"])
        )
        for section in sections:
            section.url = self.config["SECTION_URL"].format(slug=section.slug)
            section.save_as = self.config["SECTION_SAVE_AS"].format(slug=section.slug)
            section.feed_url = self.config["SECTION_FEED_URL"].format(slug=section.slug)
            section.feed_save_as = self.config["SECTION_FEED_SAVE_AS"].format(slug=section.slug)
        if not errors:
            # A broken declaration leaves its section out; every article of it would then be reported
            # as in an unknown section, burying the one line the editor has to fix.
            errors = place_articles(sections, self.context.get("articles", []), self.path)
        collect_problems(self.context, errors)  # reported with every other plugin's, before writing
        self.sections = sections
        self.context["sections"] = sections
        self.context["section_nav"] = []
        self.context["SECTIONS_FEED_URL"] = self.config["SECTIONS_FEED_URL"]

    def finalize(self):
        """Add generated pages, order every list, and decide what the navigation shows."""
        collect_problems(self.context, place_items(self.sections, self.context.get("section_items", [])))
        # Other plugins' problems may already have been raised on this signal; ours come after them.
        raise_collected_problems([self])
        latest = self.context.get("latest_edition")
        lead_url = latest.lead.url if latest and latest.lead else ""
        for section in self.sections:
            section.entries.sort(key=lambda entry: entry.sort_key)
            section.front_entries = front_page_entries(section, lead_url, self.config["SECTIONS_FRONT_PAGE_ITEMS"])
        # An empty section is never shown: not in the navigation, the front page or the sitemap.
        self.context["section_nav"] = [section for section in self.sections if section.entries]
        self.context["front_page_sections"] = [
            (section, section.front_entries) for section in self.context["section_nav"] if section.front_entries
        ]

    def group_state(self) -> list:
        """All that its pages and feeds show beyond the shared context and the settings: its
        settings, each section and its entries. With it the build keeps the generator's whole
        output as one group while none changed, and after a corrected article (its entry the
        same) renders only the pages and feeds that list it (buildtools/parallel_output.generator_inputs)."""
        return [self.config, [(section, section.entries) for section in self.sections]]

    def generate_output(self, writer):
        template = self.get_template("section")
        for section in self.context["section_nav"]:
            writer.write_file(
                section.save_as,
                template,
                self.context,
                relative_urls=self.settings.get("RELATIVE_URLS"),
                paginated={"entries": section.entries},
                template_name="section",
                url=section.url,
                section=section,
            )
            self._write_feed(
                writer,
                section.feed_save_as,
                section.feed_url,
                f"{self.settings['SITENAME']} - {section.name}",
                section.description,
                [(entry, section) for entry in section.entries],
            )
        self._write_feed(
            writer,
            self.config["SECTIONS_FEED_SAVE_AS"],
            self.config["SECTIONS_FEED_URL"],
            self.settings["SITENAME"],
            self.settings.get("SITE_SUBTITLE", ""),
            site_wide_entries(self.sections),
        )

    def _write_feed(self, writer, save_as, url, title, subtitle, entries_with_section):
        site = feed_siteurl(self.settings)
        shown = [
            (entry, section.name, section.sample_data)
            for entry, section in entries_with_section[: self.config["SECTIONS_FEED_MAX_ITEMS"]]
        ]

        def feed() -> bytes:
            entries = [FeedEntry.from_section_entry(*listed) for listed in shown]
            return atom_bytes(title=title, subtitle=subtitle, site_url=site, feed_url=f"{site}/{url}", entries=entries)

        # Through the writer, made again only when what it shows changed (and kept with the group).
        write_derived(writer, self.output_path, save_as, [title, subtitle, site, url, shown], feed)


def site_wide_entries(sections: list[Section]) -> list[tuple[SectionEntry, Section]]:
    """Every entry once, under its home section (an article a tag also lists elsewhere), newest first."""
    seen: dict[str, tuple[SectionEntry, Section]] = {}
    for section in sections:
        for entry in section.entries:
            home = getattr(entry.article, "section", section) if entry.article else section
            seen.setdefault(entry.url, (entry, home))
    return sorted(seen.values(), key=lambda pair: pair[0].sort_key)


def enabled(settings) -> bool:
    """Signals are process-wide: once registered, they fire for every later Pelican run in the same
    process (tests build several sites), so act only where this plugin is listed in PLUGINS."""
    return plugin_listed(settings, __name__)


def get_generators(pelican_object):
    return SectionsGenerator if enabled(pelican_object.settings) else None


def finalize_sections(generators):
    for generator in generators:
        if isinstance(generator, SectionsGenerator):
            generator.finalize()


def register():
    signals.get_generators.connect(get_generators)
    signals.all_generators_finalized.connect(raise_collected_problems)
    signals.all_generators_finalized.connect(finalize_sections)
    signals.content_object_init.connect(note_category_position)
