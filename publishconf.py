"""Settings for the published site: absolute URLs on the real domain, on top of pelicanconf."""

import os
import sys

sys.path.append(os.curdir)
from pelicanconf import *  # noqa: E402,F401,F403


def public_domain(server_name_conf: str) -> str:
    """The `server_name` nginx serves, so the addresses in pages, feeds and the sitemap are the server's."""
    with open(server_name_conf, encoding="utf-8") as handle:
        for line in handle:
            words = line.split("#", 1)[0].replace(";", " ").split()
            if words[:1] == ["server_name"] and len(words) == 2:
                return words[1]
    raise SystemExit(f"{server_name_conf}：没有找到唯一的一行“server_name 域名;”，网站的正式域名写在这里。")


SITEURL = "https://" + public_domain(
    os.path.join(os.path.dirname(os.path.abspath(__file__)), "deploy", "liling", "server-name.conf")
)
RELATIVE_URLS = False
# Feeds, sitemap.xml, canonical links and Open Graph tags need the absolute address.
FEED_DOMAIN = SITEURL
CANONICAL_SITEURL = SITEURL


# Publishing: the releases folder on the publishing host; nginx serves <root>/live/site.
PUBLISH_ROOT = os.environ.get("LILING_PUBLISH_ROOT", "releases")
