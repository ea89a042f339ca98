"""Settings for the published site: absolute URLs on the real domain, on top of pelicanconf."""

import os
import sys

sys.path.append(os.curdir)
from pelicanconf import *  # noqa: E402,F401,F403

SITEURL = os.environ.get("LILING_SITEURL", "https://news.liling.example")
RELATIVE_URLS = False
# Feeds, sitemap.xml, canonical links and Open Graph tags need the absolute address.
FEED_DOMAIN = SITEURL
CANONICAL_SITEURL = SITEURL


# Nightly publishing: the releases folder on the publishing host; nginx serves <root>/live/site.
PUBLISH_ROOT = os.environ.get("LILING_PUBLISH_ROOT", "releases")
