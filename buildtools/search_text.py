"""The search document of each page: its own text as character bigrams, so that the index
(buildtools/search_index.py) and the query (theme/static/js/search.js, the same rules) are split
alike in every browser.

A dictionary at index time and the browser's `Intl.Segmenter` at query time split Chinese
differently, and the segmenter differs between browsers (this is why Pagefind's own Chinese search
missed 左权路). So every run of Han characters becomes its overlapping bigrams plus its last
character (the Lucene CJK scheme), each written as ASCII letters (`search_tokens`). A one-character
query finds every token that starts with the character. The headline also holds its characters
paired a few apart (`abbreviation_tokens`), so its short form (低保 for 最低生活保障) finds it, at
half the headline's weight.

What is read of a page (our templates mark it with Pagefind's attribute names, which the site used
first): the elements with `data-pagefind-body`, without the parts marked `data-pagefind-ignore` (with
`="all"` their filters and metadata are dropped too), the elements that are never content inside a
body (`NOT_CONTENT`: a chart's SVG, a form, a footer…), and the text of what leads elsewhere or only labels (`LEADS_AWAY`, `LABELS`:
navigation, field names, column headings, table captions), which every page of a kind repeats and
which is not the page's own content (labels stay in the excerpt's text);
`data-pagefind-weight` on an element, and the first `h1` (weight 10), weigh its text; filters and
metadata (`data-pagefind-filter` / `data-pagefind-meta`, as `key:value` or with the element's text)
anywhere on the page. The original text travels as metadata (`title`, `text`) for the result list
and its excerpt, `headline` when part of the first h1 is weighed as body text, and `kicker`: the
other text weighed above the body.
buildtools/search_documents.py keeps each page's document between builds.
"""

from __future__ import annotations

import html as html_lib
import re
import unicodedata
from html.parser import HTMLParser

from plugins.portal_data.han import HAN

LANGUAGE = "und"
TITLE_WEIGHT = "10"
EXCERPT_SOURCE_CHARS = 3000  # enough for any article's excerpt; a long ledger table is cut
VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"})
# Elements whose edges end a run of text: characters either side are not neighbours.
BLOCKS = frozenset(
    {
        "address",
        "article",
        "aside",
        "blockquote",
        "br",
        "caption",
        "dd",
        "div",
        "dl",
        "dt",
        "figcaption",
        "figure",
        "footer",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hr",
        "li",
        "main",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "table",
        "td",
        "th",
        "tr",
        "ul",
    }
)
# What labels a page's content or leads away from it rather than being it is not indexed: a column
# heading 摘要 or a field name 办理方式 is on every ledger month or power-list matter, and a 下个月
# link names another page's month. Labels stay in the excerpt's text (办理条件 …reads better than
# the bare value); navigation does not. A row heading (th scope="row") is content and is indexed.
LEADS_AWAY = frozenset({"nav"})
# Never the page's content inside a body (what Pagefind 1.5 left out by itself, kept when the site
# moved to its own index): a ledger month's chart repeats the table beside it, and a form's labels
# are not the page's content.
NOT_CONTENT = frozenset({"footer", "form", "label", "nav", "noscript", "script", "style", "svg", "template"})
NOT_READ = LEADS_AWAY | NOT_CONTENT
LABELS = frozenset({"dt", "caption"})
LABEL_WEIGHT = "0"  # a block shown in the excerpt and never indexed
COLUMN_SCOPES = frozenset({"col", "colgroup"})
WORD = re.compile(f"([0-9]{{1,4}}[年月日号])|([{HAN}]+)|([0-9]+)|([a-z]+)")
LETTERS = "abcdefghijklmnopqrstuvwxyz"
# No token is the start of a longer one (2020 of 2020060), so no index can take one for the other:
# a Han character alone and a number end in `END`, a letter that never follows there in a longer
# token (a character code starts with a-l, a digit is a-j, a date unit v-x), and the browser never
# adds it to the query (buildtools/search_index.py posts a number without it).
DIGIT_LETTERS = str.maketrans("0123456789", "abcdefghij")
DATE_UNITS = {"年": "v", "月": "w", "日": "x", "号": "x"}
END = "y"


def character_code(character: str) -> str:
    """A Han character as four letters (base 26 of its code point)."""
    number, letters = ord(character), ""
    for _ in range(4):
        letters = LETTERS[number % 26] + letters
        number //= 26
    return letters


MONTH_IN_WORDS = re.compile("(十[一二]|[一二三四五六七八九十])月")
MONTH_NUMBERS = {
    "一": 1,
    "二": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
    "十": 10,
    "十一": 11,
    "十二": 12,
}


def normalise(text: str) -> str:
    """Full-width letters and digits as ASCII, lower case, 五月 as 5月 (pages write months in digits)."""
    text = unicodedata.normalize("NFKC", text).lower()
    return MONTH_IN_WORDS.sub(lambda match: f"{MONTH_NUMBERS[match.group(1)]}月", text)


def number_token(digits: str, unit: str = "") -> str:
    return "n" + (digits.lstrip("0") or "0").translate(DIGIT_LETTERS) + DATE_UNITS.get(unit, "") + END


def search_tokens(text: str) -> list[str]:
    """Index tokens: each Han run's bigrams and its last character; numbers (2020年 and 5月 as one
    token, so a month's page is told from its neighbours) and ASCII words."""
    tokens = []
    for match in WORD.finditer(normalise(text)):
        date, han, number, word = match.groups()
        if date:
            tokens.append(number_token(date[:-1], date[-1]))
        elif number:
            tokens.append(number_token(number))
        elif word:
            tokens.append("x" + word)
        else:
            codes = [character_code(character) for character in han]
            tokens.extend("q" + first + second for first, second in zip(codes, codes[1:]))
            tokens.append("q" + codes[-1] + END)
    return tokens


ABBREVIATION_END = "z"  # after a bigram's eight letters: the bigram query finds it as a prefix
ABBREVIATION_SPAN = 3  # the second character at most this many after the first
ABBREVIATION_WEIGHT = "5"  # half the headline's


def abbreviation_tokens(text: str) -> list[str]:
    """The pairs of Han characters standing in order a few characters apart within one run, as
    tokens the pair's bigram query finds: Chinese shortens a name by keeping characters in order
    (低保 for 最低生活保障, 货运 for 货物运输), so a headline is found by its usual short form."""
    tokens = []
    for match in WORD.finditer(normalise(text)):
        codes = [character_code(character) for character in match.group(2) or ""]
        for first in range(len(codes)):
            for second in range(first + 2, min(len(codes), first + ABBREVIATION_SPAN + 1)):
                tokens.append("q" + codes[first] + codes[second] + ABBREVIATION_END)
    return tokens


class _PageReader(HTMLParser):
    """The text blocks, filters and metadata of one page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, dict]] = []  # open elements: (tag, what they mean for search)
        self.blocks: list[tuple[str, list[str]]] = []  # (weight, text pieces)
        # Whether each block goes on from the one before inside one run of text (an inline element
        # of another weight began or ended there, as the town before a ledger month's title).
        self.inline: list[bool] = []
        self.fields: list[tuple[str, str, list[str]]] = []  # ("filter" | "meta", key, text pieces)
        self.first_h1: list[str] | None = None
        self.headline: list[str] = []  # the first h1's text at the h1's own weight
        self.h1_done = False
        self.bodies = 0
        self.field_names: list[list[str]] = []  # the pieces of each dt block: a field's name

    def _state(self, key):
        return next((state[key] for _, state in reversed(self.stack) if key in state), None)

    def handle_starttag(self, tag, attrs):
        names = dict(attrs)
        state: dict = {}
        ignore = names.get("data-pagefind-ignore")
        if ignore is not None or "data-pagefind-ignore" in names:
            state["ignore"] = "all" if ignore == "all" else "text"
        elif tag in NOT_READ:
            state["ignore"] = "text"
        elif tag in LABELS or (tag == "th" and (names.get("scope") in COLUMN_SCOPES or self._state("thead"))):
            state["weight"] = LABEL_WEIGHT
        if tag == "thead":
            state["thead"] = True
        if "data-pagefind-body" in names:
            self.bodies += 1
            state["body"] = True
        if tag == "h1" and not self.h1_done and self.first_h1 is None:
            self.first_h1 = []
            state["h1"] = self.first_h1
        weight = names.get("data-pagefind-weight") or (TITLE_WEIGHT if "h1" in state and self._in_body(state) else None)
        if weight:
            state["weight"] = weight
        if "h1" in state:
            state["h1_weight"] = weight
        if self._ignore(state) != "all":
            for kind in ("filter", "meta"):
                for key, value in _pairs(names.get(f"data-pagefind-{kind}")):
                    if value is None:
                        pieces: list[str] = []
                        self.fields.append((kind, key, pieces))
                        state.setdefault("fields", []).append(pieces)
                    else:
                        self.fields.append((kind, key, [value]))
        if tag in BLOCKS or "weight" in state:
            self._new_block(state.get("weight") or self._state("weight") or "1", inline=tag not in BLOCKS)
            if tag == "dt":
                self.field_names.append(self.blocks[-1][1])
        if tag not in VOID:
            self.stack.append((tag, state))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag):
        if tag in VOID or all(open_tag != tag for open_tag, _ in self.stack):
            return
        while self.stack:  # an element left open inside this one closes with it, as browsers do
            open_tag, state = self.stack.pop()
            if "h1" in state:
                self.h1_done = True
            if open_tag == tag:
                break
        if tag in BLOCKS or "weight" in state:
            self._new_block(self._state("weight") or "1", inline=tag not in BLOCKS)

    def handle_data(self, data):
        for pieces in self._state_all("fields") or []:
            pieces.append(data)
        heading = self._state("h1")
        if heading is not None:
            heading.append(data)
            if self._state("weight") == self._state("h1_weight"):
                self.headline.append(data)
        if self._in_body({}) and not self._ignore({}):
            if not self.blocks:
                self._new_block(self._state("weight") or "1")
            self.blocks[-1][1].append(data)

    def _state_all(self, key):
        return [piece for _, state in self.stack for piece in state.get(key, [])]

    def _in_body(self, state) -> bool:
        return bool(state.get("body") or self._state("body"))

    def _ignore(self, state):
        return state.get("ignore") or self._state("ignore")

    def _new_block(self, weight: str, inline: bool = False) -> None:
        if not self.blocks or self.blocks[-1][1]:
            self.blocks.append((weight, []))
            self.inline.append(inline and bool(self.blocks[:-1]))
        else:  # the empty block begun here keeps what began it, unless a block edge came since
            self.blocks[-1] = (weight, [])
            self.inline[-1] = self.inline[-1] and inline


def _pairs(attribute: str | None) -> list[tuple[str, str | None]]:
    """`key:value, key2:value2` or a bare `key` (its value is the element's text)."""
    if attribute is None:
        return []
    if ":" not in attribute:
        return [(attribute.strip(), None)]
    pairs = []
    for part in attribute.split(","):
        key, _, value = part.partition(":")
        if key.strip():
            pairs.append((key.strip(), value.strip()))
    return pairs


def _clean(pieces: list[str]) -> str:
    return re.sub(r"\s+", " ", "".join(pieces)).strip()


def searchable_parts(page_html: str) -> tuple[list[tuple[str, str]], list[tuple[str, str, str]]] | None:
    """(weighted text blocks, filters and metadata) of `page_html` as it is searched, or None when
    the page has no searchable body. The metadata always holds `title` and the full `text`."""
    parts = _read_page(page_html)
    if parts is None:
        return None
    blocks, fields = parts
    return [(weight, text) for weight, text, _ in blocks], fields


def _read_page(page_html: str) -> tuple[list[tuple[str, str, bool]], list[tuple[str, str, str]]] | None:
    """searchable_parts, each block with whether its last Han character and the next block's first
    stand side by side in one word of the page (an inline element of another weight between)."""
    reader = _PageReader()
    reader.feed(page_html)
    reader.close()
    if not reader.bodies:
        return None
    kept, parted = [], False
    for (weight, pieces), inline in zip(reader.blocks, reader.inline):
        raw = "".join(pieces)
        if not _clean(pieces):
            parted = parted or bool(raw)  # a block of spaces alone parts the words either side of it
            continue
        kept.append((weight, raw, any(pieces is name for name in reader.field_names), inline and not parted))
        parted = False
    runs_on = [
        next_inline and bool(re.search(f"[{HAN}]$", raw)) and bool(re.match(f"[{HAN}]", next_raw))
        for (_, raw, _, _), (_, next_raw, _, next_inline) in zip(kept, kept[1:])
    ] + [False]
    named = [(weight, _clean([raw]), is_name) for weight, raw, is_name, _ in kept]
    blocks = [(weight, text, joined) for (weight, text, _), joined in zip(named, runs_on)]
    fields = [(kind, key, _clean(pieces)) for kind, key, pieces in reader.fields]
    meta_keys = {key for kind, key, _ in fields if kind == "meta"}
    if "title" not in meta_keys:
        fields.append(("meta", "title", _clean(reader.first_h1 or [])))
    # The headline as the page weighs it, when part of the title is weighed as body text (a ledger
    # month's town): the result list's headline-first ordering (search.js) compares the query with it.
    headline = _clean(reader.headline)
    if reader.first_h1 is not None and headline and headline != _clean(reader.first_h1):
        fields.append(("meta", "headline", headline))
    # What the page weighs above body text besides its title (an article's kicker): the result
    # list counts what it holds of the query too, at less than the headline.
    title = _clean(reader.first_h1 or [])
    kicker = " ".join(
        text for weight, text, _ in blocks if weight not in ("1", LABEL_WEIGHT) and text not in (title, headline)
    )
    if kicker:
        fields.append(("meta", "kicker", kicker))
    fields.append(("meta", "text", _excerpt_text(named)))
    return blocks, fields


def _excerpt_text(named: list[tuple[str, str, bool]]) -> str:
    """The page's text for the result's excerpt, a field's name joined to its value as Chinese writes
    it (办理条件：持有本市户籍…); a name whose value is not searched (办理方式) is left out."""
    parts = []
    for index, (_, text, is_name) in enumerate(named):
        if not is_name:
            parts.append(text)
        elif index + 1 < len(named) and not named[index + 1][2]:
            parts.append(text + "：")
    return " ".join(parts).replace("： ", "：")


def search_document(page_html: str) -> str | None:
    """The search document of `page_html` (read by buildtools/search_index.read_document), or None
    when the page has no searchable body."""
    parts = _read_page(page_html)
    if parts is None:
        return None
    blocks, fields = parts
    fields = [
        (kind, key, value[:EXCERPT_SOURCE_CHARS] if (kind, key) == ("meta", "text") else value)
        for kind, key, value in fields
    ]
    escape = html_lib.escape
    lines = [
        f'<!DOCTYPE html><html lang="{LANGUAGE}"><head><meta charset="utf-8"><title></title></head><body>',
        "<div data-pagefind-body>",
    ]
    for index, (weight, block, runs_on) in enumerate(blocks):
        tokens = [] if weight == LABEL_WEIGHT else search_tokens(block)
        if tokens and runs_on and blocks[index + 1][0] != LABEL_WEIGHT:
            # The word goes on in the next block (枫林镇 weighed apart from 金桥社区…): its last
            # character's token becomes the pair across the edge, so the page holds the bigrams
            # of 枫林镇金桥社区 in order, as it would without the element between them.
            last, following = normalise(block)[-1], normalise(blocks[index + 1][1])[0]
            if tokens[-1] == "q" + character_code(last) + END and re.match(f"[{HAN}]", following):
                tokens[-1] = "q" + character_code(last) + character_code(following)
        tokens = " ".join(tokens)
        if tokens:
            attribute = "" if weight == "1" else f' data-pagefind-weight="{escape(weight)}"'
            lines.append(f"<p{attribute}>{tokens}</p>")
    # In a block of their own after the text, so they never stand between two bigrams of a phrase.
    abbreviations = " ".join(
        token for weight, block, _ in blocks if weight == TITLE_WEIGHT for token in abbreviation_tokens(block)
    )
    if abbreviations:
        lines.append(f'<p data-pagefind-weight="{ABBREVIATION_WEIGHT}">{abbreviations}</p>')
    lines.append("</div>")
    for kind, key, value in fields:
        if value:
            lines.append(f'<div data-pagefind-{kind}="{escape(key)}">{escape(value)}</div>')
    lines.append("</body></html>")
    return "\n".join(lines) + "\n"


_DOCUMENT_FILTER = re.compile(r'^<div data-pagefind-filter="([^"]*)">(.*)</div>$', re.MULTILINE)


def document_filters(document: str) -> dict[str, list[str]]:
    """The filters `search_document` wrote into `document` ({"栏目": ["村务公开"], "年份": ["2020"]}):
    the search page lists each value with its number of pages from these (search-index/shards.json),
    without fetching every shard's filter table before anything was searched."""
    found: dict[str, list[str]] = {}
    for key, value in _DOCUMENT_FILTER.findall(document):
        values = found.setdefault(html_lib.unescape(key), [])
        if html_lib.unescape(value) not in values:
            values.append(html_lib.unescape(value))
    return found
