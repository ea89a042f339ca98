"""Content checks run by every build (before anything is written) and by `invoke check`.

Front matter per content type, Beijing-time dates, ASCII unique slugs, no duplicate titles on
one day, images that exist and have alt text. Every problem in every file is reported at once.
"""

from __future__ import annotations

import os
from zoneinfo import ZoneInfo

from pelican import signals

from portal_data import collect_problems, raise_collected_problems
from portal_data.content_files import markdown_files

from .checks import Source, check_duplicate_titles, check_file, check_unique_slugs
from .images import check_images
from .links import check_internal_links, check_template

DEFAULTS = {"TIMEZONE": "Asia/Shanghai"}


def content_problems(settings: dict) -> list:
    """Every problem in the Markdown sources under settings["PATH"], sorted by file and position."""
    zone = ZoneInfo(settings.get("TIMEZONE") or DEFAULTS["TIMEZONE"])
    content_root = os.path.abspath(settings["PATH"])
    errors, sources = [], []
    template_folders = [os.path.join(settings["THEME"], "templates"), *settings.get("THEME_TEMPLATES_OVERRIDES", [])]
    for item in markdown_files(settings):
        source = Source.parse(item.shown, item.kind, item.read_text())
        sources.append(source)
        errors += check_file(source, zone)
        errors += check_images(item.shown, source.text, item.path, content_root)
        errors += check_internal_links(item.shown, source.text, item.path, content_root)
        errors += check_template(item.shown, source.fields.get("template"), template_folders)
    errors += check_unique_slugs(sources)
    errors += check_duplicate_titles(sources, zone)
    return sorted(errors)


def check_before_writing(generator) -> None:
    """page_generator_finalized: articles and pages are read, nothing is written yet."""
    collect_problems(generator.context, content_problems(generator.settings))


def register():
    signals.page_generator_finalized.connect(check_before_writing)
    signals.all_generators_finalized.connect(raise_collected_problems)
