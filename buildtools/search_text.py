"""What of a page the search index is made from, to tell a page whose bytes changed but whose
index entry would not (a ledger month whose balances moved because an earlier month was corrected).

Pagefind reads, with `data-pagefind-body` on our templates: the body elements' text and markup,
except elements marked `data-pagefind-ignore="all"`; `data-pagefind-*` attributes anywhere (filters,
metadata, sorts) with the text of their elements; the page's language; and, for its default
title and image, the page's first h1 and first image wherever they are. `search_text` keeps all
of that (every h1 and image, and the <title>, to be safe) in order, so two versions of a page with the same search text give Pagefind the same input.
Anything it cannot read as expected (no body, an element in it left open or closed out of order)
counts as changed: our templates close what they open, and a page read wrongly is indexed again.
"""

from __future__ import annotations

from html.parser import HTMLParser

VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"})


class _SearchText(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=False)
        self.parts: list[str] = []
        self.open: list[tuple[str, str]] = []  # (tag, "body" | "ignore") of elements open inside a region
        self.heading_depth = 0                  # inside an h1 outside the body
        self.bodies = 0
        self.broken = False                     # an end tag that does not close what is open

    @property
    def in_body(self) -> bool:
        return any(kind == "body" for _, kind in self.open)

    @property
    def ignoring(self) -> bool:
        return any(kind == "ignore" for _, kind in self.open)

    @property
    def in_tagged(self) -> bool:
        return any(kind == "tagged" for _, kind in self.open)

    def handle_starttag(self, tag, attrs):
        names = dict(attrs)
        if tag in ("html", "img") or any(name.startswith("data-pagefind") for name in names):
            # Anywhere on the page: the language; filters, metadata, sorts; images (Pagefind's
            # default image is the page's first).
            self.parts.append(self.get_starttag_text())
        if tag in ("h1", "title") and not self.open:
            self.heading_depth += 1  # Pagefind's default title is the page's first h1, wherever it is
        if tag in VOID:
            if self.in_body and not self.ignoring:
                self.parts.append(self.get_starttag_text())
            return
        if names.get("data-pagefind-ignore") == "all" or self.ignoring:
            self.open.append((tag, "ignore"))
        elif self.in_body:
            self.open.append((tag, "body"))
            self.parts.append(self.get_starttag_text())
        elif "data-pagefind-body" in names:
            self.bodies += 1
            self.open.append((tag, "body"))
        elif self.in_tagged or any(name.startswith("data-pagefind") for name in names):
            # Outside the body, a filter, meta or sort without a value takes the element's text.
            self.open.append((tag, "tagged"))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID and self.open and self.open[-1][0] == tag:
            self.handle_endtag(tag)

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if tag in ("h1", "title") and self.heading_depth and not self.open:
            self.heading_depth -= 1
            return
        if not self.open:
            return
        open_tag, kind = self.open.pop()
        if open_tag != tag:
            self.broken = True
        elif kind == "body" and not self.ignoring:
            self.parts.append(f"</{tag}>")

    def handle_data(self, data):
        if (self.in_body and not self.ignoring) or self.in_tagged or (self.heading_depth and not self.open):
            self.parts.append(data)

    def handle_entityref(self, name):
        self.handle_data(f"&{name};")

    def handle_charref(self, name):
        self.handle_data(f"&#{name};")


def search_text(html: str) -> str | None:
    """The parts of `html` Pagefind indexes, or None when they cannot be told apart reliably."""
    parser = _SearchText()
    parser.feed(html)
    parser.close()
    if parser.bodies == 0 or parser.open or parser.broken:
        return None
    return "\x00".join(parser.parts)


def same_search_text(new_path: str, old_path: str) -> bool:
    """Whether the page at `new_path` gives the search index what the page at `old_path` gave."""
    try:
        with open(new_path, encoding="utf-8") as new, open(old_path, encoding="utf-8") as old:
            new_text, old_text = search_text(new.read()), search_text(old.read())
    except (OSError, UnicodeDecodeError):
        return False
    return new_text is not None and new_text == old_text
