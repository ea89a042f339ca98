"""Editor and CI tasks: `invoke --list` shows them. Each prints what it did and exits non-zero on failure."""

from __future__ import annotations

import gc
import json
import os
import shutil
import subprocess
import sys

from invoke import Exit, task

ROOT = os.path.dirname(os.path.abspath(__file__))
# The Python versions the site is built and tested with; scripts/install checks the same rule.
SUPPORTED_PYTHON = (3, 11)


def unsupported_python(version: tuple[int, ...]) -> str | None:
    """The message for a Python too old to build the site, or None when `version` is supported."""
    if tuple(version[:2]) >= SUPPORTED_PYTHON:
        return None
    return (
        f"需要 Python {SUPPORTED_PYTHON[0]}.{SUPPORTED_PYTHON[1]} 或更新的版本，现在是 "
        f"{'.'.join(map(str, version[:3]))}：请按 README 的两条命令安装。"
    )


if unsupported_python(sys.version_info):
    raise SystemExit(unsupported_python(sys.version_info))
SETTINGS = {False: "pelicanconf.py", True: "publishconf.py"}
PREVIEW_ONE_PROCESS_PAGES = 1000  # below this many pages, `invoke serve` rebuilds a save in one process


def _settings_path(production: bool) -> str:
    return os.path.join(ROOT, SETTINGS[production])


def _run(main, argv: list[str]) -> None:
    """Run a build tool's `main(argv)`; a non-zero exit code fails the task with that code."""
    code = main(argv)
    if code:
        raise Exit(code=code)


def _option(name: str, value) -> list[str]:
    """`--name value` for a command line, or nothing when the task was not given the option."""
    return [f"--{name}", str(value)] if value else []


def _flag(name: str, on: bool) -> list[str]:
    return [f"--{name}"] if on else []


RELEASES_HELP = "releases folder (default: PUBLISH_ROOT, releases/)"
FORCE_HELP = "publish even though the page count dropped by more than 5%"


@task(
    help={
        "production": "use publishconf.py (absolute URLs for the real domain)",
        "output": "folder to build into (default: output/)",
        "audit": "render every page even when its render key matched; fail on any key that missed a change",
    }
)
def build(c, production=False, output=None, audit=False):
    """Build the site into output/. Fails, leaving the old output untouched, on any content problem."""
    from buildtools.build import main as build_main

    _run(build_main, ["--settings", _settings_path(production), *_option("output", output), *_flag("audit", audit)])
    # As `python -m buildtools.build` does: what the build left is not traversed again as Python
    # exits (1.5 s at ten years' scale). A later task of the same `invoke` call keeps that memory.
    gc.freeze()


@task(
    help={
        "port": "port for the preview server (default 8000)",
        "settings": "settings file to preview (default pelicanconf.py; the benchmarks use their own)",
        "output": "folder to build into and serve (default output/)",
    }
)
def serve(c, port=8000, settings=None, output=None):
    """Preview at http://127.0.0.1:PORT/: a saved article's page at once, then the rebuild and a browser reload."""
    from livereload import Server
    from livereload.handlers import LiveReloadHandler
    from pelican.settings import read_settings
    from tornado.ioloop import IOLoop

    from buildtools.preview import PreviewSession

    settings_path = os.path.abspath(settings) if settings else _settings_path(False)
    output_path = os.path.abspath(output) if output else os.path.join(ROOT, "output")
    session = PreviewSession(settings_path, output_path)
    session.build()
    # Starting workers costs each one a parse of every template (about a second): for an editor's
    # save on a small site one process is sooner (one article of the real site: 1.8 s against 2.8 s).
    # A large site's save can re-render thousands of pages (archives, sections), so it keeps them.
    try:
        with open(f"{output_path}.build-report.json", encoding="utf-8") as handle:
            pages = json.load(handle).get("pages", 0)
    except (OSError, ValueError):  # a first build refused the content: preview the fix in one process
        pages = 0
    session.workers = 1 if pages < PREVIEW_ONE_PROCESS_PAGES else None
    server = Server()
    server_loop = []

    def reload_browser():  # from the build's thread: livereload's messages go out on the server's loop
        server_loop[0].add_callback(LiveReloadHandler.reload_waiters)

    def changed():  # livereload found a change; its watcher knows which file
        server_loop[:] = [IOLoop.current()]
        session.saved(server.watcher.filepath)

    session.caught_up = reload_browser
    content_path = read_settings(settings_path)["PATH"]  # the settings' content, not always content/
    for folder in (content_path, os.path.join(ROOT, "theme"), os.path.join(ROOT, "plugins"), settings_path):
        server.watch(folder, changed)
    print(f"预览地址：http://127.0.0.1:{port}/（修改文件后浏览器会自动刷新；Ctrl-C 退出）", flush=True)
    server.serve(host="127.0.0.1", port=int(port), root=output_path)


@task
def clean(c):
    """Remove built output and caches."""
    for folder in ("output", "cache", "test-artifacts", "output.work", "output.build-report.json"):
        path = os.path.join(ROOT, folder)
        if os.path.isdir(path):
            shutil.rmtree(path)
            print(f"已删除 {folder}/")
        elif os.path.exists(path):
            os.remove(path)
            print(f"已删除 {folder}")


@task(help={"args": "extra arguments for pytest, e.g. -k edition"})
def test(c, args=""):
    """Run every test (unit, site and browser). pytest exit code 5, 'no tests ran', counts as a failure."""
    command = [sys.executable, "-m", "pytest", *args.split()]
    print("运行：" + " ".join(command))
    code = subprocess.call(command, cwd=ROOT)
    if code == 5:
        print("没有运行任何测试：这算失败。", file=sys.stderr)
    if code:
        raise Exit(code=code or 1)


@task(help={"production": "use publishconf.py"})
def check(c, production=False):
    """Read every article, page and CSV as the build does and print every problem it would refuse, without writing."""
    from buildtools.check import main as check_main

    _run(check_main, ["--settings", _settings_path(production)])


@task(
    help={
        "kind": "article, ledger or matter",
        "date": "article: the edition date, YYYY-MM-DD (or the publication time, YYYY-MM-DD HH:MM)",
        "section": "article: its Category, one declared in content/sections.toml (e.g. 社会)",
        "slug": "article: its web address, lower-case letters, digits and hyphens (e.g. river-rescue)",
        "village": "ledger: the village code in villages.csv (e.g. xiangshui)",
        "month": "ledger: the month, YYYY-MM",
        "department": "matter: the department code in departments.csv (e.g. minzheng)",
    }
)
def new(c, kind, date="", section="", slug="", village="", month="", department=""):
    """Start a file in the right place and shape: new article / new ledger / new matter (see docs/editing.md)."""
    from buildtools.new_files import Refused, new_article, new_ledger, new_matter
    from buildtools.stages import load_settings

    makers = {
        "article": (lambda s: new_article(s, date, section, slug), {"date": date, "section": section, "slug": slug}),
        "ledger": (lambda s: new_ledger(s, village, month), {"village": village, "month": month}),
        "matter": (lambda s: new_matter(s, department), {"department": department}),
    }
    if kind not in makers:
        raise Exit("请写要新建的是什么：invoke new article、invoke new ledger 或 invoke new matter", code=1)
    make, needed = makers[kind]
    missing = [f"--{name}" for name, value in needed.items() if not value]
    if missing:
        raise Exit(f"invoke new {kind} 还需要 {' '.join(missing)}（例子见 docs/editing.md）", code=1)
    try:
        written = make(load_settings(_settings_path(False)))
    except Refused as refused:
        raise Exit(str(refused), code=1) from None
    print(f"已新建 {written.path}")
    print(written.message)


# --- Nightly publishing: buildtools/publish.py does the work; these tasks only call it. ---


@task(help={"force": FORCE_HELP, "root": RELEASES_HELP})
def publish(c, force=False, root=None):
    """Build with publishconf.py into releases/<time>-<commit>/, check it, then switch releases/live to it."""
    from buildtools.publish import main as publish_main

    _run(publish_main, ["publish", *_flag("force", force), *_option("root", root)])


@task(help={"root": RELEASES_HELP})
def rollback(c, root=None):
    """Point releases/live back at the release published before the live one."""
    from buildtools.publish import main as publish_main

    _run(publish_main, ["rollback", *_option("root", root)])


@task(help={"root": RELEASES_HELP})
def audit(c, root=None):
    """Build from scratch into a temporary folder and compare with the live release, file by file."""
    from buildtools.audit import main as audit_main

    _run(audit_main, _option("root", root))


@task(
    help={
        "args": "arguments for pytest (default -q: every test)",
        "root": RELEASES_HELP,
        "force": FORCE_HELP,
    }
)
def nightly(c, args="-q", root=None, force=False):
    """What CI runs every night: tests, then build with publishconf.py, check, and publish; stops at the first failure."""
    from buildtools.nightly import main as nightly_main

    _run(nightly_main, ["--pytest-args", args, *_option("root", root), *_flag("force", force)])


@task(
    help={
        "articles": "news articles to generate (default 10000)",
        "villages": "villages (default 270)",
        "months": "months of ledgers per village (default 36)",
        "power_items": "power list matters (default 2000)",
        "profile": "also profile one full build with pyinstrument (benchmarks/work/profile.txt)",
    }
)
def bench(c, articles=10_000, villages=270, months=36, power_items=2_000, profile=False):
    """Generate the synthetic ten-year site and measure our builds against vanilla Pelican and Hugo."""
    from benchmarks.bench import main as bench_main

    bench_main(
        [
            "--articles",
            str(articles),
            "--villages",
            str(villages),
            "--months",
            str(months),
            "--power-items",
            str(power_items),
        ]
        + (["--profile"] if profile else [])
    )


@task(
    help={
        "site": "the built site to measure (default output/; build it first)",
        "misses": "list every query whose page did not come first",
        "sample": "make the generated queries from this many pages, unique among them (a large site)",
        "resident": "also ask the resident questions of benchmarks/resident_queries.toml (this site's pages)",
    }
)
def bench_search(c, site="output", misses=False, sample=0, resident=True):
    """Measure search in Debian chromium: recall@1, recall@5, MRR and first-search bytes, in both segmenter modes."""
    from benchmarks.search_bench import main as search_bench_main

    search_bench_main(
        ["--site", site, "--sample", str(sample)]
        + (["--misses"] if misses else [])
        + ([] if resident else ["--no-resident"])
    )


@task(
    help={
        "villages": "villages in the throwaway repository",
        "months": "months committed per village (one commit per month)",
        "corrections": "later commits that each correct one ledger",
    }
)
def bench_history(c, villages=270, months=36, corrections=200):
    """Time what 更正记录 and deadlines add to a build: git history cold and cached, page models, deadlines."""
    from benchmarks.history_bench import main as history_bench_main

    history_bench_main(["--villages", str(villages), "--months", str(months), "--corrections", str(corrections)])


@task(
    help={
        "settings": "settings of the site to preview (default pelicanconf.py; benchmarks/work/oursconf.py after invoke bench)",
        "output": "folder the preview builds into (default: the settings' output/)",
        "timeout": "seconds to wait for the first build (default 600; a ten-year first build takes 20+ minutes)",
        "saves": "saves to time in one serve, each after the last has caught up (default 3)",
    }
)
def bench_preview(c, settings=None, output=None, timeout=None, saves=None):
    """Seconds from saving an article to `invoke serve` handing out the changed page (preview_one_article_s)."""
    from benchmarks.preview_bench import main as preview_bench_main

    preview_bench_main(
        [
            *_option("settings", settings),
            *_option("output", output),
            *_option("timeout", timeout),
            *_option("saves", saves),
        ]
    )
