"""Pelican glue for the sanitiser: clean every content object's HTML, refuse code in sources.

The sanitising happens on content_object_init, after the Markdown reader and before anything
reads `content`, so Pelican's own pipeline ({filename} links, summaries, feeds) sees clean HTML.
"""

from __future__ import annotations

import sys

from pelican import signals
from pelican.contents import Static

from plugins.portal_data import collect_problems, connect_source_check, positions
from plugins.portal_data.content_files import markdown_files
from plugins.portal_data.file_cache import FileCache, as_text
from plugins.portal_data.source_checks import problems_found

from . import sanitise as sanitise_module
from .sanitise import refused_html, sanitise


def sanitise_content(content) -> None:
    if isinstance(content, Static) or not getattr(content, "_content", None):
        return
    content._content = sanitise(content._content)


def unsafe_html_problems(settings: dict) -> list:
    errors = []
    cache = FileCache.for_settings(settings, "unsafe-html", sanitise_module, positions, sys.modules[__name__])
    for item in markdown_files(settings):
        # One file's problems depend on that file alone, so they are cached per file.
        errors += cache.get(
            item.path, item.shown, None, lambda data, shown=item.shown: list(refused_html(shown, as_text(data)))
        )
    cache.save()
    return sorted(errors)


def refuse_before_writing(generator) -> None:
    collect_problems(generator.context, problems_found(generator, unsafe_html_problems))


def register():
    signals.content_object_init.connect(sanitise_content)
    connect_source_check(refuse_before_writing, ahead=unsafe_html_problems)
