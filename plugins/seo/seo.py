"""sitemap.xml and robots.txt for every public page in the finished output.

Written on Pelican's `finalized` signal, after every generator (ours, Pelican's and the
disclosure plugins') has written its pages, by reading the output folder itself: a page any
generator writes is listed without that generator knowing about the sitemap.

pelican-sitemap was tried first and does not fit: it stamps listing pages with the build time
(every nightly build would announce every list as changed), writes naive times as "-00:00",
and without an absolute SITEURL writes relative <loc>s that search engines reject.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import sys
import urllib.parse
from xml.sax.saxutils import escape

from pelican import signals

from plugins.portal_data import collect_problems, raise_collected_problems
from plugins.portal_data.downloads import write_download
from plugins.portal_data.file_cache import FileCache
from plugins.portal_data.plugin_list import plugin_listed
from plugins.portal_data.plugin_settings import plugin_settings
from plugins.portal_data.site_url import feed_siteurl
from plugins.portal_data.tree import tree_files

DEFAULTS = {
    "SITEMAP_SAVE_AS": "sitemap.xml",
    "ROBOTS_SAVE_AS": "robots.txt",
    # Folders of the output that hold no pages of ours (the search index, theme files).
    "SITEMAP_EXCLUDE_PREFIXES": ("search-index/", "theme/", "drafts/"),
}
_MODIFIED = re.compile(r'<meta property="article:modified_time" content="([^"]+)"')
_TIME = re.compile(r'<time[^>]*\bdatetime="([^"]+)"')
_NOINDEX = re.compile(r'<meta name="robots" content="[^"]*noindex')


def seo_settings(settings) -> tuple[dict, list]:
    return plugin_settings(settings, DEFAULTS)


def page_url(relative_path: str) -> str:
    """'news/2020/07/x/index.html' -> 'news/2020/07/x/'; the home page is ''."""
    path = relative_path.replace(os.sep, "/")
    return path[: -len("index.html")] if path.endswith("index.html") else path


def _parse(value: str) -> dt.datetime | None:
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else None


def page_lastmod(html: str) -> dt.datetime | None:
    """When a page last changed: an article's modified time, else its newest dated item."""
    modified = _MODIFIED.search(html)
    if modified and _parse(modified.group(1)):
        return _parse(modified.group(1))
    dates = [parsed for parsed in map(_parse, _TIME.findall(html)) if parsed]
    return max(dates, default=None)


def page_facts(data: bytes) -> tuple[bool, dt.datetime | None]:
    """(whether the page asks not to be indexed, when it last changed) from its bytes."""
    html = data.decode("utf-8")
    return bool(_NOINDEX.search(html)), page_lastmod(html)


def public_pages(
    output_path: str, exclude_prefixes, cache: FileCache | None = None, listed=None, keys=None
) -> list[tuple[str, dt.datetime | None]]:
    """(url, lastmod or None) of every HTML page meant for search engines, sorted by URL.

    With a cache (incremental builds), a page's facts are read again only when its bytes changed:
    at ten years' scale that is 29,000 pages not re-read for one new article. `listed` holds the
    absolute paths of the files this build's writer wrote or kept (the build runner's record);
    given, it is read instead of walking the folder (the walk alone took ~2 s at that scale).
    `keys`: each page's render key in this build (output-relative, `/`-separated path -> key),
    which decides its bytes: a page whose key is the one its facts were cached with is not even
    stat'ed (FileCache.get_decided).
    """
    cache = cache or FileCache(None, "sitemap")
    pages = []
    prefix = len(output_path.rstrip(os.sep)) + 1
    if listed is None:
        paths = [path for _relative, path in tree_files(output_path)]
    else:
        paths = [path for path in listed if path.startswith(output_path.rstrip(os.sep) + os.sep)]
    for path in paths:
        if not path.endswith(".html"):
            continue
        relative = path[prefix:].replace(os.sep, "/")
        if relative.startswith(tuple(exclude_prefixes)):
            continue
        key = keys.get(relative) if keys else None
        if key is None:
            noindex, lastmod = cache.get(path, relative, None, page_facts)
        else:
            noindex, lastmod = cache.get_decided(path, relative, key, page_facts)
        if not noindex:
            pages.append((page_url(relative), lastmod))
    cache.save()
    return sorted(pages)


def sitemap_xml(site_url: str, pages) -> str:
    """Pages without a date of their own (the about page, the search page) take the site's newest date."""
    newest = max((lastmod for _, lastmod in pages if lastmod), default=None)
    lines = ['<?xml version="1.0" encoding="utf-8"?>', '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    for url, lastmod in pages:
        lines.append(f"  <url><loc>{escape(site_url + '/' + urllib.parse.quote(url, safe='/'))}</loc>")
        stamp = lastmod or newest
        if stamp:
            lines.append(f"    <lastmod>{stamp.isoformat(timespec='seconds')}</lastmod>")
        lines.append("  </url>")
    lines.append("</urlset>")
    return "\n".join(lines) + "\n"


def robots_txt(site_url: str, sitemap_url: str) -> str:
    return f"User-agent: *\nAllow: /\n\nSitemap: {site_url}/{sitemap_url}\n"


def write_sitemap_and_robots(pelican_object) -> None:
    settings = pelican_object.settings
    # Signals are process-wide; a Pelican run that does not list this plugin gets no sitemap.
    if not plugin_listed(settings, __name__):
        return
    # The build runner's record of every page written or kept (plugins/incremental_writer), when
    # there is one: a plain Pelican run walks the output folder instead.
    record = getattr(pelican_object, "output_record", None)
    listed = getattr(record, "paths", None)
    write_sitemap_files(pelican_object.output_path, settings, listed, getattr(record, "render_keys", None))


def write_sitemap_files(output_path: str, settings: dict, listed=None, keys=None) -> None:
    """sitemap.xml and robots.txt from the pages in output_path: those in `listed` (the writer's
    record of this build, which holds no withdrawn page, though its file is still on disk until the
    incremental build's sweep removes it), or every page found there when there is no record.
    Files are replaced by rename and left alone when unchanged: in an incremental build they may
    be hard-linked into the live release. `keys`: the writer's render key of each page
    (public_pages).
    """
    config, _errors = seo_settings(settings)  # reported before anything was written (check_settings)
    site_url = feed_siteurl(settings)
    cache = FileCache.for_settings(settings, "sitemap", sys.modules[__name__])
    pages = public_pages(os.path.abspath(output_path), config["SITEMAP_EXCLUDE_PREFIXES"], cache, listed, keys)
    write_download(output_path, config["SITEMAP_SAVE_AS"], sitemap_xml(site_url, pages).encode("utf-8"))
    write_download(
        output_path, config["ROBOTS_SAVE_AS"], robots_txt(site_url, config["SITEMAP_SAVE_AS"]).encode("utf-8")
    )


def check_settings(generators) -> None:
    """all_generators_finalized: a wrong setting fails the build before any page is written."""
    if generators and plugin_listed(generators[0].settings, __name__):
        collect_problems(generators[0].context, seo_settings(generators[0].settings)[1])
        raise_collected_problems(generators)


def register():
    signals.all_generators_finalized.connect(check_settings)
    signals.finalized.connect(write_sitemap_and_robots)
