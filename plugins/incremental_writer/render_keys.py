"""Render keys: a digest of everything a page's template can read, so an unchanged page is not rendered.

A page is `template.render(variables)`. Jinja can only read the variables a template names, so a
template's inputs are the names `jinja2.meta` finds in it and in every template it extends,
includes or imports (macros imported "with context" read the caller's variables too), looked up
in the page's variables. The key of a page is the digest of those values; the theme, settings,
plugins and library versions are in the build fingerprint that wipes every key when they change.

How values are digested (each rule says why it is enough for what templates read):
- plain values (text, numbers, dates) by value; lists, tuples, sets and dicts by their items;
- a Pelican article or page named by the template itself (`article`, `page`) by its identity
  (below) and every attribute plugins gave it (`related_articles`, `edition_previous`, `section`…);
- an article or page reached through something else (a card in a list, a related story) by its
  identity only: source path, URL, status, metadata (title, date, author, tags, summary,
  everything the editor wrote) and the final HTML of its text and summary (links to other pages
  resolved). Cards and neighbours show only what the article itself says;
- tags, categories and authors (Pelican's URLWrapper) by name and slug (their URLs are the
  settings' patterns filled with those two);
- a paginator by its name, URL pattern, item count and page size; a paginator page by its number
  and the items on it;
- a model listed in TEMPLATE_VIEWS (below) by what templates read of it, kept here and nowhere
  else: a section by its declaration and addresses, not its 2,000 entries (which reach templates
  through variables of their own, `entries_page`, `front_page_sections`); a ledger month and a
  power-list matter by their own fields, their neighbours by what pages show of them; a village by
  what it and its months were read from (Village.read_from), when that is known;
- any other object by all its attributes (dataclass fields or `__dict__`), except Pelican's
  `settings` and `_context`;
- a function by its qualified name and the values it closes over; a Pelican generator (whose
  methods templates may call, e.g. `url()`) by its class, since it reads only settings.

A key must come out the same in every build process: a dict's order is part of its digest (above),
so a dict filled from a set of strings, whose order follows the process's string hashing, would make
a new key each build (tests/test_incremental.py::test_render_keys_are_the_same_in_every_process).

A value this module cannot digest (an unknown kind, a cycle of objects, or nesting deeper than
MAX_DEPTH) makes the key None: that page is always rendered. A model with back-references (a
month linked to the months around it, a matter to its department) needs a view in
TEMPLATE_VIEWS, or digesting it would loop; views also keep keys cheap to compute. Audit mode
(RENDER_KEYS_AUDIT) renders every page anyway and reports each page whose key matched but whose
bytes differ: the tests build in audit mode.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import decimal
import enum
import functools
import os
import pathlib

import jinja2
from jinja2 import meta
from pelican.contents import Content
from pelican.generators import Generator
from pelican.paginator import Page as PaginatorPage
from pelican.paginator import Paginator
from pelican.settings import DEFAULT_CONFIG
from pelican.urlwrappers import URLWrapper

from plugins.portal_data.digests import digest_of
from plugins.power_list.model import PowerItem
from plugins.sections.declaration import Section
from plugins.village_disclosure.model import LedgerMonth, Village

MAX_DEPTH = 8
IDENTITY_SITEURL = "{render-key-siteurl}"
SKIPPED_ATTRIBUTES = frozenset({"settings", "_context"})
# What an article's identity (ValueDigests._content) already holds: its metadata as written and its
# text with links resolved, which is what templates show of `_content` (`article.content`).
# Digesting them again among the attributes plugins attached was a third of every article page's key.
IN_IDENTITY = SKIPPED_ATTRIBUTES | {"_content", "metadata"}
PLAIN = (
    str,
    int,
    float,
    bool,
    type(None),
    bytes,
    dt.date,
    dt.time,
    dt.timedelta,
    dt.tzinfo,
    decimal.Decimal,
    enum.Enum,
    pathlib.PurePath,
)


_ABSENT = object()
EXACT_PLAIN = frozenset({str, int, float, bool, type(None)})  # most values: one set lookup before isinstance(PLAIN)


def _section_view(section: Section) -> dict:
    return {
        name: getattr(section, name)
        for name in (
            "slug",
            "name",
            "description",
            "categories",
            "tags",
            "order",
            "sample_data",
            "url",
            "save_as",
            "feed_url",
            "feed_save_as",
        )
    }


def _own_fields(model, leave_out: tuple[str, ...]) -> dict:
    return {name: getattr(model, name) for name in _field_names(type(model)) if name not in leave_out}


def _ledger_month_view(month: LedgerMonth) -> dict:
    shown = tuple((other.key, other.label) if other else None for other in (month.previous, month.next))
    # The vouchers by one repr of the list (a dataclass's repr shows every field, Voucher hides
    # none: tests/test_incremental.py checks): digesting each voucher apart was 2 s of every
    # ten-year rebuild, 200,000 of them.
    vouchers = digest_of(repr(month.vouchers))
    return {**_own_fields(month, ("previous", "next", "vouchers")), "vouchers": vouchers, "neighbours": shown}


def _village_view(village: Village) -> dict:
    # What it and its months were made from, when known (Village.read_from): a town's page shows
    # its villages, and digesting their months' vouchers again was half a second of every rebuild.
    if village.read_from:
        return {"read_from": village.read_from}
    return _own_fields(village, ("read_from",))


def _power_item_view(item: PowerItem) -> dict:
    department = item.department  # it lists its matters: digested whole, it would loop back here
    return {**_own_fields(item, ("department",)), "department": (department.name, department.code, department.url)}


# What templates read of each model that is not digested by all its attributes. A template that
# starts reading more of one (a section's entries, a department's other matters) must get it as a
# variable of its own or be added here; the audit (`invoke build --audit`) catches a page left stale.
TEMPLATE_VIEWS = {
    Section: _section_view,
    LedgerMonth: _ledger_month_view,
    PowerItem: _power_item_view,
    Village: _village_view,
}


class AsPage:
    """A content object as its own page shows it, for a file group's inputs: digested as root()
    digests a template's `article` (its identity and every attribute plugins attached), not as a
    card in a list (its identity alone)."""

    __slots__ = ("content",)

    def __init__(self, content: Content):
        self.content = content


class Unkeyable(Exception):
    """A value whose digest would not prove the page unchanged."""


class TemplateVariables:
    """Which variables each template can read, each template file parsed once per build.

    `parsed` may be shared by the TemplateVariables of several environments (Pelican makes one per
    generator, with the same loader and syntax): a template's source is parsed once for all of them,
    not once per generator (at ten years' scale 0.37 s of every build's writing, in each process)."""

    def __init__(self, environment: jinja2.Environment, parsed: dict | None = None):
        self.environment = environment
        self._own: dict[str, tuple[frozenset[str], tuple]] = {}
        self._closure: dict[str, frozenset[str] | None] = {}
        self._parsed = parsed if parsed is not None else {}

    def of(self, name: str) -> frozenset[str] | None:
        """Every variable `name` and the templates it references can read; None when it includes
        a template chosen at render time (`{% include some_variable %}`), which could be any."""
        if name not in self._closure:
            names: set[str] = set()
            pending, seen = [name], set()
            while pending:
                current = pending.pop()
                if current in seen:
                    continue
                seen.add(current)
                own, referenced = self._parse(current)
                names |= own
                if None in referenced:
                    names = None
                    break
                pending.extend(referenced)
            self._closure[name] = frozenset(names) if names is not None else None
        return self._closure[name]

    def _parse(self, name: str) -> tuple[frozenset[str], tuple]:
        if name not in self._own:
            source = self.environment.loader.get_source(self.environment, name)[0]
            # The same text is the same tree only under the same syntax and the same extensions
            # (a plugin may add either to one generator's environment).
            key = (source, syntax_of(self.environment))
            if key not in self._parsed:
                tree = self.environment.parse(source)
                self._parsed[key] = (
                    frozenset(meta.find_undeclared_variables(tree)),
                    tuple(meta.find_referenced_templates(tree)),
                )
            self._own[name] = self._parsed[key]
        return self._own[name]


def syntax_of(environment: jinja2.Environment) -> tuple:
    """What decides how an environment parses a text: the lexer's settings (those Jinja keys its
    own lexer cache by) and the extensions' names."""
    return (
        environment.block_start_string,
        environment.block_end_string,
        environment.variable_start_string,
        environment.variable_end_string,
        environment.comment_start_string,
        environment.comment_end_string,
        environment.line_statement_prefix,
        environment.line_comment_prefix,
        environment.trim_blocks,
        environment.lstrip_blocks,
        environment.newline_sequence,
        environment.keep_trailing_newline,
        tuple(sorted(environment.extensions)),
    )


class ValueDigests:
    """Digests for one build. Objects live until the build ends (they are kept here), so an id
    is never reused for another object while its digest is remembered."""

    def __init__(self, read_from: dict[int, str] | None = None):
        # id -> (the object, its digest, the source names of the articles and pages it reached)
        self._memo: dict[int, tuple[object, str, frozenset[str]]] = {}
        self._active: set[int] = set()  # objects being digested: meeting one again is a cycle
        # Articles by what they were read from (id -> digest of the source file's name and bytes),
        # where the build knows each depends on those bytes and the settings alone: see _content.
        self.read_from = read_from if read_from is not None else {}
        # The source names of the articles and pages digested since start_reach(), including
        # those inside a remembered object's digest: what a key "reached" (a generator group
        # keeps the pages that did not reach a corrected article, incremental_writer).
        self._reached: set[str] = set()

    def start_reach(self) -> None:
        self._reached = set()

    def reach(self) -> frozenset[str]:
        """The source names of every article and page digested since start_reach()."""
        return frozenset(self._reached)

    def page_key(self, template_name: str, variables: dict, names: frozenset[str]) -> str:
        """The page's render key; reach() then names every article and page it digested."""
        self.start_reach()
        parts = [template_name]
        for name in sorted(names):
            if name in variables:
                value = variables[name]
                parts.append(f"{name}={self.root(value)}")
        return digest_of(*parts)

    def root(self, value) -> str:
        """A template variable: an article or page named directly shows everything plugins attached."""
        if isinstance(value, Content):
            # Pelican also sets each metadata item as an attribute (`article.tags` is
            # `article.metadata["tags"]`): the very same object is in the identity already.
            metadata = value.metadata
            attached = {
                key: item
                for key, item in vars(value).items()
                if key not in IN_IDENTITY and metadata.get(key, _ABSENT) is not item
            }
            return digest_of("root", self.digest(value), self._mapping(attached, 1))
        return self.digest(value)

    def digest_sharing(self, value, item_digests: dict[int, str]) -> str:
        """digest(value), where `value` is a list whose items another list digested in the same
        call shares: each item is digested once per `item_digests` (by id: the objects alive for
        the call). A generator group's inputs before a splice differ from this build's in the
        reading's key alone, and digesting the rest (every article's lists and attachments) again
        was 0.2 s of each worker (plugins/incremental_writer)."""
        if type(value) is not list:
            return self.digest(value)
        parts = []
        for item in value:
            digest = item_digests.get(id(item))
            if digest is None:
                digest = item_digests[id(item)] = self.digest(item)
            parts.append(digest)
        return digest_of("list", *parts)  # as digest() makes a list's

    def digest(self, value, depth: int = 0) -> str:
        if depth > MAX_DEPTH:
            raise Unkeyable(f"nested deeper than {MAX_DEPTH}")
        kind = type(value)
        if kind in EXACT_PLAIN or isinstance(value, PLAIN):
            text = f"{kind.__name__}:{value!r}"
            return text if len(text) < 96 else digest_of(text)
        if isinstance(value, (list, tuple)):
            return digest_of(type(value).__name__, *(self.digest(item, depth) for item in value))
        if isinstance(value, (set, frozenset)):
            return digest_of("set", *sorted(self.digest(item, depth) for item in value))
        if isinstance(value, dict):
            return self._mapping(value, depth)
        remembered = self._memo.get(id(value))
        if remembered is not None and remembered[0] is value:
            if remembered[2]:
                self._reached |= remembered[2]
            return remembered[1]
        if id(value) in self._active:
            raise Unkeyable(f"a cycle through a {type(value).__qualname__}")
        self._active.add(id(value))
        outer, self._reached = self._reached, set()
        try:
            result = self._object(value, depth)
        finally:
            self._active.discard(id(value))
            inner, self._reached = self._reached, outer
        outer |= inner
        self._memo[id(value)] = (value, result, frozenset(inner) if inner else NOTHING_REACHED)
        return result

    def _mapping(self, mapping: dict, depth: int) -> str:
        # In insertion order: a template looping over a dict shows its entries in that order.
        items = [(str(key), self.digest(item, depth)) for key, item in mapping.items()]
        return digest_of("dict", *(f"{key}={item}" for key, item in items))

    def _object(self, value, depth: int) -> str:
        kind = f"{type(value).__module__}.{type(value).__qualname__}"
        if isinstance(value, jinja2.Undefined):
            return kind
        if isinstance(value, AsPage):
            return digest_of(kind, self.root(value.content))
        if isinstance(value, Content):
            return self._content(value, kind)
        if isinstance(value, URLWrapper):
            # Its url and save_as are the settings' patterns filled with its name and slug, and
            # the settings are in the build fingerprint: formatting them for every tag of every
            # article was a fifth of an article's identity.
            return digest_of(kind, value.name, value.slug)
        if isinstance(value, Paginator):
            return digest_of(
                kind, value.name, str(value.url), str(value.count), str(value.per_page), str(value.orphans)
            )
        if isinstance(value, PaginatorPage):
            return digest_of(
                kind,
                value.full_name,
                str(value.base_url),
                str(value.number),
                self.digest(value.paginator, depth + 1),
                self.digest(list(value.object_list), depth + 1),
            )
        if isinstance(value, Generator):
            return kind  # templates call its methods (url formatting), which read only settings
        if callable(value) and hasattr(value, "__code__"):
            cells = [self.digest(cell.cell_contents, depth + 1) for cell in (value.__closure__ or ())]
            defaults = self.digest((value.__defaults__, getattr(value, "__kwdefaults__", None)), depth + 1)
            return digest_of(kind, value.__module__, value.__qualname__, defaults, *cells)
        if hasattr(value, "__func__") and hasattr(value, "__self__"):  # a bound method
            return digest_of(kind, self.digest(value.__func__, depth + 1), self.digest(value.__self__, depth + 1))
        view = TEMPLATE_VIEWS.get(type(value))
        if view is not None:
            return digest_of(kind, self._mapping(view(value), depth + 1))
        names = _field_names(type(value))
        if names is not None:  # a dataclass
            values = {name: getattr(value, name) for name in names}
            if all(
                isinstance(item, PLAIN) for item in values.values()
            ):  # a voucher row: one repr, not a digest per cell
                return digest_of(kind, repr(sorted(values.items())))
            return digest_of(kind, self._mapping(values, depth + 1))
        if hasattr(value, "__dict__") and not callable(value):
            attributes = {key: item for key, item in vars(value).items() if key not in SKIPPED_ATTRIBUTES}
            return digest_of(kind, self._mapping(attributes, depth + 1))
        raise Unkeyable(f"cannot digest a {kind}")

    def _content(self, content: Content, kind: str) -> str:
        """Its text with links to other pages resolved against a fixed site URL: Pelican resolves
        them against the page being rendered (a relative URL per page), which the page key already
        holds, so one digest per article serves every page that shows it. The summary is either
        metadata (digested here) or cut from that same text.

        Not its `save_as`: Pelican fills the settings' pattern from the same metadata, source path
        and status (or takes the metadata's `save_as`), and working it out for every article was
        a third of this digest. The source path as Pelican set it when reading, not worked out again."""
        source = _source_of(content)
        self._reached.add(source_name(source))
        raw = content._get_content() if hasattr(content, "_get_content") else content._content
        read_from = self.read_from.get(id(content))
        if (
            read_from is not None
            and not may_link(content, raw)
            and not may_link(content, getattr(content, "_summary", None))
        ):
            # Its text is what its file's bytes and the settings made it (the build runner checks
            # it is still the text as read) and holds no link to another page's address: the
            # bytes name it. Resolving and digesting ten thousand texts was most of a rebuild's keys.
            text = read_from
        else:
            text = digest_of(str(content._update_content(raw or "", IDENTITY_SITEURL)))
        return digest_of(
            kind,
            source or "",
            content.url,
            str(getattr(content, "status", "")),
            self._mapping(dict(content.metadata), 1),
            text,
        )


NOTHING_REACHED: frozenset[str] = frozenset()


@functools.cache
def _field_names(kind: type) -> tuple[str, ...] | None:
    """A dataclass's field names (None for any other class): dataclasses.fields() builds them
    anew on each call, a sixth of the keys of 1,000 section pages of twenty entries each."""
    if not dataclasses.is_dataclass(kind):
        return None
    return tuple(field.name for field in dataclasses.fields(kind))


def _source_of(content: Content) -> str | None:
    """The source path as Pelican set it when reading, not worked out again."""
    return getattr(content, "relative_source_path", None) or content.get_relative_source_path()


def source_name(source: str | None) -> str:
    """An article's or page's source as the content digests name it: relative, `/`-separated."""
    return (source or "").replace(os.sep, "/")


def may_link(content: Content, text) -> bool:
    """Whether `text` may hold a link Pelican resolves to another page's address (`{filename}…`,
    `|static|…`). Pelican's own pattern needs one of those two marks, so their absence is enough
    and costs nothing; a site with a pattern of its own (INTRASITE_LINK_REGEX) is searched with it."""
    if not isinstance(text, str):
        return False
    if content.settings.get("INTRASITE_LINK_REGEX", DEFAULT_LINK_PATTERN) == DEFAULT_LINK_PATTERN:
        return "{" in text or "|" in text
    return content._get_intrasite_link_regex().search(text) is not None


DEFAULT_LINK_PATTERN = DEFAULT_CONFIG["INTRASITE_LINK_REGEX"]


class CoveredDigests(ValueDigests):
    """Digests for a key that already holds the bytes every article and page was read from (a
    generator group's, buildtools/parallel_output.generator_inputs): an article or page of
    `covered` (those the readers read from content files) is named by its source path, URL and
    status rather than digested by its metadata and text, which those bytes and the settings
    decide. Everything else is digested as ValueDigests does."""

    def __init__(self, covered: frozenset[int], read_from: dict[int, str] | None = None):
        super().__init__(read_from)
        self.covered = covered

    def _content(self, content: Content, kind: str) -> str:
        if id(content) not in self.covered:
            return super()._content(content, kind)
        source = _source_of(content)
        self._reached.add(source_name(source))
        return digest_of(kind, "covered", source or "", content.url, str(getattr(content, "status", "")))
