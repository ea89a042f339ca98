"""`invoke serve`'s warm site: a saved article's page shown in a second, then the full build catches up.

After a build, the serve process keeps what that build read (Pelican's generators: settings,
readers, plugins, the Jinja environment and the shared context). When the editor saves one
article's Markdown and only its body changed, that one file is read again through the same
reader and plugins, checked by the same per-file checks the build runs, put in place of the old
article, and its page alone is rendered with the article template and moved into the served
output by rename (output files may be hard links into the work folder: never written through).
The normal incremental build then runs in the background, so lists, sections, feeds and search
catch up and the output ends as a clean build's. Anything else (a ledger, a template, a new or
deleted article, changed front matter, a file the checks refuse) goes straight to the build, which
reports an editor's mistake with its position and leaves the output as it was.
"""

from __future__ import annotations

import os
import shutil
import threading
import time
from dataclasses import dataclass

from pelican import signals
from pelican.contents import Article
from pelican.generators import ArticlesGenerator
from pelican.writers import Writer

from buildtools.articles_reading import same_place
from buildtools.build import main as build_main
from buildtools.incremental import link_or_copy
from buildtools.incremental_build import WORK_CACHE_SETTINGS
from buildtools.parallel_output import SharedOutputPelican, index_listings, pin_content_urls
from buildtools.settings import runner_settings
from buildtools.stages import load_settings
from plugins.content_checks.content_checks import content_problems
from plugins.personal_data_guard.allowlist import load_allowlist
from plugins.personal_data_guard.guard import guard_settings, scan_text
from plugins.portal_data.file_cache import as_text
from plugins.safe_html.safe_html import unsafe_html_problems


@dataclass
class Shown:
    """What the fast path did with one save: `page` is the output file it replaced, or None with `reason`."""

    page: str | None
    reason: str = ""


class WarmSite:
    """The generators of the last build that read the content and succeeded, ready to render one article."""

    def __init__(self):
        self.generators: list | None = None
        self._read_now: list | None = None  # the running build's, until it is known to have succeeded
        self.articles_by_source: dict[str, Article] = {}

    def remember(self, generators) -> None:
        """all_generators_finalized: what the running build read (its plugins may still refuse it)."""
        self._read_now = generators

    def adopt_last_read(self) -> bool:
        """After a successful build: keep what it read, if it read anything (a build that found
        nothing changed reuses the last output and reads nothing)."""
        read, self._read_now = self._read_now, None
        if read is None:
            return False
        self.generators = read
        self.articles_by_source = {article.source_path: article for article in _all_articles(self.articles_generator())}
        return True

    def forget_last_read(self) -> None:
        self._read_now = None

    def forget(self) -> None:
        self.generators, self.articles_by_source = None, {}

    def articles_generator(self) -> ArticlesGenerator | None:
        return next((g for g in self.generators or () if isinstance(g, ArticlesGenerator)), None)

    def read_like_a_build(self, settings: dict) -> None:
        """Read the content with every plugin, as a build does before writing (for a serve that
        started on an output its first build found up to date, so nothing was read)."""
        pelican = SharedOutputPelican({**settings, "DELETE_OUTPUT_DIRECTORY": False})
        generators, _context = pelican.read_content()
        prepare_for_writing(generators)
        self._read_now = generators
        self.adopt_last_read()


def prepare_for_writing(generators: list) -> None:
    """What SharedOutputPelican.run does between reading and writing, so pages render the same."""
    for generator in generators:
        if hasattr(generator, "refresh_metadata_intersite_links"):
            generator.refresh_metadata_intersite_links()
    pin_content_urls(generators)
    index_listings(generators)


def _all_articles(generator: ArticlesGenerator | None) -> list:
    if generator is None:
        return []
    return [
        *generator.translations,
        *generator.articles,
        *generator.hidden_translations,
        *generator.hidden_articles,
    ]


def read_article(generator: ArticlesGenerator, source_path: str) -> Article:
    """One article, read as ArticlesGenerator.generate_context reads each file (same reader, same
    plugin signals), without its cache."""
    return generator.readers.read_file(
        base_path=generator.path,
        path=os.path.relpath(source_path, generator.path),
        content_class=Article,
        context=generator.context,
        preread_signal=signals.article_generator_preread,
        preread_sender=generator,
        context_signal=signals.article_generator_context,
        context_sender=generator,
    )


def one_file_problems(settings: dict, source_path: str) -> list:
    """The build's source checks that depend on this file alone (front matter, images, links,
    unsafe HTML, personal data), run on it alone; the checks across files compare front matter,
    which the fast path requires unchanged."""
    content = os.path.abspath(settings["PATH"])
    alone = {
        **settings,
        "ARTICLE_PATHS": [os.path.relpath(source_path, content)],
        "PAGE_PATHS": [],
        "CACHE_CONTENT": False,  # the build's per-file caches stay the build's
    }
    problems = content_problems(alone) + unsafe_html_problems(alone)
    allow_path = os.path.join(content, guard_settings(settings)[0]["PERSONAL_DATA_ALLOWLIST"])
    allowed, allowlist_problems = load_allowlist(allow_path, os.path.relpath(allow_path, content))
    with open(source_path, "rb") as handle:
        text = as_text(handle.read())
    return problems + allowlist_problems + scan_text(os.path.relpath(source_path, content), text, allowed)


def take_place_of(old: Article, new: Article) -> None:
    """What the generators and plugins added to the old article after reading (its translations,
    related stories, pinned url) describes its place among the others, which a body edit does
    not move: the new reading inherits it."""
    for name, value in vars(old).items():
        if name not in vars(new):
            setattr(new, name, value)


def replace_in_context(generator: ArticlesGenerator, old: Article, new: Article) -> None:
    """Put `new` wherever the generator's lists (shared with the context) hold `old`."""

    def swap(items: list) -> None:
        for index, item in enumerate(items):
            if item is old:
                items[index] = new

    for listing in (
        generator.articles,
        generator.translations,
        generator.hidden_articles,
        generator.hidden_translations,
        generator.dates,
    ):
        swap(listing)
    for article in generator.articles:
        related = getattr(article, "related_articles", None)
        if related:
            swap(related)
    for tag, articles in list(generator.tags.items()):
        if old in articles:
            generator.tags[tag] = type(articles)([new if item is old else item for item in articles])
    for listing in (generator.categories, generator.authors):
        listing[:] = [
            (name, type(articles)([new if item is old else item for item in articles]) if old in articles else articles)
            for name, articles in listing
        ]


def render_article(generator: ArticlesGenerator, article: Article, staging: str) -> str:
    """The article's page, written as ArticlesGenerator.generate_articles writes it, into `staging`."""
    signals.article_generator_write_article.send(generator, content=article)
    writer = Writer(staging, settings=generator.settings)
    writer.write_file(
        article.save_as,
        generator.get_template(article.template),
        generator.context,
        relative_urls=generator.settings["RELATIVE_URLS"],  # as ArticlesGenerator.generate_output binds it
        article=article,
        category=getattr(article, "category", None),
        override_output=hasattr(article, "override_save_as"),
        url=article.url,
        blog=True,
    )
    return os.path.join(staging, article.save_as)


def show_article(warm: WarmSite, source_path: str, output_path: str, backups: dict[str, str]) -> Shown:
    """The fast path for one saved file: its page replaced in `output_path`, or why not.

    `backups` maps each output page replaced since the last build to a link to the file it
    replaced, so a build that refuses the content can put the output back as it was."""
    generator = warm.articles_generator()
    source_path = os.path.abspath(source_path)
    old = warm.articles_by_source.get(source_path)
    if generator is None or old is None or not os.path.isfile(source_path):
        return Shown(None, "不是上次构建读过的文章")
    if one_file_problems(generator.settings, source_path):
        return Shown(None, "文件有问题（构建会报告位置）")
    try:
        new = read_article(generator, source_path)
    except Exception:  # noqa: BLE001 - the build reads it again and reports the problem
        return Shown(None, "读取失败（构建会报告）")
    if not isinstance(new, Article) or not new.is_valid() or not same_place(old, new):
        return Shown(None, "文章的元数据变了")
    take_place_of(old, new)
    staging = f"{output_path}.preview"
    shutil.rmtree(staging, ignore_errors=True)
    try:
        written = render_article(generator, new, staging)
        page = os.path.join(output_path, new.save_as)
        backup = os.path.join(f"{output_path}.preview-backup", new.save_as)
        if page not in backups and os.path.isfile(page):
            os.makedirs(os.path.dirname(backup), exist_ok=True)
            if os.path.exists(backup):
                os.remove(backup)
            link_or_copy(page, backup)
            backups[page] = backup
        os.makedirs(os.path.dirname(page), exist_ok=True)
        os.replace(written, page)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    replace_in_context(generator, old, new)
    warm.articles_by_source[source_path] = new
    return Shown(page)


class PreviewSession:
    """One `invoke serve`: builds, the warm site between them, and saves that arrive during a build.

    `saved(path)` runs in the server's thread: it shows the article at once when it can, then
    starts the build in a thread of its own, so the server keeps answering while it runs. A save
    that arrives during a build waits for it and is shown and built right after, never dropped.
    `caught_up()` is called when the build after the last save has finished."""

    def __init__(self, settings_path: str, output_path: str, workers: int | None = None, caught_up=None):
        self.settings_path, self.output_path = settings_path, output_path
        self.workers = workers
        self.caught_up = caught_up or (lambda: None)
        self.warm = WarmSite()
        self._backups: dict[str, str] = {}
        self._lock = threading.Lock()
        self._building = False
        self._waiting: list[str] = []
        self._thread: threading.Thread | None = None
        signals.all_generators_finalized.connect(self.warm.remember, weak=False)

    def close(self) -> None:
        signals.all_generators_finalized.disconnect(self.warm.remember)

    def build(self) -> bool:
        """The normal build (buildtools/build.py, which prints its problems), keeping what it read."""
        workers = ["--workers", str(self.workers)] if self.workers else []
        self.warm.forget_last_read()
        ok = build_main(["--settings", self.settings_path, "--output", self.output_path, *workers]) == 0
        if ok:
            if not self.warm.adopt_last_read() and self._backups:
                self.warm.forget()  # a save shown here was undone before the build: read afresh
            self._drop_backups(restore=False)
        else:
            self.warm.forget_last_read()
            self._drop_backups(restore=True)  # the output is the last clean build's again
        if ok and self.warm.generators is None:
            try:
                self.warm.read_like_a_build(self.reading_settings())
            except Exception:  # noqa: BLE001 - the next save is built as before, and read by that build
                self.warm.forget()
        return ok

    def reading_settings(self) -> dict:
        """The settings the build reads with: its content cache, so reading here is quick."""
        base = load_settings(self.settings_path)
        config = runner_settings(base)
        if not config["INCREMENTAL_BUILD"]:
            return base
        work_root = os.path.abspath(config["INCREMENTAL_WORK_PATH"] or f"{self.output_path}.work")
        return load_settings(
            self.settings_path,
            {
                "OUTPUT_PATH": os.path.join(work_root, "site"),
                "CACHE_PATH": os.path.join(work_root, "cache"),
                **WORK_CACHE_SETTINGS,
            },
        )

    def show(self, path: str) -> Shown:
        started = time.monotonic()
        try:
            shown = show_article(self.warm, path, self.output_path, self._backups)
        except Exception as exc:  # noqa: BLE001 - the build that follows renders it, or reports why not
            return Shown(None, f"{type(exc).__name__}: {exc}")
        if shown.page:
            page, seconds = os.path.relpath(shown.page, self.output_path), time.monotonic() - started
            print(f"已先更新 {page}（{seconds:.2f} 秒）；其余页面正在后台构建", flush=True)
        return shown

    def saved(self, path: str | None) -> None:
        if path and os.path.basename(path).startswith("."):
            return  # an editor's or a save's temporary file: never content, and the real file follows
        with self._lock:
            if self._building:
                self._waiting.append(path)
                return
            self._building = True
        if path:
            self.show(path)
        self._thread = threading.Thread(target=self._build_until_caught_up, name="preview-build", daemon=True)
        self._thread.start()

    def wait(self, timeout: float | None = None) -> None:
        """Until the build after the last save has finished (tests, and a clean exit)."""
        while self._thread is not None and self._thread.is_alive():
            self._thread.join(timeout)
            if timeout is not None:
                return

    def _build_until_caught_up(self) -> None:
        while True:
            try:
                self.build()
            except Exception as exc:  # noqa: BLE001 - the preview keeps serving; the next save builds again
                print(f"构建出错：{type(exc).__name__}: {exc}", flush=True)
            with self._lock:
                waiting, self._waiting = self._waiting, []
                if not waiting:
                    self._building = False
                    break
            for path in dict.fromkeys(waiting):
                if path:
                    self.show(path)
        self.caught_up()

    def _drop_backups(self, restore: bool) -> None:
        for page, backup in self._backups.items():
            if restore:
                os.replace(backup, page)
        self._backups.clear()
        shutil.rmtree(f"{self.output_path}.preview-backup", ignore_errors=True)
