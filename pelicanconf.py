"""Settings for a local build of the Liling portal; publishconf.py adds what production needs.

Every value this site chooses is set here, once. A setting left out takes its default from the
one module that reads it (each plugin's DEFAULTS dict, buildtools/settings.py for the build
runner), and the README's settings tables list each with that default.
"""

import pathlib

# The repository root: Pelican finds the `plugins` package there, and every plugin and build
# tool then imports the others as `plugins.<name>`.
_REPOSITORY = str(pathlib.Path(__file__).resolve().parent)

SITENAME = "醴陵新闻"
SITE_SUBTITLE = "株洲日报·醴陵版 与 醴陵市政务、村务公开"
EDITION_NAME = "株洲日报·醴陵版"
AUTHOR = "株洲日报"
PUBLISHER = "株洲日报社"
# A general address that is true; the newsroom's street address goes here when the city supplies it.
CONTACT_ADDRESS = "湖南省株洲市醴陵市"
# Government-site registration numbers. Left empty, the footer leaves them out: a fake
# number on a government site is worse than none.
SITE_ID_CODE = ""  # 网站标识码
ICP_NUMBER = ""  # ICP 备案号
PSB_NUMBER = ""  # 公网安备号
PSB_URL = ""

SITEURL = ""
RELATIVE_URLS = True
TIMEZONE = "Asia/Shanghai"
DEFAULT_LANG = "zh-CN"
DEFAULT_DATE_FORMAT = "%Y-%m-%d %H:%M"

PATH = "content"
ARTICLE_PATHS = ["news"]
PAGE_PATHS = ["pages"]
STATIC_PATHS = ["images", "extra"]
EXTRA_PATH_METADATA = {}
OUTPUT_PATH = "output"
DELETE_OUTPUT_DIRECTORY = True

THEME = "theme"
PLUGIN_PATHS = [_REPOSITORY]
# Listed explicitly: with PLUGINS unset Pelican would load every installed pelican.plugins.* package.
PLUGINS = [
    "plugins.news_article",
    "plugins.editions",
    "plugins.village_disclosure",  # 村务公开
    "plugins.power_list",  # 权力清单
    "plugins.correction_history",  # 更正记录 of power-list matters (after power_list: reads its context)
    "plugins.problem_list",  # 问题清单: deadlines on the working-day calendar, status at BUILD_TIME
    "plugins.search_synonyms",  # residents' words for pages' official names (content/search-synonyms.csv)
    # Pelican's Markdown reader with one Markdown instance reset between files (building the
    # parser per file cost a third of reading at ten years' scale).
    "plugins.markdown_reader",
    # Editor safety: content checks, the personal-data guard and the HTML sanitiser run on every
    # build before anything is written; `invoke check` runs the same checks without building.
    "plugins.content_checks",
    "plugins.personal_data_guard",
    "plugins.safe_html",
    # Sections are declared in content/sections.toml (see README). "seo" writes sitemap.xml and
    # robots.txt from the finished output, so its place in the list does not matter.
    "plugins.sections",
    "plugins.seo",
    # Articles dated after the build time (or Status: scheduled) wait for the first build after
    # it; the plugin decides by BUILD_TIME / LILING_BUILD_TIME, so Pelican must not use the clock.
    "plugins.scheduled_publishing",
    # Times Pelican's phases for the build report the runner writes beside the output.
    "plugins.build_report",
    # Leaves unchanged pages alone and keys each page by what its template reads.
    "plugins.incremental_writer",
]

# Slugs come from metadata only: pinyin from Chinese titles goes wrong on polyphones.
SLUGIFY_SOURCE = "basename"
ARTICLE_URL = "news/{date:%Y}/{date:%m}/{slug}/"
ARTICLE_SAVE_AS = ARTICLE_URL + "index.html"
PAGE_URL = "{slug}/"
PAGE_SAVE_AS = "{slug}/index.html"
# A section's landing page replaces Pelican's category page: one list per section, one URL.
CATEGORY_URL = "category/{slug}/"
CATEGORY_SAVE_AS = ""
TAG_URL = "tag/{slug}/"
TAG_SAVE_AS = TAG_URL + "index.html"
AUTHOR_URL = "author/{slug}/"
AUTHOR_SAVE_AS = AUTHOR_URL + "index.html"
CATEGORIES_SAVE_AS = ""
TAGS_SAVE_AS = "tag/index.html"
AUTHORS_SAVE_AS = "author/index.html"
ARCHIVES_SAVE_AS = "archives/index.html"
DRAFT_URL = "drafts/{slug}/"
DRAFT_SAVE_AS = DRAFT_URL + "index.html"

DEFAULT_PAGINATION = 20
# Folder pagination: the default "{name}{number}" pattern writes page 2 of author
# "记者1" to the same file as page 1 of author "记者12" and the build dies.
PAGINATION_PATTERNS = (
    (1, "{url}", "{save_as}"),
    (2, "{base_name}/page/{number}/", "{base_name}/page/{number}/index.html"),
)

# Pelican's word-based summaries do not work for Chinese: every article carries a hand-written 摘要.
SUMMARY_MAX_LENGTH = None
FORMATTED_FIELDS = []

JINJA_ENVIRONMENT = {"trim_blocks": True, "lstrip_blocks": True, "autoescape": True}

MARKDOWN = {
    "extension_configs": {
        "markdown.extensions.extra": {},
        "markdown.extensions.meta": {},
    },
    "output_format": "html5",
}
# Pelican's own feeds are off: the sections plugin writes the site's and each section's Atom feed.
FEED_ALL_ATOM = None
CATEGORY_FEED_ATOM = None
TRANSLATION_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None

# CI checkouts give every file a fresh mtime: compare contents when caching.
CHECK_MODIFIED_METHOD = "md5"
# CACHE_CONTENT, LOAD_CONTENT_CACHE and CACHE_PATH are not set here: the incremental build runs
# Pelican with its content cache (and the per-file check cache) in its own work folder, which it
# wipes whenever settings or code change (buildtools/incremental_build.py); a plain Pelican run
# or a build with INCREMENTAL_BUILD = False keeps no cache, Pelican's default.

# --- 村务公开 publication deadlines ---
# The ledgers of January–June 2020 were put on this site when it opened, in November 2026; they were
# never due here, so judging them against "the 10th of the next month" would call every month six
# years late. Deadlines apply from the site's first month. A city that publishes here from the start
# leaves this empty (each village's opening month).
VILLAGE_DISCLOSURE_DEADLINES_FROM = "2026-11"

# --- Sections, archives, feeds, sitemap and search ---
# The front page is built from the sections, not paginated through every article.
PAGINATED_TEMPLATES = {"section": None, "period_archives": None, "tag": None, "author": None}
YEAR_ARCHIVE_URL = "archives/{date:%Y}/"
YEAR_ARCHIVE_SAVE_AS = YEAR_ARCHIVE_URL + "index.html"
MONTH_ARCHIVE_URL = "archives/{date:%Y}/{date:%m}/"
MONTH_ARCHIVE_SAVE_AS = MONTH_ARCHIVE_URL + "index.html"
ARCHIVES_URL = "archives/"
# Canonical links and og:url/og:image only where the real address is known (publishconf.py);
# feeds and sitemap.xml of a local build point at the `invoke serve` preview address.
CANONICAL_SITEURL = ""
PREVIEW_SITEURL = "http://127.0.0.1:8000"
SEARCH_URL = "search/"
TEMPLATE_PAGES = {"search.html": "search/index.html"}

# --- Nightly publishing ---
# Scheduled articles are held back by the scheduled_publishing plugin, not by Pelican.
WITH_FUTURE_DATES = True
# PRECOMPRESS, INCREMENTAL_BUILD and SEARCH_INDEX keep their defaults (buildtools/settings.py): .gz/.br
# copies, the kept work folder, and the search index on every build.

# --- Search and publishing together ---
# A publish refuses a release without the search index.
PUBLISH_SEARCH_INDEX = "search-index/shards.json"  # and every shard it lists (buildtools/search_shards.py)
