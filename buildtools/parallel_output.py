"""Pelican's run with the writing stage shared between worker processes.

Reading builds one shared state (every article, listing and model), so it stays in one process.
Writing is rendering thousands of independent pages from that state: after reading, the build
forks BUILD_WORKERS - 1 children, and every worker runs every generator's `generate_output`
with the incremental writer, which renders only the pages whose path falls in its share
(incremental_writer.share_of) and still does Pelican's bookkeeping for every path. The children
send back what they wrote (paths, render keys, counts) and the warnings they logged; the parent
merges them, then Pelican's `finalized` runs once, on the whole output.

Why this is safe for pages: a page's bytes depend only on the state after reading and on its own
variables, so which process renders it does not matter (tests compare a shared build with a
one-process build byte for byte). What is not a page is kept to one worker: generators that copy
files rather than write through the writer (static files, sources) run in worker 0 only, and
`{attach}` links, which move a static file the first time an article that uses them is rendered,
are resolved before forking, in Pelican's own order, so worker 0 copies the file to its new place.

A child that fails or dies makes the build fail with its message; the parent always waits for
every child, so no worker outlives the build.
"""

from __future__ import annotations

import functools
import logging
import os
import pickle
import posixpath
import traceback
from itertools import chain

from pelican import Pelican, signals
from pelican.generators import ArticlesGenerator, PagesGenerator, SourceFileGenerator, StaticGenerator

from buildtools.articles_reading import TEXT_ATTRIBUTES, TOOLS, may_keep_as_read, placing_hooks_known
from plugins.build_report.build_report import content_read
from plugins.incremental_writer.render_keys import AsPage, source_name
from plugins.portal_data.collector import frozen_for_workers
from plugins.portal_data.digests import digest_of
from plugins.portal_data.file_groups import file_group, generator_group
from plugins.portal_data.source_checks import finish_source_checks, start_source_checks
from plugins.portal_data.workers import ForkedWorker, build_workers, fork_worker

# Generators whose output is not pages through the writer: they run in worker 0 only.
COPYING_GENERATORS = (StaticGenerator, SourceFileGenerator)


class LinearArchivesGenerator(ArticlesGenerator):
    """Pelican's ArticlesGenerator, with the per-period article lists of the year and month
    archives made in one pass: Pelican filters every article against each period
    (`[a for a in articles if a in dates]`), quadratic, seconds of every build at ten years."""

    PERIOD_KEYS = {
        "year": lambda date: (date.year,),
        "month": lambda date: (date.year, date.month),
        "day": lambda date: (date.year, date.month, date.day),
    }

    # Pelican stamps every file (an md5 of its bytes, with CHECK_MODIFIED_METHOD = "md5") when it
    # looks a file up in the generator-level cache and again when it stores it, even when that
    # layer is off (CONTENT_CACHING_LAYER = "reader", the default) and the cache can only be
    # empty: twice ten thousand files' digests for nothing in every build that reads.
    def get_cached_data(self, filename, default=None):
        if not self._cache_data_policy and not self._cache:
            return default
        return super().get_cached_data(filename, default)

    def cache_data(self, filename, data):
        if self._cache_data_policy:
            super().cache_data(filename, data)

    def generate_pages(self, writer):
        self._writer = writer  # for the file groups of generate_articles, which Pelican hands only `write`
        try:
            super().generate_pages(writer)
        finally:
            self._writer = None

    def generate_articles(self, write):
        """Pelican's generate_articles (4.12), each folder's article pages (a month of news:
        `news/2020/07/<slug>/index.html`) written as one file group (plugins/portal_data/file_groups.py),
        kept whole while no article in it and nothing its template reads of the context changed:
        at ten years that spares most of ten thousand pages' keys and Pelican's writing of them.
        A folder is the one two levels above each page, so every page of its group lies in it.
        Pelican's `article_generator_write_article` is not sent for a kept page; no plugin here
        receives it."""
        writer = getattr(self, "_writer", None)
        if getattr(writer, "begin_group", None) is None:
            # No groups: Pelican's own order, in which the first page to link a file `{attach}`
            # decides where it goes (the build runner resolves those links before writing).
            super().generate_articles(write)
            return
        by_folder: dict[str, list] = {}
        for article in chain(self.translations, self.articles, self.hidden_translations, self.hidden_articles):
            save_as = getattr(article, PINNED_SAVE_AS, None) or article.save_as
            folder = posixpath.dirname(posixpath.dirname(posixpath.normpath(save_as))) if save_as else ""
            by_folder.setdefault(folder, []).append((article, save_as))
        for folder, articles in by_folder.items():
            with file_group(writer, self, folder, [AsPage(article) for article, _ in articles]) as kept:
                if kept:
                    continue
                for article, save_as in articles:
                    signals.article_generator_write_article.send(self, content=article)
                    write(
                        save_as,
                        self.get_template(article.template),
                        self.context,
                        article=article,
                        category=getattr(article, "category", None),
                        override_output=hasattr(article, "override_save_as"),
                        url=article.url,
                        blog=True,
                    )

    def _build_period_archives(self, sorted_articles, articles, settings):
        # Pelican's own method makes every archive (URLs, names, dates); with no articles to
        # filter, its quadratic step costs nothing. The lists it would have made are filled here:
        # the articles of the period, in the order of `articles`, as Pelican's filter keeps them.
        archives = super()._build_period_archives(sorted_articles, [], settings)
        for granularity, period_archives in archives.items():
            key = self.PERIOD_KEYS[granularity]
            by_period: dict[tuple, list] = {}
            for article in articles:
                by_period.setdefault(key(article.date), []).append(article)
            for archive in period_archives:
                archive["articles"] = by_period.get(tuple(archive["period_num"]), [])
        return archives


class SharedOutputPelican(Pelican):
    """Pelican.run of Pelican 4.12, step for step, except the loop over generate_output.

    `phase_clock` (plugins/build_report) and `output_record` (plugins/incremental_writer) are the
    build runner's live objects for this run; plugins find them on this object, not in settings.
    `articles_reading` (buildtools/articles_reading.py), when given, reads the articles or reuses
    the last build's reading of them."""

    def __init__(self, settings, phase_clock=None, output_record=None, articles_reading=None):
        self.phase_clock, self.output_record = phase_clock, output_record  # before Pelican signals `initialized`
        self.articles_reading = articles_reading
        # Each article (kept alive, so its id stays its own) with its attributes as the articles
        # generator left them, by id, for what other plugins attach after reading (generator_inputs).
        self.as_read_attributes: dict[int, tuple] = {}
        super().__init__(settings)

    def _get_writer(self):
        writer = super()._get_writer()
        if self.output_record is not None and hasattr(writer, "use_record"):
            writer.use_record(self.output_record)
        return writer

    def _get_generator_classes(self):
        return [
            LinearArchivesGenerator if cls is ArticlesGenerator else cls for cls in super()._get_generator_classes()
        ]

    def read_content(self, clean_output: bool = False) -> tuple[list, dict]:
        """Pelican's reading, step for step: every generator's generate_context, then
        all_generators_finalized, where the plugins raise every problem they collected. Returns
        (generators, their shared context). Writes nothing unless `clean_output` (the build's
        DELETE_OUTPUT_DIRECTORY), so `invoke check` calls it alone to refuse what a build refuses."""
        context = self.settings.copy()
        context["generated_content"] = {}
        context["static_links"] = set()
        context["static_content"] = {}
        context["localsiteurl"] = self.settings["SITEURL"]
        generators = [
            cls(context=context, settings=self.settings, path=self.path, theme=self.theme, output_path=self.output_path)
            for cls in self._get_generator_classes()
        ]
        if (
            clean_output
            and self.delete_outputdir
            and os.path.commonpath([os.path.realpath(self.output_path)])
            != os.path.commonpath([os.path.realpath(self.output_path), os.path.realpath(self.path)])
        ):
            from pelican.utils import clean_output_dir

            clean_output_dir(self.output_path, self.output_retention)
        # The checks of the source files, which need nothing Pelican reads, run in a worker
        # meanwhile; each plugin takes its result at page_generator_finalized.
        start_source_checks(self.settings, context)
        try:
            for generator in generators:
                if isinstance(generator, ArticlesGenerator) and self.articles_reading is not None:
                    self.articles_reading.generate_context(
                        generator, before_keeping=lambda read: pin_content_urls([read])
                    )
                elif hasattr(generator, "generate_context"):
                    generator.generate_context()
                if isinstance(generator, ArticlesGenerator):
                    pin_content_urls([generator])  # sections, editions and feeds read each url again
                    if self.articles_reading is not None:
                        self.as_read_attributes = {id(c): (c, dict(vars(c))) for c in written_contents([generator])}
                if hasattr(generator, "check_disabled_readers") and has_disabled_readers(generator):
                    generator.check_disabled_readers()
        finally:
            finish_source_checks(context)
        signals.all_generators_finalized.send(generators)
        if self.articles_reading is not None:
            self.articles_reading.collect()
        return generators, context

    def run(self):
        generators, context = self.read_content(clean_output=True)
        if self.phase_clock is not None:
            content_read(self.phase_clock, context)
        for generator in generators:
            if hasattr(generator, "refresh_metadata_intersite_links"):
                generator.refresh_metadata_intersite_links()
        pin_content_urls(generators)
        index_listings(generators)
        writer = self._get_writer()
        workers = build_workers(self.settings)
        record = getattr(writer, "record", None)
        if record is not None:  # in place: the writer's digests hold this very dict
            record.read_from.clear()
            record.read_from.update(read_from_identities(generators, self.articles_reading, self.as_read_attributes))
        groups = generator_inputs(generators, self.articles_reading, self.as_read_attributes, context)
        if workers > 1 and record is not None:
            write_shared(generators, writer, workers, context, groups)
        else:
            if record is not None:  # articles are written by folder (file groups): Pelican's order first
                resolve_attached_files(generators, context)
            for generator in generators:
                if hasattr(generator, "generate_output"):
                    write_output(generator, writer, groups)
        signals.finalized.send(self)


def has_disabled_readers(generator) -> bool:
    """Whether Pelican's check_disabled_readers can find anything: it walks the generator's whole
    folder for files whose reader is disabled (a missing library), and with none disabled no file
    can match (0.2 s of every build's reading at ten years, for nothing)."""
    readers = getattr(generator, "readers", None)
    return readers is None or bool(readers.disabled_extensions)


def write_output(generator, writer, groups: dict) -> None:
    """generator.generate_output, as one generator group when `groups` holds its inputs."""
    inputs = groups.get(id(generator))
    if inputs is None:
        generator.generate_output(writer)
        return
    with generator_group(writer, generator, *inputs) as kept:
        if not kept:
            generator.generate_output(writer)


def read_from_identities(generators: list, reading, as_read: dict[int, tuple]) -> dict[int, str]:
    """The articles a render key may name by the file they were read from (id -> digest of its
    name and bytes, plugins/incremental_writer/render_keys.ValueDigests.read_from), rather than
    by resolving and digesting their text: those whose text and summary are still the very
    objects they were as read (`as_read`, taken when the articles generator finished), when an
    article read now depends on its file's bytes and the settings alone (may_keep_as_read). A
    plugin that rewrote either after reading (links refreshed in a summary) leaves it digested
    by its text. Empty without a kept reading: its digests are what name the bytes."""
    if reading is None or not as_read or not reading.digests or not generators:
        return {}
    if not may_keep_as_read(generators[0].settings) or not placing_hooks_known():
        # A hook after reading (pretaxonomy, finalized) runs before `as_read` is taken: only
        # those known to place articles by their metadata, never to write into a text, are trusted.
        return {}
    found = {}
    for content in written_contents(generators):
        entry = as_read.get(id(content))
        if entry is None or entry[0] is not content:
            continue
        before = entry[1]
        if any(before.get(name, _ABSENT) is not vars(content).get(name, _ABSENT) for name in TEXT_ATTRIBUTES):
            continue
        name = source_name(getattr(content, "relative_source_path", None))
        digest = reading.digests.get(name)
        if digest is not None:
            found[id(content)] = digest_of("read-from", name, digest)
    return found


def generator_inputs(generators: list, reading, as_read: dict[int, tuple], context: dict) -> dict[int, tuple]:
    """The generator groups (plugins/portal_data/file_groups.generator_group), by the
    generator's id: (name, inputs, covered, provided, splice), when the kept reading's key decides
    what the generator read (buildtools/articles_reading.py). `splice`, when articles whose text
    alone changed were spliced into the kept reading: the inputs with that reading's key instead,
    and the names of those articles (the writer then keeps each page that did not show them).

    Its pages show the articles and pages as read (decided by the files' bytes: the reading's key),
    the names of the other content files (a link to a CSV resolves by its name), which article is
    in which of its lists (the build time's split, the order of listings), and what plugins
    attached to each article after it was read (sections, editions, links refreshed), found by
    comparing its attributes with `as_read` (the same objects, or new values put in their place).
    The rest is the shared context, which the group's key reads as a file group's does. At ten
    years this spares a ledger's rebuild the keys of 13,000 pages in every worker.

    Any other generator joins with a method `group_state()` returning all its pages show beyond the
    context and the settings, made while reading from the articles alone (the editions generator's
    3,000 editions): its inputs are that state, the reading's key and the CSV names."""
    if reading is None or not as_read:
        return {}

    def splice(rest: list) -> tuple | None:
        return ([reading.spliced_from, *rest], reading.spliced) if reading.spliced else None

    groups = {}
    covered = frozenset(id(content) for content in written_contents(generators))
    for generator in generators:
        group_state = getattr(generator, "group_state", None)
        if not reading.decides_articles(generator.settings) or not (
            callable(group_state) or isinstance(generator, LinearArchivesGenerator)
        ):
            continue
        own = {  # its own lists, not the settings or context it was given
            id(value)
            for name, value in vars(generator).items()
            if isinstance(value, (list, dict, set)) and name not in TOOLS
        }
        provided = frozenset(name for name, value in context.items() if id(value) in own)
        if callable(group_state):
            rest = [reading.other_files, group_state()]
            groups[id(generator)] = (type(generator).__name__, [reading.key, *rest], covered, provided, splice(rest))
            continue
        lists = [
            [name, [getattr(content, "relative_source_path", None) for content in getattr(generator, name, ())]]
            for name in (*dict(WRITTEN_LISTS)[ArticlesGenerator], "dates")
        ]
        attached = []
        for content in written_contents([generator]):
            before = as_read.get(id(content), (None, {}))[1]
            # Its text and metadata too: the covered digest names an article, it does not read them.
            # (A value changed in place, not put in place of another, is not seen: a plugin that
            # does that after reading must be listed here; the audit's builds would name its pages.)
            now = vars(content)
            attached.append(
                {
                    **{name: value for name, value in now.items() if before.get(name, _ABSENT) is not value},
                    **{name: "<removed>" for name in before.keys() - now.keys()},
                }
            )
        rest = [reading.other_files, lists, attached]
        groups[id(generator)] = (type(generator).__name__, [reading.key, *rest], covered, provided, splice(rest))
    return groups


_ABSENT = object()


def write_shared(generators: list, writer, workers: int, context: dict, groups: dict | None = None) -> None:
    """Every generator's output, rendered by `workers` processes (this one is worker 0); `groups`:
    generator_inputs."""
    resolve_attached_files(generators, context)
    children: list[tuple[int, ForkedWorker]] = []  # (share, worker) not yet collected
    results = []
    with frozen_for_workers():
        try:
            for share in range(1, workers):
                job = functools.partial(_worker_share, generators, writer, share, workers, groups)
                children.append((share, fork_worker(job)))
            try:
                write_share(generators, writer, 0, workers, groups)
            except BaseException:
                for _, child in children:
                    child.stop()  # their pages are no use now; collected below
                raise
            while children:
                share, child = children.pop(0)
                results.append(_result(share, child))
        finally:
            for share, child in children:  # a failure above: stop, drain and reap every child left
                child.stop()
                child.result()
    for result in results:
        for name, level, message in result.get("logs", []):
            logging.getLogger(name).log(level, "%s", message)
    for result in results:
        if "error" in result:
            raise result["error"]
    for result in results:
        writer.record.merge(result["record"])


def write_share(generators: list, writer, share: int, workers: int, groups: dict | None = None) -> None:
    for generator in generators:
        if not hasattr(generator, "generate_output"):
            continue
        if isinstance(generator, COPYING_GENERATORS):
            if share != 0:
                continue
            writer.record.share, writer.record.workers = 0, 1  # all of it, here
        else:
            writer.record.share, writer.record.workers = share, workers
        write_output(generator, writer, groups or {})
    writer.record.share, writer.record.workers = 0, 1


def pin_content_urls(generators: list) -> None:
    """Pelican works out an article's `url` from settings on every read (a format string over a
    copy of its metadata), and templates read it many times per page: at ten years' scale that was
    a tenth of writing. Once its generator has read it, what it is made of (slug, date, category,
    status) is final, so each is pinned as Pelican's own `override_url`, which `url` returns as it
    is: the articles' right after the articles generator (the plugins that list them, sections and
    editions, read each url again), every other content's after reading.

    `save_as` cannot be pinned as `override_save_as`, which Pelican takes to mean the page may
    overwrite another's file: it is kept as `pinned_save_as`, which only the articles' writing
    reads (LinearArchivesGenerator.generate_articles, 0.45 s of every worker at ten years). Pinned
    before the reading is kept (buildtools/articles_reading.py), it comes back with it."""
    for content in written_contents(generators):
        if not hasattr(content, "override_url"):
            content.override_url = content.url
        if not hasattr(content, PINNED_SAVE_AS):
            setattr(content, PINNED_SAVE_AS, content.save_as)


PINNED_SAVE_AS = "pinned_save_as"


class IndexedList(list):
    """A list whose `in` is a set lookup by identity (what `in` means for articles, which define
    no equality). Pelican builds each tag, author and category page from
    `[article for article in self.dates if article in articles]`: with plain lists that is
    quadratic, seconds per worker at ten years' scale. Nothing changes these lists after reading."""

    def __init__(self, items):
        super().__init__(items)
        self._identities = frozenset(map(id, self))

    def __contains__(self, item):
        return id(item) in self._identities


def index_listings(generators: list) -> None:
    """The article lists of every tag, author and category, in place, as IndexedList."""
    for generator in generators:
        if not isinstance(generator, ArticlesGenerator):
            continue
        for tag, articles in generator.tags.items():
            generator.tags[tag] = IndexedList(articles)
        for listing in (generator.authors, generator.categories):  # (name, articles) pairs, shared with the context
            listing[:] = [(name, IndexedList(articles)) for name, articles in listing]


# The lists each generator writes from, in the order its generate_output writes them (Pelican names
# the articles' draft translations `drafts_translations` and the pages' `draft_translations`).
WRITTEN_LISTS = (
    (
        ArticlesGenerator,
        ("translations", "articles", "hidden_translations", "hidden_articles", "drafts_translations", "drafts"),
    ),
    (
        PagesGenerator,
        ("translations", "pages", "hidden_translations", "hidden_pages", "draft_translations", "draft_pages"),
    ),
)


def written_contents(generators: list) -> list:
    """Every article and page the writers will render, in the order Pelican writes them."""
    contents = []
    for generator in generators:
        for kind, lists in WRITTEN_LISTS:
            if isinstance(generator, kind):
                contents += chain.from_iterable(getattr(generator, name) for name in lists)
    return contents


def resolve_attached_files(generators: list, context: dict) -> None:
    """Render the links of every article and page once, in the order Pelican writes them, when any
    uses `{attach}`: the first render moves the attached file next to the article (Pelican keeps
    that on the static file's object), and only this process's objects reach the static copy."""
    contents = written_contents(generators)
    if any("attach}" in (content._content or "") or "|attach|" in (content._content or "") for content in contents):
        for content in contents:
            content.get_content(context.get("localsiteurl", ""))


class _LogCapture(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.WARNING)
        self.records: list[tuple[str, int, str]] = []

    def emit(self, record):
        self.records.append((record.name, record.levelno, record.getMessage()))


def _worker_share(generators, writer, share: int, workers: int, groups=None) -> dict:  # pragma: no cover
    """A worker process: write its share; return what it wrote and what it logged, or its error."""
    root = logging.getLogger()
    capture = _LogCapture()
    try:
        for handler in list(root.handlers):
            root.removeHandler(handler)  # the parent logs what the child found, once
        root.addHandler(capture)
        write_share(generators, writer, share, workers, groups)
        return {"record": writer.record.share_result(), "logs": capture.records}
    except BaseException as exc:  # noqa: BLE001 - reported to the parent, which fails the build
        return {"error": _picklable(exc), "logs": capture.records}


def _picklable(exc: BaseException) -> BaseException:
    try:
        pickle.loads(pickle.dumps(exc))
        return exc
    except Exception:  # noqa: BLE001 - any exception must reach the parent as text at least
        logging.getLogger(__name__).debug("".join(traceback.format_exception(exc)))
        return RuntimeError(f"输出进程出错：{type(exc).__name__}: {exc}")


def _result(share: int, child: ForkedWorker) -> dict:
    result, how = child.result()
    if result is None:
        return {"error": RuntimeError(f"输出进程 {share} 未交回结果（{how}）：它负责的页面没有写完，本次构建作废。")}
    return result
