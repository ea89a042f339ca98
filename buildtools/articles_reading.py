"""The articles' reading, kept between builds while the files it is read from stay the same.

Reading ten thousand articles (Pelican's ArticlesGenerator.generate_context with every plugin's
hooks: sanitising, normalising, related stories, scheduled publishing) takes most of an
incremental build's read phase at ten years' scale, although an edit to a village ledger or a
power-list CSV cannot change any of it. So the incremental build keeps, in its cache folder, what
that reading left: the generator's lists and what it put in the shared context. The next build
reuses it, instead of reading, when

- its key is the same: the build's fingerprint (settings, theme, plugins, library versions) and
  the digest of every content file except the `.csv` data files (Pelican reads articles only
  through its readers, Markdown and HTML; no reader or article hook opens a CSV), and
- the build time splits the articles as it did: every article shown is due, and every article
  scheduled publishing withheld is still waiting (plugins/scheduled_publishing).

The state is pickled right after the articles generator's own generate_context, before any other
generator or plugin adds to the articles (sections, editions, the URLs pinned for writing), and
saved only when the build succeeds (where the build may use more than one process, a forked child
pickles it while this one goes on reading); the settings and the shared context are not pickled but
reconnected to this build's. Anything unreadable (no file, another key, a corrupt or older file)
is a reading like any other build's, never an error.

When the key is not the same (an editor corrected one article), the reading is Pelican's own
generate_context again, but an article whose file has the bytes it had in the last reading is not
read again: Pelican's read_file (parsing, Article.__init__ and every content_object_init hook, 7 of
10 s at ten years' scale) gives an object that depends on the file's bytes and the fingerprint
alone, so each article is also kept as read_file returned it (pickled at once, before the
generator or any plugin adds related stories, translations or sections to it) and that object is
given back. Everything after reading a file (validity, translations, ordering, scheduled
publishing, categories, related stories) runs as in any build.

When the only files that changed are a few articles whose new reading differs from the kept one in
its text alone (the metadata, status, URL, file name, template and the static files it links are
the same: an editor's correction), the kept reading is taken and each such article is read again
and put in place of its old reading (`_splice`): every list, category, tag and related story keeps
pointing at the same object, which now holds the new text. Everything Pelican and the plugins do
after reading a file decides an article's place from those unchanged values alone (the hooks that
may run then are listed in PLACE_HOOKS; any other turns this off), so the result is the reading a
build from nothing makes. At ten years that is 2 of the 4 s an edited article's rebuild spent reading.
"""

from __future__ import annotations

import contextlib
import functools
import io
import os
import pickle
import signal
import weakref
from dataclasses import dataclass, field

from pelican import signals
from pelican.contents import Article, Page
from pelican.urlwrappers import URLWrapper

from plugins.portal_data import fast_json
from plugins.portal_data.atomic import write_atomically, write_json_atomically
from plugins.portal_data.collector import collector_paused, keep_until_build_ends
from plugins.portal_data.digests import digest_of
from plugins.portal_data.plugin_list import plugin_listed
from plugins.portal_data.tree import tree_files
from plugins.portal_data.workers import ForkedWorker, build_workers, fork_worker
from plugins.scheduled_publishing import scheduled_publishing

FILE = "articles-reading.pickle"
FORMAT = b"liling-articles-reading 1\n"
# Each article as read_file gave it, by the digest of its file's bytes (see the module's doc).
ARTICLES_AS_READ = "articles-as-read.pickle"
AS_READ_FORMAT = b"liling-articles-as-read 1\n"
# The kept reading's inputs (its key, fingerprint and each input file's digest), for a reading that
# differs from this build's in a few articles' text alone (ArticlesReading._splice).
INPUTS_FILE = "articles-reading-inputs.json"
# More changed files than this are read as any build reads them: a splice is for an editor's few.
SPLICE_LIMIT = 50
# What may run on an article after it is read (Pelican's article_generator_pretaxonomy and
# article_generator_finalized), each known to place articles by their metadata, status and date
# alone, never their text: with any other a body edit could move what it derives, so no splice.
PLACE_HOOKS = frozenset(
    {
        "plugins.news_article.news_article.attach_related",
        "plugins.scheduled_publishing.scheduled_publishing.withhold_until_due",
    }
)
# An article's text as read: never set after reading by what a splice trusts (checked each time).
TEXT_ATTRIBUTES = frozenset({"_content", "_summary"})
# A generator's own attributes that are its tools, not what it read: made again by Pelican.
TOOLS = frozenset(
    {"settings", "context", "readers", "env", "path", "theme", "output_path", "_templates", "_templates_path"}
)
# The context's value that depends on the build time rather than on the files: set anew when
# scheduled publishing gives one.
BUILD_TIME = "build_time"


def is_input(name: str) -> bool:
    """Whether the content file `name` may be read with the articles: any but a `.csv` data file."""
    return not name.endswith(".csv")


def articles_key(fingerprint: str, content_files: dict[str, list]) -> str:
    """The inputs of the articles' reading: the build fingerprint and each input file's digest
    (`content_files`: relative name -> [..., digest], buildtools/inputs.py)."""
    return digest_of(
        fingerprint, *(f"{name}\0{entry[-1]}" for name, entry in sorted(content_files.items()) if is_input(name))
    )


@dataclass
class ArticlesReading:
    """One build's use of the kept reading: `folder` is the cache folder, `key` this build's."""

    folder: str
    key: str
    use: bool = True  # False (an audit): read anyway, and keep that reading for the next build
    reused: bool = False
    made: bytes | None = None  # this build's reading, pickled, for save() once the build succeeded
    # What every article kept as read was read under (settings, theme, plugins, code), and the
    # digest of each content file's bytes now (relative name -> digest, buildtools/inputs.py).
    fingerprint: str = ""
    digests: dict[str, str] = field(default_factory=dict)
    articles_not_read_again: int = 0  # files whose article was the one kept as read
    articles_spliced: int = 0  # articles read again into the kept reading (_splice)
    # After a splice: the key of the reading spliced into, and the source names of the articles
    # read again (a generator group keeps the pages that did not show them, parallel_output).
    spliced_from: str = ""
    spliced: frozenset[str] = frozenset()
    # The names of the content files that are not inputs of the reading (the CSV data files): a
    # link from an article to one resolves by its name (buildtools/parallel_output.generator_inputs).
    other_files: str = ""
    as_read: dict[str, tuple[str, bytes]] | None = None  # this build's, for save()
    # A forked child pickling this build's reading (`made` once collected), while this process
    # goes on reading with the other core; collected by collect() or save(), stopped by discard(),
    # or killed when this object goes.
    pickling: ForkedWorker | None = field(default=None, repr=False)

    @classmethod
    def for_build(cls, folder: str, fingerprint: str, content_files: dict[str, list], use: bool = True):
        """The reading for a build with this fingerprint and these content files (name -> [..., digest])."""
        return cls(
            folder,
            articles_key(fingerprint, content_files),
            use=use,
            fingerprint=fingerprint,
            digests={name: entry[-1] for name, entry in content_files.items() if is_input(name)},
            other_files=digest_of(*sorted(name for name in content_files if not is_input(name))),
        )

    def decides_articles(self, settings: dict) -> bool:
        """Whether `key` decides what the articles generator reads (every article and page as
        read, its lists, what it adds to the context), with the build time's split of the
        articles, which its lists show: the reading's own condition for keeping it."""
        return _read_from_bytes_alone(settings)

    @property
    def path(self) -> str:
        return os.path.join(self.folder, FILE)

    @property
    def as_read_path(self) -> str:
        return os.path.join(self.folder, ARTICLES_AS_READ)

    @property
    def inputs_path(self) -> str:
        return os.path.join(self.folder, INPUTS_FILE)

    def generate_context(self, generator, before_keeping=None) -> None:
        """The articles generator's generate_context: reused when the kept reading holds, else run
        and pickled for the next build, after `before_keeping(generator)` (the build pins each
        article's URL there, so that a reused reading brings them: working ten thousand URLs out
        from settings again was half a second of every ledger's rebuild)."""
        settings, context = generator.settings, generator.context
        if not _read_from_bytes_alone(settings):
            generator.generate_context()
            return
        # Without scheduled publishing no article waits for a time: the reading has no clock in it.
        now = scheduled_publishing.build_time(settings) if plugin_listed(settings, "scheduled_publishing") else None
        kept = self._load(settings, context) if self.use else None
        if kept is not None and (now is None or _split_holds(kept, now)):
            state, added, extended = kept
            vars(generator).update(state)
            context.update(added)
            for name, items in extended.items():
                _extend(context[name], items)
            if now is not None:
                context[BUILD_TIME] = now
            self.reused = True
            keep_until_build_ends()
            return
        originals = dict(context)
        copies = {name: _shallow_copy(value) for name, value in originals.items()}
        readers = getattr(generator, "readers", None)
        if readers is None:
            generator.generate_context()
        elif self.use and self._splice(generator, now):
            keep_until_build_ends()  # as a reused reading: all of it lives until the build ends
        else:
            keeping = may_keep_as_read(settings)
            kept_as_read = self._load_as_read() if self.use and keeping else {}
            reader = _ReadOnce(generator, kept_as_read, self.digests if keeping else {})
            readers.read_file = reader.read_file
            # Taking ten thousand articles as read makes only objects that are kept: no collections
            # (a build that reads them all makes garbage as it parses, so it collects as usual).
            pause = collector_paused() if kept_as_read else contextlib.nullcontext()
            try:
                with pause:
                    generator.generate_context()
            finally:
                del readers.read_file  # Pelican's own again, for anything read later
            self.articles_not_read_again, self.as_read = reader.not_read_again, reader.as_read
            if kept_as_read:
                keep_until_build_ends()  # as a reused reading: all of it lives until the build ends
        if before_keeping is not None:
            before_keeping(generator)
        pickle_it = functools.partial(_pickled_or_none, generator, context, originals, copies)
        if build_workers(settings) > 1:  # a build allowed more processes than one, on a platform with fork
            # The child pickles the reading as it is now (its memory is this moment's copy): a
            # second or more of every build that reads, off the one core reading uses.
            self.pickling = fork_worker(pickle_it)
            self._reaper = weakref.finalize(self, _abandon, self.pickling)
        else:
            self.made = pickle_it()

    def discard(self) -> None:
        """A build that will not save this reading (refused, failed): stop and reap its pickling."""
        if self.pickling is not None:
            self._reaper()
            self.pickling = None

    def collect(self) -> None:
        """`made`, from the child pickling it (None when it failed or died). The build collects it
        when reading ends, before writing forks its workers: by then the child is done, and it
        holds no copy of the reading while the pages are written."""
        if self.pickling is not None:
            self._reaper.detach()
            made, _how = self.pickling.result()
            self.pickling = None
            self.made = made if isinstance(made, bytes) else None

    def save(self, content_root: str, digested: dict[str, list], taken_ns: int) -> bool:
        """After a successful build (its output already in place): keep this build's reading, read
        from the files `digested` at `taken_ns`; nothing to do when it was reused (True). False
        when it is not kept: an input was edited while the build read (edited_during_build), or
        the file could not be written (a full disk, a file another program holds open on
        Windows); a cache, so that only costs the next build a reading."""
        self.collect()
        if self.reused:
            return True
        # Checked even when this reading could not be pickled: the build's pages and keys were
        # made from it (generator groups, render keys naming articles by their files' digests).
        if edited_during_build(content_root, digested, taken_ns):
            return False
        if self.made is None:
            return True
        try:
            if self.as_read is not None:
                with collector_paused():
                    as_read = pickle.dumps(self.as_read, protocol=pickle.HIGHEST_PROTOCOL)
                _write_kept(self.as_read_path, AS_READ_FORMAT, self.fingerprint, as_read)
            # The inputs first: a reading is only spliced when both name the same key.
            write_json_atomically(
                self.inputs_path, {"key": self.key, "fingerprint": self.fingerprint, "digests": self.digests}
            )
            _write_kept(self.path, FORMAT, self.key, self.made)
        except OSError:
            return False
        return True

    def _load_as_read(self) -> dict[str, tuple[str, bytes]]:
        kept = _read_kept(self.as_read_path, AS_READ_FORMAT, self.fingerprint, pickle.load)
        return kept if isinstance(kept, dict) else {}  # missing or corrupt: every article is read

    def _load_inputs(self) -> dict[str, str] | None:
        """Each input file's digest when the kept reading was made (name -> digest), with the key
        it was kept under, when it was read under this build's fingerprint; else None."""
        try:
            with open(self.inputs_path, "rb") as handle:
                inputs = fast_json.loads(handle.read())
            if inputs["fingerprint"] != self.fingerprint or not isinstance(inputs["digests"], dict):
                return None
            return {"key": str(inputs["key"]), "digests": inputs["digests"]}
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def _splice(self, generator, now) -> bool:
        """The kept reading, with the few articles whose files changed read again and put in place
        of their old reading (the module's doc says when that is the reading a build from nothing
        makes); False, with the generator and context untouched, when it cannot be: then the
        articles are read as in any build."""
        settings, context = generator.settings, generator.context
        if not may_keep_as_read(settings) or not placing_hooks_known():
            return False
        inputs = self._load_inputs()
        if inputs is None or inputs["digests"].keys() != self.digests.keys():
            return False  # a file added or removed moves others in every list
        before = inputs["digests"]
        changed = sorted(name for name, digest in self.digests.items() if before[name] != digest)
        if not changed or len(changed) > SPLICE_LIMIT:
            return False
        kept_as_read = self._load_as_read()
        if any(kept_as_read.get(name, ("",))[0] != before[name] for name in changed):
            return False  # each old reading as read is needed, to tell what came after reading
        kept = _read_kept(self.path, FORMAT, inputs["key"], lambda handle: _Unpickler(handle, settings, context).load())
        if kept is None or (now is not None and not _split_holds(kept, now)):
            return False
        state, added, extended = kept
        root = os.path.abspath(settings["PATH"])
        by_name = {
            os.path.relpath(os.path.join(root, location), root).replace(os.sep, "/"): content
            for location, content in extended.get("generated_content", {}).items()
        }
        replacements = []
        for name in changed:
            old = by_name.get(name)
            if not isinstance(old, Article):
                return False  # a page, a declaration, an image: read as any build reads
            try:
                new = generator.readers.read_file(
                    base_path=generator.path,
                    path=os.path.relpath(os.path.join(root, name), generator.path),
                    content_class=Article,
                    context=context,
                    preread_signal=signals.article_generator_preread,
                    preread_sender=generator,
                    context_signal=signals.article_generator_context,
                    context_sender=generator,
                )
                old_as_read = _Unpickler(io.BytesIO(kept_as_read[name][1]), settings, context).load()
            except Exception:  # noqa: BLE001 - read as any build reads, which reports the problem
                return False
            if (
                not isinstance(new, Article)
                or not isinstance(old_as_read, Article)
                or not new.is_valid()
                or not same_place(old, new)
                or new.get_static_links() != old.get_static_links()
            ):
                return False
            placing = set_after_reading(old, old_as_read, settings, context)
            if placing & TEXT_ATTRIBUTES:
                return False  # something after reading changed the text: it may change the new one too
            _slugs_worked_out(new)
            replacements.append((name, old, old_as_read, new, _pickled_value(new, settings, context), placing))
        vars(generator).update(state)
        context.update(added)
        for name, items in extended.items():
            _extend(context[name], items)
        if now is not None:
            context[BUILD_TIME] = now
        for name, old, old_as_read, new, pickled, placing in replacements:
            take_text_of(old, old_as_read, new, placing)
            kept_as_read[name] = (self.digests[name], pickled)
        self.as_read = kept_as_read
        self.articles_spliced = len(replacements)
        self.spliced_from, self.spliced = inputs["key"], frozenset(changed)
        self.articles_not_read_again = len(kept_as_read) - len(replacements)
        return True

    def _load(self, settings: dict, context: dict):
        return _read_kept(self.path, FORMAT, self.key, lambda handle: _Unpickler(handle, settings, context).load())


def _write_kept(path: str, file_format: bytes, key: str, data: bytes) -> None:
    """A kept file: its format line, the key it was made under, then the pickle."""
    write_atomically(path, file_format + key.encode() + b"\n" + data)


def _read_kept(path: str, file_format: bytes, key: str, load):
    """load(handle) of what _write_kept kept under this format and key; None when the file is
    missing, corrupt, of another format or made under another key (a cache: then read instead)."""
    try:
        with open(path, "rb") as handle:
            if handle.readline() != file_format or handle.readline().strip() != key.encode():
                return None
            with collector_paused():  # hundreds of thousands of objects, none garbage
                return load(handle)
    except Exception:  # noqa: BLE001 - missing, corrupt, or made by other code: read instead
        return None


class _ReadOnce:
    """The articles generator's read_file: an article whose file has the bytes it had when it was
    kept is the kept object (`kept`: name -> (digest, pickled article as read)); any other file is
    read by Pelican. `as_read` holds every article of this reading as read, for the next build."""

    def __init__(self, generator, kept: dict[str, tuple[str, bytes]], digests: dict[str, str]):
        self.pelican_read_file = generator.readers.read_file
        self.root = os.path.abspath(generator.settings["PATH"])
        self.settings, self.context = generator.settings, generator.context
        self.kept, self.digests = kept, digests
        self.as_read: dict[str, tuple[str, bytes]] = {}
        self.not_read_again = 0

    def read_file(self, base_path, path, content_class=Page, fmt=None, context=None, **signals):
        name = os.path.relpath(os.path.join(base_path, path), self.root).replace(os.sep, "/")
        digest = self.digests.get(name)
        entry = self.kept.get(name)
        if entry is not None and entry[0] == digest and content_class is Article and context is self.context:
            try:
                article = _Unpickler(io.BytesIO(entry[1]), self.settings, self.context).load()
            except Exception:  # noqa: BLE001 - a kept article that cannot be loaded is read again
                article = None
            if isinstance(article, Article):
                self.as_read[name] = entry
                self.not_read_again += 1
                return article
        article = self.pelican_read_file(base_path, path, content_class, fmt, context, **signals)
        if digest is not None and isinstance(article, Article) and context is self.context:
            _slugs_worked_out(article)
            buffer = io.BytesIO()
            try:
                with collector_paused():
                    _Pickler(buffer, self.settings, self.context).dump(article)
                self.as_read[name] = (digest, buffer.getvalue())
            except Exception:  # noqa: BLE001 - an article that cannot be pickled is read every time
                pass
        return article


def _slugs_worked_out(article: Article) -> None:
    """Pelican works out a category's, author's or tag's slug the first time it is asked (and hashes
    tags by it), from the name and settings alone: worked out before the article is kept, each build
    that takes it as read need not slugify 40,000 names again (2 of 5 s of reading at ten years).
    Pelican's own computation without its warning for a name with no slug (a tag of only `★`): a
    clean build asks only for the slugs it shows, so the warning, which fails a build, stays its."""
    for wrapper in (
        getattr(article, "category", None),
        *getattr(article, "authors", ()),
        *getattr(article, "tags", ()),
    ):
        if isinstance(wrapper, URLWrapper) and getattr(wrapper, "_slug", "") is None:
            slug = wrapper._normalize_key(wrapper.name)
            if slug:
                wrapper._slug = slug


def same_place(old: Article, new: Article) -> bool:
    """Whether `new` differs from `old` in its body only: then every other page and every list
    that shows the article keeps it where it was (the preview's fast path and _splice)."""
    return (
        new.metadata == old.metadata
        and new.status == old.status
        and new.save_as == old.save_as
        and new.url == getattr(old, "override_url", old.url)
        and new.template == old.template
    )


def set_after_reading(old: Article, old_as_read: Article, settings: dict, context: dict) -> set[str]:
    """The attributes of `old` (an article of the kept reading) that were set or replaced after it
    was read (`old_as_read`): its translations, related stories, pinned URL."""
    read_then = vars(old_as_read)
    return {
        name
        for name, value in vars(old).items()
        if name not in read_then
        or _pickled_value(value, settings, context) != _pickled_value(read_then[name], settings, context)
    }


def take_text_of(old: Article, old_as_read: Article, new: Article, placing: set[str]) -> None:
    """Make `old` (the object every list of the kept reading points to) what reading `new` would
    have become: each attribute as `new` was read, but those `placing` (set after reading, which
    place the article by what same_place found unchanged) and those removed after reading, which
    stay removed."""
    read_then, now = vars(old_as_read), vars(old)
    for name, value in vars(new).items():
        if name in placing or (name in read_then and name not in now):
            continue
        setattr(old, name, value)


def _pickled_value(value, settings: dict, context: dict) -> bytes:
    buffer = io.BytesIO()
    with collector_paused():
        _Pickler(buffer, settings, context).dump(value)
    return buffer.getvalue()


def _receiver_names_of_placing() -> set[str]:
    return _receiver_names(signals.article_generator_pretaxonomy) | _receiver_names(signals.article_generator_finalized)


def placing_hooks_known() -> bool:
    """Whether every hook run on the articles after reading is one known to place them by their
    metadata, status and date alone, never to change a text (PLACE_HOOKS)."""
    return _receiver_names_of_placing() <= PLACE_HOOKS


# What may run while Pelican reads an article, each known to depend on that article's bytes and the
# settings alone: a kept article skips them, so anything else (a Markdown extension that includes
# another file, a hook that reads one) turns keeping off rather than publishing a stale page.
FILE_LOCAL_HOOKS = frozenset(
    {
        "plugins.safe_html.safe_html.sanitise_content",
        "plugins.sections.sections.note_category_position",
        "plugins.scheduled_publishing.scheduled_publishing.accept_scheduled_status",
        "plugins.news_article.news_article.normalise_article",
    }
)
FILE_LOCAL_MARKDOWN = frozenset(
    {
        "markdown.extensions.extra",
        "markdown.extensions.meta",
        "markdown.extensions.toc",
        "markdown.extensions.codehilite",
        "markdown.extensions.tables",
        "markdown.extensions.fenced_code",
        "markdown.extensions.footnotes",
        "markdown.extensions.attr_list",
        "markdown.extensions.abbr",
        "markdown.extensions.def_list",
        "markdown.extensions.sane_lists",
        "markdown.extensions.smarty",
        "markdown.extensions.nl2br",
    }
)


def _receiver_names(signal) -> set[str]:
    names = set()
    for reference in signal.receivers.values():
        receiver = reference() if callable(reference) and not hasattr(reference, "__code__") else reference
        names.add(f"{getattr(receiver, '__module__', '?')}.{getattr(receiver, '__qualname__', '?')}")
    return names


def may_keep_as_read(settings: dict) -> bool:
    """Whether an article read now depends on its file's bytes and the settings alone, so that it
    may be kept as read: only hooks and Markdown extensions known to read nothing else, no
    preread or context hook (a kept article does not send them), none of Pelican's process-wide
    switches made while reading (a locale from a tuple DATE_FORMATS entry, typogrify)."""
    markdown = settings.get("MARKDOWN") or {}
    extensions = {*markdown.get("extension_configs", {}), *(str(name) for name in markdown.get("extensions", []))}
    formats = [settings.get("DEFAULT_DATE_FORMAT"), *(settings.get("DATE_FORMATS") or {}).values()]
    return (
        not signals.article_generator_preread.receivers
        and not signals.article_generator_context.receivers
        and _receiver_names(signals.content_object_init) <= FILE_LOCAL_HOOKS
        and extensions <= FILE_LOCAL_MARKDOWN
        and not any(isinstance(value, (tuple, list)) for value in formats)
        and not settings.get("TYPOGRIFY")
    )


def _pickled_or_none(generator, context: dict, originals: dict, copies: dict) -> bytes | None:
    try:
        return _pickled(generator, context, originals, copies)
    except Exception:  # noqa: BLE001 - a reading that cannot be pickled or replayed is simply not kept
        return None


def _abandon(pickling: ForkedWorker) -> None:
    """A build that ended without save() (refused, failed): its pickling child is stopped and reaped."""
    pickling.stop(signal.SIGKILL)
    pickling.result()


def _pickled(generator, context: dict, originals: dict, copies: dict) -> bytes:
    """The generator's reading: its own lists, the context values it set, and what it added to
    the context's dicts, sets and lists (Pelican adds each article to `generated_content`)."""
    if originals.keys() - context.keys():
        raise ValueError("the articles' reading removed a value from the context")
    state = {name: value for name, value in vars(generator).items() if not _is_tool(name)}
    added = {name: value for name, value in context.items() if name not in originals or value is not originals[name]}
    extended = {}
    for name, value in context.items():
        if name in originals and value is originals[name] and isinstance(value, (dict, set, list)):
            items = _added_items(copies[name], value)
            if items:
                extended[name] = items
    buffer = io.BytesIO()
    with collector_paused():  # the memo of every object pickled would start full collections
        _Pickler(buffer, generator.settings, context).dump((state, added, extended))
    return buffer.getvalue()


def edited_during_build(content_root: str, digested: dict[str, list], taken_ns: int) -> bool:
    """Whether a file the reading may have read (is_input) was written, added or removed
    after the build took its digests (`digested`, from `taken_ns`): the reading might then hold
    bytes its key does not name, so it is not kept. (A file system whose clock ticks in whole
    seconds could date a write just after `taken_ns` before it; such a file is digested afresh
    next build anyway, by digests.settled, so only a save undone within that second is missed.)"""
    names = set()
    for name, path in tree_files(content_root, follow_links=True):
        if not is_input(name):
            continue
        names.add(name)
        try:
            stat = os.stat(path)
        except OSError:
            return True
        if max(stat.st_mtime_ns, stat.st_ctime_ns) >= taken_ns:
            return True
    return names != {name for name in digested if is_input(name)}


def _read_from_bytes_alone(settings: dict) -> bool:
    """Whether Pelican reads articles from their bytes alone (and the build time, checked apart):
    WITH_FUTURE_DATES=False compares dates with the machine's clock, DEFAULT_DATE="fs" dates an
    undated article by its file's mtime, which the key (digests of bytes) does not hold."""
    return bool(settings.get("WITH_FUTURE_DATES", True)) and settings.get("DEFAULT_DATE") != "fs"


def _is_tool(name: str) -> bool:
    # Pelican's reader cache (`_cache`, `_cache_path`, a local function…) is a tool too.
    return name in TOOLS or name.startswith("_cache") or name.startswith("_filestamp")


def _split_holds(kept, now) -> bool:
    """Every article the reading shows is due at `now`, every one it withheld still waits."""
    state, added, _extended = kept
    shown = [*state.get("articles", []), *state.get("translations", []), *state.get("hidden_articles", [])]
    withheld = added.get("scheduled_articles", [])
    return all(scheduled_publishing.is_due(article, now) for article in shown) and not any(
        scheduled_publishing.is_due(article, now) for article in withheld
    )


def _shallow_copy(value):
    return value.copy() if isinstance(value, (dict, set, list)) else value


def _added_items(before, after):
    """What reading added to a dict, set or list of the context (`before`: a copy taken before it;
    Pelican adds each article to `generated_content`, its static links to `static_links`). Any
    other change to one (an entry replaced or removed) is refused: it could not be replayed."""
    if isinstance(after, dict):
        if not before.keys() <= after.keys() or any(after[key] is not value for key, value in before.items()):
            raise ValueError("the articles' reading changed an entry of the context it did not add")
        return {key: value for key, value in after.items() if key not in before}
    if isinstance(after, set):
        if not before <= after:
            raise ValueError("the articles' reading removed from a set in the context")
        return after - before
    if after[: len(before)] != before:
        raise ValueError("the articles' reading changed a list in the context")
    return after[len(before) :]


def _extend(value, items) -> None:
    if isinstance(value, dict):
        value.update(items)
    elif isinstance(value, set):
        value |= items
    else:
        value.extend(items)


class _Pickler(pickle.Pickler):
    """Pickles the reading without this build's settings and shared context, which every article
    and URL wrapper points to: they are this build's own when the reading is loaded."""

    def __init__(self, handle, settings: dict, context: dict):
        super().__init__(handle, protocol=pickle.HIGHEST_PROTOCOL)
        self.shared = {id(settings): "settings", id(context): "context"}

    def persistent_id(self, obj):
        return self.shared.get(id(obj))


class _Unpickler(pickle.Unpickler):
    def __init__(self, handle, settings: dict, context: dict):
        super().__init__(handle)
        self.shared = {"settings": settings, "context": context}

    def persistent_load(self, pid):
        return self.shared[pid]
