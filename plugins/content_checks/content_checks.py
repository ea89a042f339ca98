"""Content checks run by every build (before anything is written) and by `invoke check`.

Front matter per content type, Beijing-time dates, ASCII unique slugs, no duplicate titles on
one day, images that exist and have alt text. Every problem in every file is reported at once.
"""

from __future__ import annotations

import os
import sys
from zoneinfo import ZoneInfo

from plugins.portal_data import codes, collect_problems, connect_source_check, dates, front_matter, positions
from plugins.portal_data.content_files import markdown_files
from plugins.portal_data.file_cache import FileCache, as_text
from plugins.portal_data.source_checks import problems_found

from . import checks, images, links
from .checks import Field, Source, check_duplicate_titles, check_file, check_unique_slugs, encoding_problem
from .images import check_image_references, image_references
from .links import check_link_references, check_template, link_references

DEFAULTS = {"TIMEZONE": "Asia/Shanghai"}
# The front matter the checks across files and against the theme read; kept per file as tuples.
CROSS_FILE_KEYS = ("title", "date", "slug", "template")


def read_one(shown: str, kind: str, data: bytes, zone: ZoneInfo):
    """What one file says on its own: (its cross-file front matter, its own problems, images, links).

    Cached per file as plain tuples (ten thousand of them load in a blink); whether images and
    link targets exist, and the cross-file checks, are decided on every build.
    """
    unreadable = encoding_problem(shown, data)
    if unreadable is not None:  # what a wrong encoding garbles is not worth checking
        return (1, ()), [unreadable], [], []
    source = Source.parse(shown, kind, as_text(data))
    own = list(check_file(source, zone))
    kept = tuple((f.key, f.value, f.line, f.column) for key, f in source.fields.items() if key in CROSS_FILE_KEYS)
    return (source.end_line, kept), own, image_references(source.text), link_references(source.text)


def source_from_cache(shown: str, kind: str, stored) -> Source:
    """The Source that read_one kept: its cross-file front matter, without the text."""
    end_line, kept = stored
    return Source(
        shown, kind, "", {key: Field(key, value, line, column) for key, value, line, column in kept}, end_line
    )


def content_problems(settings: dict) -> list:
    """Every problem in the Markdown sources under settings["PATH"], sorted by file and position."""
    zone = ZoneInfo(settings.get("TIMEZONE") or DEFAULTS["TIMEZONE"])
    content_root = os.path.abspath(settings["PATH"])
    errors, sources = [], []
    template_folders = [os.path.join(settings["THEME"], "templates"), *settings.get("THEME_TEMPLATES_OVERRIDES", [])]
    cache = FileCache.for_settings(
        settings, "content-checks", checks, images, links, sys.modules[__name__], codes, dates, front_matter, positions
    )
    for item in markdown_files(settings):
        stored, own, image_refs, link_refs = cache.get(
            item.path,
            item.shown,
            (item.kind, zone.key),
            lambda data, item=item: read_one(item.shown, item.kind, data, zone),
        )
        source = source_from_cache(item.shown, item.kind, stored)
        sources.append(source)
        errors += own
        errors += check_image_references(item.shown, image_refs, item.path, content_root)
        errors += check_link_references(item.shown, link_refs, item.path, content_root)
        errors += check_template(item.shown, source.fields.get("template"), template_folders)
    cache.save()
    errors += check_unique_slugs(sources)
    errors += check_duplicate_titles(sources, zone)
    return sorted(errors)


def check_before_writing(generator) -> None:
    """page_generator_finalized: articles and pages are read, nothing is written yet."""
    collect_problems(generator.context, problems_found(generator, content_problems))


def register():
    connect_source_check(check_before_writing, ahead=content_problems)
