"""The site's absolute address, for the few outputs that must not use relative links.

Feeds, sitemap.xml and robots.txt need absolute URLs even in a local preview build, where
SITEURL is "" and pages use relative links; canonical links and Open Graph tags need them too,
but there a wrong address is worse than none, so they get "" outside production.
"""

from __future__ import annotations

# Where `invoke serve` shows a local build; feeds of a preview build point there.
PREVIEW_SITEURL = "http://127.0.0.1:8000"


def _absolute(url) -> str:
    url = (url or "").rstrip("/")
    return url if url.startswith(("http://", "https://")) else ""


def canonical_siteurl(settings) -> str:
    """SITEURL when pages are published with absolute URLs (publishconf), else ""."""
    if settings.get("RELATIVE_URLS"):
        return ""
    return _absolute(settings.get("SITEURL"))


def feed_siteurl(settings) -> str:
    """FEED_DOMAIN, else an absolute SITEURL, else the local preview address: never ""."""
    return (
        _absolute(settings.get("FEED_DOMAIN"))
        or canonical_siteurl(settings)
        or _absolute(settings.get("PREVIEW_SITEURL"))
        or PREVIEW_SITEURL
    )
