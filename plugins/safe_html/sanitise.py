"""No code from content: what raw HTML an editor may write in Markdown, and what is refused outright.

Refused (a build error naming file and line): <script>, <iframe>, on…= event handlers and
javascript: URLs, because they only ever mean someone pasted code or an embed. Everything else
outside the allow-list is removed quietly by nh3 (a maintained HTML sanitiser), which also
catches whatever a source pattern could miss.
"""

from __future__ import annotations

import html
import re

import nh3

from plugins.portal_data import DataError
from plugins.portal_data.positions import line_column

# What an editor's Markdown may contain. buildtools/search_text.py's BLOCKS shares many names with it
# but is another rule (which elements end a run of text for search), so neither is made from the other.
HEADINGS = {f"h{level}" for level in range(1, 7)}
ALLOWED_TAGS = (
    HEADINGS
    | {"p", "br", "hr", "blockquote", "pre", "code"}
    | {"ul", "ol", "li", "dl", "dt", "dd"}
    | {"a", "img", "figure", "figcaption"}
    | {"table", "caption", "thead", "tbody", "tfoot", "tr", "th", "td", "colgroup", "col"}
    | {"em", "strong", "b", "i", "abbr", "sub", "sup", "del", "ins", "mark", "small", "q", "cite"}
)
ALLOWED_ATTRIBUTES = {
    **{heading: {"id"} for heading in HEADINGS},
    "a": {"href", "title", "id"},
    "img": {"src", "alt", "title", "width", "height"},
    "th": {"scope", "colspan", "rowspan"},
    "td": {"colspan", "rowspan"},
    "col": {"span"},
    "colgroup": {"span"},
    "ol": {"start"},
    "li": {"id"},  # footnotes (Markdown extra) link to these
    "sup": {"id"},
    "abbr": {"title"},
    "q": {"cite"},
    "blockquote": {"cite"},
}
URL_SCHEMES = {"http", "https", "mailto", "tel"}

# Matched on the source and on its entity-decoded form; each code's message tells the editor what to do.
REFUSED_PATTERNS = {
    "script-tag": r"<\s*script\b",
    "iframe-tag": r"<\s*iframe\b",
    "event-handler": r"<[a-zA-Z][^<>]*?[\s/\"'](on[a-zA-Z]+)\s*=",
    "javascript-url": r"(?:java|vb)\s*script\s*:",
}
REFUSAL_MESSAGES = {
    "script-tag": "文章里不能有 <script>（脚本）；请删除。网页上的功能由网站程序提供，不能写在文章里",
    "iframe-tag": "文章里不能嵌入 <iframe>（别的网页）；请改成普通链接 [说明](https://…)",
    "event-handler": "HTML 标签里不能有 on… 事件属性（如 onclick、onerror）；请删除这个属性",
    "javascript-url": "链接地址不能以 javascript: 开头；请写 https://… 或站内地址",
}
REFUSED = tuple(
    (code, re.compile(pattern, re.IGNORECASE), REFUSAL_MESSAGES[code]) for code, pattern in REFUSED_PATTERNS.items()
)


def sanitise(fragment: str) -> str:
    """HTML from Markdown with only the allow-listed tags, attributes and URL schemes left."""
    return nh3.clean(
        fragment,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        clean_content_tags={"script", "style", "iframe", "object", "embed", "template", "noscript"},
        link_rel=None,
        strip_comments=True,
    )


def refused_html(shown_path: str, text: str):
    """Yield a DataError for every refused construct in a Markdown source."""
    seen: set[tuple[int, str]] = set()
    for code, pattern, message in REFUSED:
        for match in pattern.finditer(text):
            line, column = line_column(text, match.start(match.lastindex or 0))
            seen.add((line, code))
            yield DataError(shown_path, line, column, code, message)
    # Entity tricks (&#106;avascript:) are decoded by the browser, so decode before looking again.
    for number, line_text in enumerate(text.split("\n"), start=1):
        decoded = html.unescape(line_text)
        if decoded == line_text:
            continue
        for code, pattern, message in REFUSED:
            if (number, code) not in seen and pattern.search(decoded):
                seen.add((number, code))
                yield DataError(shown_path, number, 1, code, message + "（用 HTML 实体写的也算）")
