"""A Pelican Writer that neither renders nor rewrites a page whose inputs did not change.

Before rendering, the page's render key (render_keys.py: a digest of every value its template
can read) is compared with the key the last clean build recorded for the same file; when they
match and the file is still there, the page is not rendered at all. A page that is rendered is
not rewritten when its bytes are the same: it keeps its mtime, so precompression, the sync into
the output or release and rsync to the web server all skip it. A changed page is written to a
temporary file and renamed over the old one, so no reader or hard link ever sees half a page.
Pelican's own overwrite protection (two pages claiming one path) is kept as it is.

Keys are only used when the build runner hands over the last clean build's keys in the
OutputRecord (`use_record`, from its Pelican object); a plain `pelican` run renders every page.

The build runner may share the output among worker processes (buildtools/parallel_output.py):
each runs every generator with this writer, which renders only the pages of its share and does
Pelican's bookkeeping for all (so two pages claiming one path are refused in every worker).
"""

from __future__ import annotations

import io
import os
import zlib

from pelican import signals
from pelican.utils import get_relative_path, path_to_url, sanitised_join
from pelican.writers import FileOverwriteFailedError, Writer

from plugins.portal_data.atomic import write_atomically
from plugins.portal_data.digests import digest_of
from plugins.portal_data.downloads import has_bytes, write_download

from .render_keys import CoveredDigests, TemplateVariables, Unkeyable, ValueDigests


class _NotRendered(str):
    """What a keyed template returns instead of a page whose render key matched: keep the file."""


NOT_RENDERED = _NotRendered("")
NOT_MINE = _NotRendered("")  # another worker's page (parallel output): _open_w discards it untallied


SHARE_BY_FOLDER_DEPTH = 3
PAGE, FILE = "page", "file"  # what a group's file is: a page through Pelican's writer, or a derived file
# What each page of a group reads of its own name, not of the shared context (Pelican sets them per
# page in write_file): a group's key takes its pages' names from the group's inputs instead.
PAGE_OWN_NAMES = frozenset({"localsiteurl", "SITEURL", "output_file"})


def share_of(relative: str, workers: int) -> int:
    """Which worker renders the file at output-relative `relative`: fixed by its path alone, so every
    worker agrees without talking to the others, whatever order they meet the pages in. Files in
    one folder three levels down go to one worker (a village's months and downloads, one month of
    news): the models they share, such as a village's ledgers, are then digested by one worker."""
    normalised = os.path.normpath(relative).replace(os.sep, "/")
    group = "/".join(normalised.split("/")[:SHARE_BY_FOLDER_DEPTH])
    return zlib.crc32(group.encode("utf-8", "surrogatepass")) % workers


class _ReplaceIfChanged(io.StringIO):
    """Collects what Pelican writes; on close, replaces the file only when the bytes differ."""

    def __init__(self, path: str, encoding: str, record: OutputRecord):
        super().__init__()
        self.path, self.text_encoding, self.record = path, encoding, record
        self.not_rendered = False

    def write(self, text):
        if isinstance(text, _NotRendered):
            self.not_rendered = True
            return 0
        return super().write(text)

    def close(self):
        if not self.closed:
            if self.not_rendered:
                self.record.tally["not_rendered"] += 1
            else:
                data = self.getvalue().encode(self.text_encoding)
                if has_bytes(self.path, data):
                    self.record.tally["kept"] += 1
                else:
                    write_atomically(self.path, data)
                    self.record.tally["written"] += 1
                    self.record.written.add(self.path)
        super().close()


class _Discarded(io.StringIO):
    """What Pelican writes for another worker's file (a feed is built before it is opened)."""


class OutputRecord:
    """What one build's writer produced: every path it was asked to write (`paths`), those whose
    file it wrote (`written`), and how many it kept.

    The build runner hands one to the writer (UnchangedFilesWriter.use_record); files in the
    output that no step of this build wrote or kept are then known to be stale, and only the
    written ones (with the files other steps wrote) are compressed and synced again.
    """

    def __init__(
        self,
        previous_keys: dict[str, list] | None = None,
        audit: bool = False,
        previous_groups: dict[str, list] | None = None,
    ):
        self.paths: set[str] = set()
        self.written: set[str] = set()
        self.tally = {
            "written": 0,
            "kept": 0,
            "not_rendered": 0,
            "groups_kept": 0,
            "generators_kept": 0,
            "generators_kept_in_part": 0,  # after a correction: all but the pages showing it
        }
        self.previous_keys = previous_keys  # output-relative path -> [key, size, mtime_ns]; None: render all
        self.render_keys: dict[str, str] = {}  # this build's keys, saved by the runner after a clean build
        self.audit = audit  # render anyway and list pages whose key matched but bytes differ
        self.key_misses: list[str] = []
        # File groups (begin_group): folder -> [group key, templates, [[file, PAGE or FILE, its key]…],
        # localsiteurl after its last page] of the last clean build, and this build's, saved
        # beside the render keys.
        self.previous_groups = previous_groups or {}
        self.groups: dict[str, list] = {}
        self.share, self.workers = 0, 1  # parallel output: this process renders share_of(path) == share
        # Articles by what they were read from (render_keys.ValueDigests.read_from), filled in place
        # by the build runner before writing; empty: every article is digested by its text.
        self.read_from: dict[int, str] = {}

    def mine(self, relative: str) -> bool:
        return self.workers == 1 or share_of(relative, self.workers) == self.share

    def share_result(self) -> dict:
        """What one worker produced, for the process that merges the shares (picklable)."""
        return {
            "paths": self.paths,
            "written": self.written,
            "tally": self.tally,
            "render_keys": self.render_keys,
            "key_misses": self.key_misses,
            "groups": self.groups,
        }

    def merge(self, result: dict) -> None:
        self.paths |= result["paths"]
        self.written |= result["written"]
        for name, count in result["tally"].items():
            self.tally[name] = self.tally.get(name, 0) + count
        self.render_keys.update(result["render_keys"])
        self.groups.update(result["groups"])
        self.key_misses = sorted(set(self.key_misses) | set(result["key_misses"]))


def _unchanged_since(previous: list | None, key: str, path: str) -> bool:
    """The last clean build wrote (or kept) this file for the same key, and nothing wrote into it
    since: same size and mtime as it recorded (an edit in place, even through a hard link from the
    output, changes the mtime and makes the page render again)."""
    if not previous or previous[0] != key:
        return False
    try:
        stat = os.stat(path)
    except FileNotFoundError:
        return False
    return [stat.st_size, stat.st_mtime_ns] == previous[1:3]


class _KeyedTemplate:
    """Stands in for a Jinja template in Writer.write_file: renders only when the page's key changed."""

    def __init__(self, template, writer: UnchangedFilesWriter):
        self.template, self.writer = template, writer

    def __getattr__(self, name):
        return getattr(self.template, name)

    def render(self, variables):
        record, relative = self.writer.record, variables.get("output_file")
        if relative and not record.mine(self.writer.output_relative(relative)):
            return NOT_MINE
        if record.previous_keys is None:  # sharing the output without render keys (a plain run)
            return self.template.render(variables)
        generator_run = self.writer.generator_run
        for run in (self.writer.group_run, generator_run):
            if run is not None:
                run.templates.add(self.template.name)
        if relative and generator_run is not None and generator_run.keeping:
            kept = generator_run.keep_page(relative)
            if kept is not None:  # it did not reach a corrected article (begin_generator_group)
                record.render_keys[relative] = kept
                return NOT_RENDERED
        key = self.writer.page_key(self.template, variables) if relative else None
        if relative and generator_run is not None:
            generator_run.reached(relative, self.writer._digests.reach() if key is not None else None)
        if key is None:
            return self.template.render(variables)
        record.render_keys[relative] = key
        path = os.path.join(self.writer.output_path, relative)
        if not _unchanged_since(record.previous_keys.get(relative), key, path):
            return self.template.render(variables)
        if not record.audit:
            return NOT_RENDERED
        page = self.template.render(variables)
        if not has_bytes(path, page.encode("utf-8")):
            record.key_misses.append(relative)
        return page


class _GroupRun:
    """A file group being written: which templates its pages used and which files it made."""

    def __init__(self, folder: str, inputs_digest: str, generator, localsiteurl, previous: list | None):
        self.folder, self.inputs_digest, self.generator = folder, inputs_digest, generator
        self.localsiteurl, self.previous = localsiteurl, previous  # at the start; the last build's record
        self.templates: set[str] = set()
        self.files: dict[str, str] = {}  # output-relative path -> PAGE or FILE
        self.recordable = True

    def add(self, relative: str, kind: str, override: bool = False) -> None:
        relative = os.path.normpath(relative).replace(os.sep, "/")
        # Outside its folder a file may belong to another worker's share; a page that may
        # overwrite another's is Pelican's special case: neither is worth keeping a group for.
        if override or not relative.startswith(f"{self.folder}/"):
            self.recordable = False
        self.files[relative] = kind


class _GeneratorRun(_GroupRun):
    """A generator's files in this worker's share being written (begin_generator_group); `folder`
    is the name its record is saved under, its files lie anywhere.

    `reach`: each file's articles and pages (source names) its key digested, None where unknown
    (no key of its own); saved with the group, so that after a correction the files that did not
    reach the corrected article are kept (`keeping`: output-relative path -> (its key, its reach))."""

    def __init__(self, name, inputs_digest, generator, localsiteurl, previous, digests, provided, keeping=None):
        super().__init__(name, inputs_digest, generator, localsiteurl, previous)
        self.digests, self.provided = digests, provided
        self.reach: dict[str, frozenset[str] | None] = {}
        self.keeping: dict[str, tuple[str, frozenset[str]]] = keeping or {}
        if self.keeping:
            # The pages kept unrendered used the last build's templates: the key reads what they read.
            self.templates.update(previous[1])

    def add(self, relative: str, kind: str, override: bool = False) -> None:
        if override:  # Pelican's special case, as for a file group
            self.recordable = False
        self.files[_normalised(relative)] = kind

    def reached(self, relative: str, names: frozenset[str] | None) -> None:
        self.reach[_normalised(relative)] = names

    def keep_page(self, relative: str) -> str | None:
        """The last build's key of a file kept after a correction (its reach carried over), else None."""
        relative = _normalised(relative)
        kept = self.keeping.get(relative)
        if kept is None:
            return None
        self.reach[relative] = kept[1]
        return kept[0]

    def reach_record(self, files: list) -> dict:
        """The reach of `files` (the group's [path, kind, key] entries) as saved with the group:
        the source names once, and per file the positions of those it reached (None: unknown,
        and a file with no key of its own always counts as reaching every article)."""
        positions: dict[str, int] = {}
        rows = []
        for relative, _kind, own in files:
            names = self.reach.get(relative)
            if names is None or own.startswith(IN_GENERATOR_GROUP):
                rows.append(None)
                continue
            rows.append(sorted(positions.setdefault(name, len(positions)) for name in sorted(names)))
        return {"names": list(positions), "reach": rows}


def _generator_inputs_digest(name: str, inputs, digests, item_digests: dict[int, str]) -> str:
    """A generator group's inputs digest; `item_digests` is shared with the inputs before a
    splice, which hold the same objects but the reading's key (ValueDigests.digest_sharing)."""
    return digest_of("generator-group", name, digests.digest_sharing(inputs, item_digests))


def _normalised(relative: str) -> str:
    return os.path.normpath(relative).replace(os.sep, "/")


# How a generator group's record is named among the file groups (a folder never starts with it).
GENERATOR_GROUP = "@"
# The key a generator group records for its files that have no render key of their own (its feeds,
# written by Pelican's write_feed): the group's key, which holds every input of the generator.
IN_GENERATOR_GROUP = "in-generator-group:"


class UnchangedFilesWriter(Writer):
    """Pelican's Writer; only the final step, opening the file, is different."""

    def __init__(self, output_path, settings=None):
        super().__init__(output_path, settings=settings)
        self.use_record(OutputRecord())
        self._digests = ValueDigests(self.record.read_from)
        self._template_variables: dict[int, TemplateVariables] = {}  # per Jinja environment (one per generator)
        self._parsed_templates: dict = {}  # shared by them: each template's source parsed once
        self.group_run: _GroupRun | None = None  # the file group being written (begin_group)
        self.generator_run: _GeneratorRun | None = None  # the generator group being written
        self._covered: CoveredDigests | None = None  # digests for generator groups' keys

    def use_record(self, record: OutputRecord) -> None:
        self.record, self.tally = record, record.tally
        if hasattr(self, "_digests"):  # not yet while __init__ runs
            self._digests.read_from = record.read_from
            self._covered = None  # made again with this record's read_from when next needed

    def _reads(self, environment) -> TemplateVariables:
        reads = self._template_variables.get(id(environment))
        if reads is None or reads.environment is not environment:
            reads = self._template_variables[id(environment)] = TemplateVariables(environment, self._parsed_templates)
        return reads

    def page_key(self, template, variables: dict) -> str | None:
        names = self._reads(template.environment).of(template.name)
        if names is None:
            return None
        try:
            return self._digests.page_key(template.name, variables, names)
        except Unkeyable:
            return None

    def begin_group(self, generator, folder: str, inputs) -> bool:
        """Start a file group: every page and derived file `generator` writes under `folder` until
        end_group, made from `inputs` (every value those files show that is not in the shared
        context, in which the group's templates read their names) and the settings.

        True: the group's key is the last clean build's and each of its files is still as that
        build left it, so they are all kept without a call to the writer (the caller writes nothing
        and calls no end_group). That spares the key of every page and file in the group: at ten
        years, a village's 36 months of pages and downloads, 110 keys, are one.

        A group is only kept or recorded where render keys are used and its files all fall in
        one worker's share (a folder SHARE_BY_FOLDER_DEPTH levels down, or deeper). An audit
        keeps none: it renders every page and reports each file whose own key changed while
        its group's key did not (an input the caller left out of `inputs`). For a kept file
        Pelican sends no `content_written` (nor `article_generator_write_article` for a kept
        article): no plugin here receives them."""
        if self.group_run is not None:
            raise RuntimeError(f"文件组不能嵌套：{self.group_run.folder} 里又开始 {folder}")
        folder = os.path.normpath(folder).replace(os.sep, "/")
        record = self.record
        if record.previous_keys is None or len(folder.split("/")) < SHARE_BY_FOLDER_DEPTH:
            return False
        previous = record.previous_groups.get(folder)
        if not record.mine(folder):
            # Another worker's group. Its files, and Pelican's record of them (a second write to one
            # path is refused), are that worker's whenever they all lie in the folder, as the last
            # build's record of the group proves for these settings (URL patterns are settings).
            # What writing them here would leave is the context's `localsiteurl`, as its last page set it.
            if previous is None or record.audit:
                return False
            if previous[3]:
                generator.context["localsiteurl"] = previous[3]
            return True
        run = self.generator_run
        if (
            previous is not None
            and run is not None
            and run.keeping
            and all(entry[0] in run.keeping for entry in previous[2])
            and self._keep_group(folder, previous, generator, reach=None)
        ):
            return True  # none of its files reached the corrected articles (begin_generator_group)
        self._digests.start_reach()
        try:
            inputs_digest = digest_of("group", folder, self._digests.digest(inputs))
        except Unkeyable:
            return False
        localsiteurl = generator.context.get("localsiteurl")
        if previous is not None and not record.audit:
            key = self._group_key(inputs_digest, previous[1], generator, localsiteurl)
            # What the group's key reached stands for each of its files in a generator group's record.
            reach = self._digests.reach()
            if key is not None and key == previous[0] and self._keep_group(folder, previous, generator, reach):
                return True
        self.group_run = _GroupRun(folder, inputs_digest, generator, localsiteurl, previous)
        return False

    def end_group(self, completed: bool = True) -> None:
        """The group's files are written: record its key for the next build (not when writing
        it failed, or when one of its files had no key or fell outside its folder)."""
        run, self.group_run = self.group_run, None
        if run is None or not completed or not run.recordable:
            return
        templates = sorted(run.templates)
        key = self._group_key(run.inputs_digest, templates, run.generator, run.localsiteurl)
        if key is None or any(relative not in self.record.render_keys for relative in run.files):
            return
        # Each file with its own key: a later page of the same build may overwrite one (Pelican's
        # override_output), and the last build's record of that path is then the other page's key.
        files = [[relative, kind, self.record.render_keys[relative]] for relative, kind in sorted(run.files.items())]
        self.record.groups[run.folder] = [key, templates, files, run.generator.context.get("localsiteurl")]
        self._audit_group(run, key, files, "文件组")

    def begin_generator_group(
        self, generator, name: str, inputs, covered: frozenset[int], provided, splice=None
    ) -> bool:
        """Start a generator group: every file `generator` writes in this worker's share until
        end_generator_group (its whole generate_output), made from `inputs` and the settings.
        `inputs` must hold every value those files show that is not in the shared context:
        for the articles generator, the key of the files its articles were read from and what
        other plugins attached to them after reading (buildtools/parallel_output.generator_inputs).
        `covered`: the ids of the articles and pages those files decide, digested by name alone
        (render_keys.CoveredDigests); `provided`: the context's names whose values are the
        generator's own lists, which the inputs hold, so no template's reading of them is digested.
        `splice`, after articles whose text alone changed were read into the kept reading:
        (the inputs as they were before, the source names of those articles).

        True: the key is the last clean build's and every file of the share is as that build left
        it, so they are all kept, with the file groups written inside it (a month of news) and
        what writing them leaves behind (file_groups' rules). Each worker keeps its own share's;
        an audit keeps none and reports each file whose own key changed while the group's did not.

        After a splice, when the key made with the inputs as they were before is the last build's,
        the only change is the corrected articles' text: each file whose key did not reach one of
        them (the group's record says which articles each file's key digested) and is as that build
        left it is kept unrendered (`_GeneratorRun.keeping`); the others are keyed and rendered.

        A kept generator sends none of the signals its writing would (`content_written`,
        `article_generator_write_article`, `feed_written`, `article_writer_finalized`): no
        plugin here receives them."""
        if self.group_run is not None or self.generator_run is not None:
            raise RuntimeError(f"生成器组不能套在别的组里：{name}")
        record = self.record
        if record.previous_keys is None:
            return False
        name = f"{GENERATOR_GROUP}{name}/{record.share}-of-{record.workers}"
        if self._covered is None or self._covered.covered is not covered:
            self._covered = CoveredDigests(covered, self.record.read_from)
        digests = self._covered
        item_digests: dict[int, str] = {}  # the inputs before a splice share all but one item
        try:
            inputs_digest = _generator_inputs_digest(name, inputs, digests, item_digests)
        except Unkeyable:
            return False
        localsiteurl = generator.context.get("localsiteurl")
        previous = record.previous_groups.get(name)
        keeping = {}
        if previous is not None and not record.audit:
            key = self._group_key(inputs_digest, previous[1], generator, localsiteurl, digests, provided)
            if key is not None and key == previous[0] and self._keep_generator(name, previous, generator):
                return True
            if splice is not None:
                keeping = self._keeping_after_splice(
                    name, previous, splice, generator, localsiteurl, digests, provided, item_digests
                )
                self.tally["generators_kept_in_part"] += bool(keeping)
        self.generator_run = _GeneratorRun(
            name, inputs_digest, generator, localsiteurl, previous, digests, provided, keeping
        )
        return False

    def _keeping_after_splice(
        self, name, previous, splice, generator, localsiteurl, digests, provided, item_digests
    ) -> dict:
        """The files of a generator group to keep after a splice (begin_generator_group): path ->
        (its key, its reach); empty when the group changed in anything but the corrected text."""
        before, spliced = splice
        if len(previous) < 5:
            return {}
        try:
            inputs_digest = _generator_inputs_digest(name, before, digests, item_digests)
        except Unkeyable:
            return {}
        if self._group_key(inputs_digest, previous[1], generator, localsiteurl, digests, provided) != previous[0]:
            return {}
        names = previous[4]["names"]
        hit = {position for position, source in enumerate(names) if source in spliced}
        keeping = {}
        for (relative, _kind, key), reach in zip(previous[2], previous[4]["reach"]):
            if reach is None or not hit.isdisjoint(reach):
                continue
            recorded = self.record.previous_keys.get(relative)
            if (
                recorded
                and recorded[0] == key
                and _unchanged_since(recorded, key, sanitised_join(self.output_path, relative))
            ):
                keeping[relative] = (key, frozenset(names[position] for position in reach))
        return keeping

    def end_generator_group(self, completed: bool = True) -> None:
        """The generator's files are written: record its group (not when writing failed, a page
        overwrote another's, or its key cannot be made). A file with no render key of its own (a
        feed) is recorded under the group's key."""
        run, self.generator_run = self.generator_run, None
        if run is None or not completed or not run.recordable:
            return
        templates = sorted(run.templates)
        key = self._group_key(run.inputs_digest, templates, run.generator, run.localsiteurl, run.digests, run.provided)
        if key is None:
            return
        keys = self.record.render_keys
        files = []
        for relative, kind in sorted(run.files.items()):
            own = keys.get(relative)
            if own is None:
                own = keys[relative] = f"{IN_GENERATOR_GROUP}{key}"
            files.append([relative, kind, own])
        self.record.groups[run.folder] = [
            key,
            templates,
            files,
            run.generator.context.get("localsiteurl"),
            run.reach_record(files),
        ]
        self._audit_group(run, key, files, "生成器组")

    def _audit_group(self, run: _GroupRun, key: str, files: list, kind: str) -> None:
        """In an audit, a group whose key did not change: each file whose own key did (compared with
        the key the group made it with last time, not the path's last key, which a page written
        over it later in that build may have left), and each file it no longer writes. A file
        recorded under its generator group's key has no key of its own to compare."""
        if not self.record.audit or run.previous is None or run.previous[0] != key:
            return
        previous_files = {entry[0]: entry[2] for entry in run.previous[2]}
        for relative, _kind, own in files:
            if previous_files.get(relative) != own and not own.startswith(IN_GENERATOR_GROUP):
                self.record.key_misses.append(f"{relative}（{kind} {run.folder} 的键没变）")
        for relative in sorted(previous_files.keys() - run.files.keys()):
            self.record.key_misses.append(f"{relative}（{kind} {run.folder} 的键没变，文件却不再写）")

    def _keep_generator(self, name: str, previous: list, generator) -> bool:
        """Keep a generator group's files (as _keep_group does), and the file groups written
        inside it last time (all their files among its own), which this build does not reach."""
        if not self._keep_files(previous, generator):
            return False
        files = {entry[0] for entry in previous[2]}
        for folder, group in self.record.previous_groups.items():
            if folder != name and group[2] and all(entry[0] in files for entry in group[2]):
                self.record.groups[folder] = group
                self.tally["groups_kept"] += 1
        self.record.groups[name] = previous
        self.tally["generators_kept"] += 1
        return True

    def _group_key(
        self, inputs_digest: str, templates, generator, localsiteurl, digests=None, provided=frozenset()
    ) -> str | None:
        """The group's inputs, its templates and every value of the shared context they can read
        (but the `provided` ones, which the inputs hold); None when a template may read any (an
        include chosen at render time) or a value cannot be digested. The context's
        `localsiteurl` is the one the group started with: a page that is not relative reads what
        the page before it left there."""
        digests = digests or self._digests
        names: set[str] = set()
        reads = self._reads(generator.env)
        for template in templates:
            read = reads.of(template)
            if read is None:
                return None
            names |= read
        parts = [inputs_digest, *templates, f"localsiteurl={localsiteurl!r}"]
        context = generator.context
        try:
            parts += [
                f"{name}={digests.root(context[name])}"
                for name in sorted(names - PAGE_OWN_NAMES - provided)
                if name in context
            ]
        except Unkeyable:
            return None
        return digest_of("group-key", *parts)

    def _keep_group(self, folder: str, previous: list, generator, reach: frozenset[str] | None = None) -> bool:
        """Keep a file group's files (_keep_files); inside a generator group each counts as reaching
        `reach` (what the group's key digested), or what its page reached when the generator group
        keeps it after a correction (reach None)."""
        if not self._keep_files(previous, generator, reach):
            return False
        self.record.groups[folder] = previous
        self.tally["groups_kept"] += 1
        return True

    def _keep_files(self, previous: list, generator, reach: frozenset[str] | None = None) -> bool:
        """Keep a group's files when each is as the last clean build left it; what writing them
        would have left behind is left: Pelican's record of each page (a second write to its path
        is refused), the writer's record (not stale, its render key saved again), the context's
        `localsiteurl` as the group's last page set it."""
        files, localsiteurl = previous[2], previous[3]
        kept = []
        for relative, kind, key in files:
            recorded = self.record.previous_keys.get(relative)
            path = sanitised_join(self.output_path, relative)
            # The file as this group made it: a page written over it later in that build left
            # its own key in the record, so the group's pages are rendered again.
            if not recorded or recorded[0] != key or not _unchanged_since(recorded, key, path):
                return False
            kept.append((relative, kind, key, path))
        for relative, kind, key, path in kept:
            if kind == PAGE:
                self._claim(path)
            else:
                self.record.paths.add(os.path.abspath(path))
            self.record.render_keys[relative] = key
            self.tally["not_rendered"] += 1
            if self.generator_run is not None:  # a file group kept inside a generator group
                self.generator_run.add(relative, kind)
                if reach is not None:
                    self.generator_run.reached(relative, reach)
                else:  # kept after a correction: its reach as the last build recorded it
                    self.generator_run.keep_page(relative)
        if self.generator_run is not None:
            # Its templates are the generator group's too: its key must read what they read,
            # although none of them is rendered in this build.
            self.generator_run.templates.update(previous[1])
        if localsiteurl:
            generator.context["localsiteurl"] = localsiteurl
        return True

    def output_relative(self, name: str) -> str:
        """`name` as _open_w will see it (Pelican joins it to the output folder and resolves it), so
        the share is decided the same way before rendering and when opening the file."""
        return os.path.relpath(sanitised_join(self.output_path, name), self.output_path)

    def write_derived_file(self, relative: str, inputs, produce) -> None:
        """A file made by `produce()` from `inputs` alone (a download beside a page, e.g. one month's
        ledger as CSV): like a page, made again only when the digest of its inputs changed."""
        path = os.path.join(self.output_path, relative)
        if self.group_run is not None:
            self.group_run.add(relative, FILE)
        if not self.record.mine(relative):
            self.record.paths.add(os.path.abspath(path))  # another worker writes or keeps it
            return
        run = self.generator_run
        if run is not None:
            run.add(relative, FILE)
            kept = run.keep_page(relative) if run.keeping else None
            if kept is not None:  # it did not reach a corrected article (begin_generator_group)
                self.record.render_keys[relative] = kept
                self.record.paths.add(os.path.abspath(path))
                self.record.tally["not_rendered"] += 1
                return
        key = None
        if self.record.previous_keys is not None:
            self._digests.start_reach()
            try:
                key = digest_of("file", relative, self._digests.digest(inputs))
            except Unkeyable:
                key = None
            if run is not None:
                run.reached(relative, self._digests.reach() if key is not None else None)
        if key is not None:
            self.record.render_keys[relative] = key
            if _unchanged_since(self.record.previous_keys.get(relative), key, path):
                if not self.record.audit:
                    self.record.paths.add(os.path.abspath(path))  # kept: not stale
                    self.record.tally["not_rendered"] += 1
                    return
                if not has_bytes(path, produce()):
                    self.record.key_misses.append(relative)
        write_download(self.output_path, relative, produce())
        # Made again (perhaps to the same bytes): the sync looks at it, as at a rewritten page.
        self.record.paths.add(os.path.abspath(path))
        self.record.written.add(os.path.abspath(path))

    def write_file(
        self,
        name,
        template,
        context,
        relative_urls=False,
        paginated=None,
        template_name=None,
        override_output=False,
        url=None,
        **kwargs,
    ):
        run = self.generator_run
        if (self.record.workers > 1 or (run is not None and run.keeping)) and name:
            if not self._paginates(paginated, template_name, kwargs):
                path = sanitised_join(self.output_path, name)
                relative = os.path.relpath(path, self.output_path)
                if not self.record.mine(relative):
                    self._another_workers_page(path, name, context, relative_urls, override_output, kwargs)
                    return None
                kept = run.keep_page(relative) if run is not None and run.keeping and not override_output else None
                if kept is not None:  # it did not reach a corrected article (begin_generator_group)
                    self.record.render_keys[_normalised(relative)] = kept
                    for group in (self.group_run, run):  # its template is theirs, as a rendered page's
                        if group is not None:
                            group.templates.add(template.name)
                    self._another_workers_page(path, name, context, relative_urls, override_output, kwargs)
                    return None
        if self.record.previous_keys is not None or self.record.workers > 1:
            template = _KeyedTemplate(template, self)
        return super().write_file(
            name, template, context, relative_urls, paginated, template_name, override_output, url, **kwargs
        )

    def _paginates(self, paginated, template_name, kwargs) -> bool:
        """Whether Pelican's write_file makes several pages of this call (as it decides): their
        names come from the paginator, so each is shared out when it is opened, not here."""
        if paginated is None:
            paginated = {key: value for key, value in kwargs.items() if key in {"articles", "dates"}}
        return bool(paginated) and template_name in self.settings["PAGINATED_TEMPLATES"]

    def _another_workers_page(self, path, name, context, relative_urls, override, kwargs) -> None:
        """What Pelican's write_file leaves behind for a page another worker renders (or one kept
        unrendered after a correction, begin_generator_group), without the
        copy of the whole context, the folders and the template call it makes per page: at ten
        years that was 2 s of every worker's share. Left behind: the shared context's
        `localsiteurl` (Pelican sets it before rendering, and a later page's links read it) and
        the writer's bookkeeping (its record of paths, a second write to one path refused).
        Not left behind: Pelican's `content_written` signal, which no plugin here receives; one
        that did would hear of each single page only in the worker that renders it."""
        if relative_urls:
            localsiteurl = path_to_url(get_relative_path(name))
        else:
            localsiteurl = context.get("localsiteurl", None)
        localsiteurl = kwargs.get("localsiteurl", localsiteurl)
        if localsiteurl:
            context["localsiteurl"] = localsiteurl
        # Another worker's file is discarded unwritten; one of this share kept (a generator group
        # after a correction) is tallied and left as it is.
        with self._open_w(path, "utf-8", override=override) as handle:
            handle.write(NOT_RENDERED)

    def _open_w(self, filename, encoding, override=False):
        relative = os.path.relpath(filename, self.output_path)  # as output_relative
        mine = self.record.mine(relative)
        if self.group_run is not None:
            self.group_run.add(relative, PAGE, override)
        if self.generator_run is not None and (mine or override):
            self.generator_run.add(relative, PAGE, override)
        if not self._claim(filename, override):
            return open(os.devnull, "w", encoding=encoding)
        if not mine:
            return _Discarded()  # another worker's page or feed: its text is dropped unwritten
        return _ReplaceIfChanged(filename, encoding, self.record)

    def _claim(self, filename, override=False) -> bool:
        """Pelican's bookkeeping, unchanged: refuse a second write to one path unless overriding;
        False when an overriding page already wrote it (Pelican then writes to the null device)."""
        if filename in self._overridden_files:
            if override:
                raise FileOverwriteFailedError(
                    f'Failed to overwrite "{filename}" a second time (was previously overwritten)'
                )
            return False
        if filename in self._written_files and not override:
            raise FileOverwriteFailedError(
                f'Failed to overwrite "{filename}" as Pelican has already written to it previously '
                "(set `override=True` if intended)"
            )
        if override:
            self._overridden_files.add(filename)
        self._written_files.add(filename)
        self.record.paths.add(os.path.abspath(filename))
        return True


def get_writer(pelican_object):
    return UnchangedFilesWriter


def register():
    signals.get_writer.connect(get_writer)
