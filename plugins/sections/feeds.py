"""Atom feeds of section entries: absolute links, Beijing-time dates, and the hand-written 摘要 as summary.

Written with feedgenerator (what Pelican itself uses) rather than Pelican's write_feed, because
sections also list pages other generators made, which are not Pelican Content objects, and
because a feed reader should get the editor's 摘要, never a summary cut from the article text.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from feedgenerator import Atom1Feed, get_tag_uri


@dataclass(frozen=True)
class FeedEntry:
    title: str
    url: str  # site-relative
    date: dt.datetime  # timezone-aware
    summary: str
    section_name: str
    author: str = ""

    @classmethod
    def from_section_entry(cls, entry, section_name: str, sample_data: bool = False) -> FeedEntry:
        author = getattr(getattr(entry.article, "author", None), "name", "") if entry.article else ""
        # A feed reader shows no banner: invented figures say so in the summary itself.
        summary = f"【示例数据】{entry.summary}" if sample_data else entry.summary
        return cls(entry.title, entry.url, entry.date, summary, section_name, author)


def atom_bytes(*, title: str, subtitle: str, site_url: str, feed_url: str, entries: list[FeedEntry]) -> bytes:
    """The feed as UTF-8 XML; `site_url` is absolute and has no trailing slash."""
    feed = Atom1Feed(
        title=title,
        link=f"{site_url}/",
        feed_url=feed_url,
        description=subtitle,
        subtitle=subtitle,
        language="zh-CN",
        feed_guid=feed_url,
    )
    for entry in entries:
        link = f"{site_url}/{entry.url}"
        feed.add_item(
            title=entry.title,
            link=link,
            unique_id=get_tag_uri(link, entry.date),
            description=entry.summary,
            pubdate=entry.date,
            updateddate=entry.date,
            author_name=entry.author or None,
            categories=[entry.section_name],
        )
    return feed.writeString("utf-8").encode("utf-8")
