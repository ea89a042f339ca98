"""Incremental builds: only pages whose bytes change are rewritten, and the output always equals a fresh build."""

from __future__ import annotations

import json
import os
import pathlib
import shutil
import subprocess
import sys
import time

from buildtools.build import build_site
from buildtools.publish import publish

ROOT = pathlib.Path(__file__).resolve().parent.parent
LEDGER = "disclosures/finance/xiangshui/2020-06.csv"
MONTH_PAGE = "disclosures/villages/xiangshui/2020-06/index.html"


def copy_site(tmp_path: pathlib.Path) -> tuple[pathlib.Path, pathlib.Path]:
    shutil.copytree(ROOT / "content", tmp_path / "content")
    shutil.copytree(ROOT / "theme", tmp_path / "theme")
    return tmp_path / "content", tmp_path / "theme"


def attempt(content, theme, output, incremental=True, audit=True):
    """Incremental builds here run in audit mode unless told not to: every page is rendered anyway,
    and a page whose render key matched but whose bytes changed fails the build (the key missed an
    input). An audit never takes the nothing-changed shortcut."""
    return build_site(
        str(ROOT / "pelicanconf.py"),
        str(output),
        {
            "PATH": str(content),
            "THEME": str(theme),
            "BUILD_TIME": "2030-01-01T00:00",
            "INCREMENTAL_BUILD": incremental,
            "RENDER_KEYS_AUDIT": audit,
        },
    )


def build(content, theme, output, incremental=True, audit=True):
    result = attempt(content, theme, output, incremental, audit)
    assert result.ok, result.problems
    return result.report


def files(root: pathlib.Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def mtimes(root: pathlib.Path) -> dict[str, int]:
    return {p.relative_to(root).as_posix(): p.stat().st_mtime_ns for p in root.rglob("*") if p.is_file()}


def differing(a: dict, b: dict) -> set[str]:
    return {name for name in a.keys() | b.keys() if a.get(name) != b.get(name)}


def fresh(content, theme, tmp_path, name) -> dict[str, bytes]:
    return files(
        pathlib.Path(
            build_site(
                str(ROOT / "pelicanconf.py"),
                str(tmp_path / name),
                {
                    "PATH": str(content),
                    "THEME": str(theme),
                    "BUILD_TIME": "2030-01-01T00:00",
                    "INCREMENTAL_BUILD": False,
                },
            ).output_path
        )
    )


def build_with_clock(content, theme, output, monkeypatch, when: str):
    """A build whose clock says `when` (no BUILD_TIME setting: scheduled publishing reads the clock)."""
    from plugins.scheduled_publishing import scheduled_publishing

    moment = scheduled_publishing.parse_build_time(when, "Asia/Shanghai")
    monkeypatch.setattr(scheduled_publishing, "build_time", lambda settings, environ=None: moment)
    result = build_site(
        str(ROOT / "pelicanconf.py"),
        str(output),
        {"PATH": str(content), "THEME": str(theme), "INCREMENTAL_BUILD": True},
    )
    assert result.ok, result.problems
    return result.report


def test_nothing_changed_runs_nothing_and_touches_nothing(tmp_path):
    content, theme = copy_site(tmp_path)
    output = tmp_path / "output"
    first = build(content, theme, output, audit=False)
    before = mtimes(output)
    report = build(content, theme, output, audit=False)
    assert report["incremental"]["unchanged_inputs"] is True
    assert "read" not in report["phases_s"] and "write" not in report["phases_s"]  # Pelican did not run
    assert report["files_changed"] == {"added": 0, "removed": 0, "changed": 0}
    assert mtimes(output) == before
    assert (report["pages"], report["pages_by_kind"], report["articles"]) == (
        first["pages"],
        first["pages_by_kind"],
        first["articles"],
    )
    # What the report says of the content is repeated, not dropped, when Pelican did not run.
    for fact in ("front_page_lead", "unexplained_corrections", "estimated_deadlines", "scheduled"):
        assert report[fact] == first[fact], fact
    assert report["front_page_lead"]["title"]


def test_a_rebuild_that_rewrites_nothing_keeps_every_file(tmp_path):
    """Pelican runs (here: a content file that is touched but the same) and decides page by page."""
    content, theme = copy_site(tmp_path)
    output = tmp_path / "output"
    build(content, theme, output)
    before = mtimes(output)
    article = content / "news/2020-07-08/lottery-jackpot.md"
    article.write_text(article.read_text(encoding="utf-8") + "\n", encoding="utf-8")  # a blank line: same page
    report = build(content, theme, output)
    assert report["incremental"]["reused_work_folder"] and report["incremental"]["written"] == 0
    assert report["incremental"]["pages_changed"] is False  # the search step may keep its index
    assert report["files_changed"] == {"added": 0, "removed": 0, "changed": 0}
    assert mtimes(output) == before


def test_an_edit_that_keeps_size_and_mtime_is_still_seen(tmp_path):
    """The quick check trusts no mtime alone: a program can set it back, the inode change time it cannot."""
    content, theme = copy_site(tmp_path)
    output = tmp_path / "output"
    old = 1_500_000_000
    for path in content.rglob("*"):
        os.utime(path, (old, old))
    build(content, theme, output)
    ledger = content / LEDGER
    text = ledger.read_bytes()
    assert b"253.17" in text
    ledger.write_bytes(text.replace(b"253.17", b"263.17"))  # same size
    os.utime(ledger, (old, old))
    report = build(content, theme, output)
    assert "unchanged_inputs" not in report["incremental"]
    assert b"263.17" in (output / "disclosures/villages/xiangshui/2020-06.csv").read_bytes()
    assert files(output) == fresh(content, theme, tmp_path, "fresh")


def site_settings(tmp_path: pathlib.Path, content, theme) -> pathlib.Path:
    settings = tmp_path / "settings.py"
    settings.write_text(
        f"import sys\nsys.path.insert(0, {str(ROOT)!r})\nfrom pelicanconf import *\n"
        f"PATH = {str(content)!r}\nTHEME = {str(theme)!r}\nBUILD_TIME = '2030-01-01T00:00'\n",
        encoding="utf-8",
    )
    return settings


def command_line_build(settings, output, hash_seed: int | None = None) -> dict:
    """`invoke build --output …` in a process of its own (with `hash_seed`, Python's string hashing
    fixed to it); returns its report and the Pelican modules it imported."""
    program = (
        "import json, sys\n"
        "from buildtools.build import main\n"
        f"code = main(['--settings', {str(settings)!r}, '--output', {str(output)!r}])\n"
        "print(json.dumps([code, sorted(name for name in sys.modules if name.split('.')[0] == 'pelican')]))\n"
    )
    environment = None if hash_seed is None else {**os.environ, "PYTHONHASHSEED": str(hash_seed)}
    done = subprocess.run([sys.executable, "-c", program], cwd=ROOT, capture_output=True, text=True, env=environment)
    code, pelican_modules = json.loads(done.stdout.splitlines()[-1])
    assert code == 0, done.stdout + done.stderr
    report = json.loads(pathlib.Path(f"{output}.build-report.json").read_text(encoding="utf-8"))
    return {**report, "pelican_modules": pelican_modules}


def test_a_rebuild_with_nothing_changed_imports_no_pelican_and_leaves_the_output_to_the_audit(tmp_path):
    """Only builds write the output (they hold its lock), so a rebuild trusts the last sync's record
    and does not look at the output: a file edited or removed by hand stays so, and the audit (a
    clean build compared file by file) names it. A build from nothing puts it right."""
    from buildtools.audit import audit

    content, theme = copy_site(tmp_path)
    settings, output = site_settings(tmp_path, content, theme), tmp_path / "output"
    first = command_line_build(settings, output)
    assert first["pelican_modules"]  # a build that runs Pelican
    truth = files(output)
    assert truth == fresh(content, theme, tmp_path, "fresh")
    (output / "about/index.html").write_text("被改坏了", encoding="utf-8")
    (output / MONTH_PAGE).unlink()
    before = mtimes(output)
    report = command_line_build(settings, output)
    assert report["incremental"]["unchanged_inputs"] is True and report["pelican_modules"] == []
    assert (report["pages"], report["files"], report["pages_by_kind"]) == (
        first["pages"],
        first["files"],
        first["pages_by_kind"],
    )
    assert mtimes(output) == before
    assert audit(str(settings), str(output)) == ["内容不同：about/index.html", f"线上版本缺少：{MONTH_PAGE}"]
    shutil.rmtree(f"{output}.work")
    assert command_line_build(settings, output)["incremental"]["reused_work_folder"] is False
    assert files(output) == truth


def test_render_keys_are_the_same_in_every_process(tmp_path):
    """Every build is a process of its own, and each orders a set of strings its own way (Python's
    hash randomisation): a key that held such an order would change on every build, and its page
    would be rendered again each time though nothing it shows changed (every ledger month, village
    and town page did, through the order of the village settings). Three seeds: a set of two
    strings has two orders, and two processes agree on one half the time."""
    content, theme = copy_site(tmp_path)
    settings = site_settings(tmp_path, content, theme)
    keys = {}
    for seed in (1, 2, 3):
        output = tmp_path / f"output-{seed}"
        command_line_build(settings, output, hash_seed=seed)
        saved = json.loads((pathlib.Path(f"{output}.work") / "cache" / "render-keys.json").read_text(encoding="utf-8"))
        keys[seed] = {path: entry[0] for path, entry in saved.items()}
    assert len(keys[1]) > 300 and keys[1].keys() == keys[2].keys() == keys[3].keys()
    assert [path for path in keys[1] if not keys[1][path] == keys[2][path] == keys[3][path]] == []


def test_the_clock_passing_a_scheduled_time_rebuilds_and_nothing_else_does(tmp_path, monkeypatch):
    content, theme = copy_site(tmp_path)
    output = tmp_path / "output"
    (content / "news/2030-06-01").mkdir()
    (content / "news/2030-06-01/scheduled.md").write_text(
        "Title: 九点整发布的稿件\nDate: 2030-06-01 09:00\nCategory: 社会\nAuthor: 王定时\nSlug: scheduled-at-nine\n"
        "Summary: 定时发布的稿件。\n\n九点整发布。\n",
        encoding="utf-8",
    )
    page = output / "news/2030/06/scheduled-at-nine/index.html"
    report = build_with_clock(content, theme, output, monkeypatch, "2030-06-01T08:59")
    assert not page.exists() and report["scheduled"][0]["date"].startswith("2030-06-01T09:00")
    report = build_with_clock(content, theme, output, monkeypatch, "2030-06-01T08:59:59")
    assert report["incremental"]["unchanged_inputs"] is True and not page.exists()
    report = build_with_clock(content, theme, output, monkeypatch, "2030-06-01T09:00")
    assert "unchanged_inputs" not in report["incremental"] and page.is_file()
    assert "九点整发布的稿件" in (output / "index.html").read_text(encoding="utf-8")
    report = build_with_clock(content, theme, output, monkeypatch, "2030-06-01T09:01")
    assert report["incremental"]["unchanged_inputs"] is True and page.is_file()
    # Past midnight the problem list's overdue counts move, with no file changed: pages are rebuilt.
    report = build_with_clock(content, theme, output, monkeypatch, "2030-06-02T09:00")
    assert "unchanged_inputs" not in report["incremental"] and page.is_file()
    report = build_with_clock(content, theme, output, monkeypatch, "2030-06-01T08:00")  # the clock went back
    assert "unchanged_inputs" not in report["incremental"] and not page.exists()


def test_one_ledger_edit_rewrites_exactly_the_pages_that_show_it(tmp_path):
    content, theme = copy_site(tmp_path)
    output = tmp_path / "output"
    build(content, theme, output)
    truth_before = fresh(content, theme, tmp_path, "fresh-before")
    assert files(output) == truth_before
    before = mtimes(output)
    ledger = content / LEDGER
    ledger.write_bytes(ledger.read_bytes().replace(b"253.17", b"263.17"))
    report = build(content, theme, output)
    truth_after = fresh(content, theme, tmp_path, "fresh-after")
    assert files(output) == truth_after  # nothing stale anywhere
    shows_the_ledger = differing(truth_before, truth_after)
    touched = {name for name, mtime in mtimes(output).items() if before.get(name) != mtime}
    # The search index too: only the files whose bytes changed are written again.
    assert touched == shows_the_ledger
    assert any(name.startswith("search-index/ledgers-2020/t/") for name in touched)
    assert MONTH_PAGE in touched and "disclosures/villages/xiangshui/2020-06.csv" in touched
    assert report["incremental"]["pages_changed"] is True
    assert not [name for name in touched if name.startswith(("news/", "editions/", "tag/"))]


def test_a_template_change_rebuilds_every_page(tmp_path):
    content, theme = copy_site(tmp_path)
    output = tmp_path / "output"
    build(content, theme, output)
    base = theme / "templates/base.html"
    base.write_text(base.read_text(encoding="utf-8").replace("</body>", "<!-- 模板已改 --></body>"), encoding="utf-8")
    report = build(content, theme, output)
    assert report["incremental"]["reused_work_folder"] is False
    pages = [p for p in output.rglob("*.html")]
    assert pages and all("模板已改" in p.read_text(encoding="utf-8") for p in pages)
    assert files(output) == fresh(content, theme, tmp_path, "fresh")


def test_a_removed_article_leaves_no_page_behind(tmp_path):
    content, theme = copy_site(tmp_path)
    output = tmp_path / "output"
    build(content, theme, output)
    (content / "news/2020-07-08/lottery-jackpot.md").unlink()
    report = build(content, theme, output)
    assert not (output / "news/2020/07/lottery-jackpot").exists()
    assert not (tmp_path / "output.work/site/news/2020/07/lottery-jackpot").exists()
    assert "news/2020/07/lottery-jackpot/index.html" in report["changed_paths"]["removed"]
    assert files(output) == fresh(content, theme, tmp_path, "fresh")


def test_a_build_refused_while_reading_keeps_the_output_and_the_work_folder(tmp_path):
    """An editor's mistake is found before any page is written: the work folder is still the last
    clean build's, so the build after the fix is incremental (and equals a fresh build)."""
    content, theme = copy_site(tmp_path)
    output = tmp_path / "output"
    build(content, theme, output)
    kept = files(output)
    article = content / "news/2020-07-08/lottery-jackpot.md"
    good = article.read_text(encoding="utf-8")
    article.write_text(good.replace("Edition_Position: 4", "Edition_Position: 1"), encoding="utf-8")
    failed = attempt(content, theme, output)
    assert not failed.ok and files(output) == kept
    assert (tmp_path / "output.work/site/.complete").exists()
    article.write_text(good.replace("老彩民。", "老彩民了。"), encoding="utf-8")
    report = build(content, theme, output)
    assert report["incremental"]["reused_work_folder"] is True
    assert files(output) == fresh(content, theme, tmp_path, "fresh")


def test_a_build_that_fails_after_writing_starts_the_next_one_clean(tmp_path, monkeypatch):
    content, theme = copy_site(tmp_path)
    output = tmp_path / "output"
    build(content, theme, output)
    kept = files(output)
    from plugins.seo import seo  # fails after every page is written, as a broken plugin would

    def broken(*args, **kwargs):
        raise RuntimeError("站点地图写坏了")

    monkeypatch.setattr(seo, "write_sitemap_files", broken)
    failed = attempt(content, theme, output)
    assert not failed.ok and files(output) == kept
    assert not (tmp_path / "output.work/site/.complete").exists()
    monkeypatch.undo()
    report = build(content, theme, output)
    assert report["incremental"]["reused_work_folder"] is False
    assert files(output) == fresh(content, theme, tmp_path, "fresh")


def test_releases_share_unchanged_files_and_are_never_written_to(tmp_path):
    content, theme = copy_site(tmp_path)
    settings = tmp_path / "settings.py"
    settings.write_text(
        f"import sys\nsys.path.insert(0, {str(ROOT)!r})\nfrom pelicanconf import *\n"
        f"PATH = {str(content)!r}\nTHEME = {str(theme)!r}\nBUILD_TIME = '2030-01-01T00:00'\n",
        encoding="utf-8",
    )
    first = pathlib.Path(publish(str(settings), str(tmp_path / "releases")).site_path)
    first_files = files(first)
    ledger = content / LEDGER
    ledger.write_bytes(ledger.read_bytes().replace(b"253.17", b"263.17"))
    second = pathlib.Path(publish(str(settings), str(tmp_path / "releases")).site_path)
    assert files(first) == first_files  # the old release did not change under the new one
    assert (
        os.stat(first / "news/2020/07/lottery-jackpot/index.html").st_ino
        == os.stat(second / "news/2020/07/lottery-jackpot/index.html").st_ino
    )
    assert os.stat(first / MONTH_PAGE).st_ino != os.stat(second / MONTH_PAGE).st_ino
    assert (first / MONTH_PAGE).read_bytes() != (second / MONTH_PAGE).read_bytes()


def test_one_article_edit_through_the_content_cache_matches_a_fresh_build(tmp_path):
    content, theme = copy_site(tmp_path)
    output = tmp_path / "output"
    build(content, theme, output)
    truth_before = fresh(content, theme, tmp_path, "fresh-before")
    before = mtimes(output)
    article = content / "news/2020-07-08/giant-apple-melon.md"
    article.write_text(article.read_text(encoding="utf-8").replace("Summary: ", "Summary: 更正："), encoding="utf-8")
    report = build(content, theme, output)
    truth_after = fresh(content, theme, tmp_path, "fresh-after")
    assert files(output) == truth_after
    touched = {name for name, mtime in mtimes(output).items() if before.get(name) != mtime}
    assert touched == differing(truth_before, truth_after)
    assert "news/2020/07/giant-apple-melon/index.html" in touched and "index.html" in touched  # summary is listed
    assert 0 < report["incremental"]["written"] < report["pages"]


def _replace(path: pathlib.Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8-sig")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, count), encoding="utf-8")


# Edits of every kind an editor makes, each reaching pages through a different path: an article's
# own page, cards on listings and on other articles (related stories, edition neighbours), the
# navigation, the front page, generated disclosure pages and their back-references.
EDITS = {
    "article title": lambda c: _replace(
        c / "news/2020-07-08/lottery-jackpot.md", "Title: 醴陵一福彩站点", "Title: 醴陵一个福彩站点"
    ),
    "article category": lambda c: _replace(
        c / "news/2020-07-08/giant-apple-melon.md", "Category: 三农", "Category: 社会"
    ),
    "article tag": lambda c: _replace(c / "news/2020-07-08/first-ciyi-post.md", "Tags: ", "Tags: 新标签, "),
    # an article's text links to another: its key must read the other's address, not only its own
    # file (plugins/incremental_writer/render_keys.may_link), so that moving the other is seen
    # (from an article in an edition and a section of its own, so that only the link reads the
    # other's address: every article of one edition shows the edition's list)
    "link to another article": lambda c: (
        (c / "news/2020-07-09").mkdir()
        or (c / "news/2020-07-09/linking-brief.md").write_text(
            "Title: 醴陵又一简讯\nDate: 2020-07-09 08:00\nCategory: 城建\nTags: 简讯\nSlug: linking-brief\n"
            "Author: 张洁\nSummary: 一条提到福彩站点的简讯。\nEdition: 2020-07-09\nEdition_Position: 1\n\n"
            "一条简讯。另见[福彩站点再中大奖]({filename}../2020-07-08/lottery-jackpot.md)。\n",
            encoding="utf-8",
        )
    ),
    "linked article's slug": lambda c: _replace(
        c / "news/2020-07-08/lottery-jackpot.md", "Slug: lottery-jackpot", "Slug: lottery-jackpot-again"
    ),
    "new article": lambda c: (c / "news/2020-07-08/new-brief.md").write_text(
        "Title: 醴陵简讯\nDate: 2020-07-08 08:00\nCategory: 社会\nTags: 简讯\nSlug: new-brief\nAuthor: 张洁\n"
        "Summary: 一条新的简讯。\nEdition: 2020-07-08\nEdition_Position: 6\n\n一条新的简讯。\n",
        encoding="utf-8",
    ),
    "section name": lambda c: _replace(c / "sections.toml", 'name = "城建"', 'name = "城市建设"'),
    "standing page": lambda c: _replace(c / "pages/about.md", "Title: 关于本站", "Title: 关于我们"),
    "department name": lambda c: [
        _replace(c / "disclosures" / name, "醴陵市民政局,", "醴陵市民政事务局,", count=-1)
        for name in ("departments.csv", "power-list.csv", "problems.csv")
    ],
    "village supervisor": lambda c: _replace(c / "disclosures/villages.csv", "刘桂英", "刘桂兰"),
    # an early month: every later month's opening and closing balances change with it
    "early ledger month": lambda c: _replace(c / "disclosures/finance/xiangshui/2020-01.csv", ",7000.00,", ",7001.00,"),
    # the search page carries the synonyms table; no other page reads it
    "search synonym": lambda c: _replace(
        c / "search-synonyms.csv", "歌厅,娱乐场所\n", "歌厅,娱乐场所\n网吧,上网服务\n"
    ),
}


def test_render_keys_see_every_kind_of_edit(tmp_path):
    """After each edit an audit build renders every page: a page whose key matched must be unchanged."""
    content, theme = copy_site(tmp_path)
    output = tmp_path / "output"
    build(content, theme, output)
    for name, edit in EDITS.items():
        edit(content)
        report = build(content, theme, output)  # fails on any page the keys would have left stale
        assert report["incremental"]["reused_work_folder"], name
        assert report["pages_changed"] > 0, name
    assert files(output) == fresh(content, theme, tmp_path, "fresh")


def test_pages_whose_inputs_did_not_change_are_not_rendered(tmp_path):
    content, theme = copy_site(tmp_path)
    output = tmp_path / "output"
    build(content, theme, output, audit=False)
    ledger = content / LEDGER
    ledger.write_bytes(ledger.read_bytes().replace(b"253.17", b"263.17"))
    report = build(content, theme, output, audit=False)
    tally = report["incremental"]
    assert tally["not_rendered"] > 0.8 * report["pages"]  # news, editions, the power list: untouched
    assert 0 < tally["written"] and tally["written"] + tally["kept"] < 0.2 * report["pages"]
    assert files(output) == fresh(content, theme, tmp_path, "fresh")


def test_invoke_build_audit_renders_every_page_of_the_kept_work_folder(tmp_path):
    """An audit is only worth something on the work folder it audits: same fingerprint, no shortcut."""
    content, theme = copy_site(tmp_path)
    output = tmp_path / "output"
    build(content, theme, output, audit=False)
    report = build(content, theme, output, audit=True)
    assert report["incremental"]["reused_work_folder"] and "unchanged_inputs" not in report["incremental"]
    assert report["incremental"]["not_rendered"] == 0 and report["incremental"]["written"] == 0
    assert report["incremental"]["kept"] == report["pages"]


def test_an_audit_names_each_page_a_render_key_would_have_left_stale(tmp_path, monkeypatch):
    """The audit is what makes the key rules safe to edit: drop one field a template reads from a
    section's declaration and the next change to it must fail the build, page by page."""
    from plugins.incremental_writer import render_keys
    from plugins.sections.declaration import Section

    content, theme = copy_site(tmp_path)
    output = tmp_path / "output"
    full_view = render_keys.TEMPLATE_VIEWS[Section]
    monkeypatch.setitem(
        render_keys.TEMPLATE_VIEWS,
        Section,
        lambda section: {k: v for k, v in full_view(section).items() if k != "name"},
    )
    build(content, theme, output)
    _replace(content / "sections.toml", 'name = "城建"', 'name = "城市建设"')
    failed = attempt(content, theme, output)
    assert not failed.ok
    # the navigation of every page shows the section's name
    assert "渲染键漏掉了页面的输入（页面已按新内容重写）：about/index.html" in failed.problems
    assert "渲染键漏掉了页面的输入（页面已按新内容重写）：news/2020/07/lottery-jackpot/index.html" in failed.problems


def test_the_sweep_for_stale_files_lists_the_pages_the_search_step_indexes(tmp_path):
    """remove_stale's walk is the only walk of the work folder in a rebuild: the pages it leaves are
    what the search step groups by shard. A stale page must not be listed (its search document
    would outlive it), a page another step wrote after the start must be, and nothing in the
    index's own folder or a precompressed copy counts as a page."""
    from buildtools.incremental import remove_stale, start_marker
    from buildtools.search_shards import FOLDER
    from plugins.portal_data.tree import tree_files

    work = tmp_path / "site"
    for relative in ("news/old/index.html", "news/kept/index.html", "search-index/x/index.html"):
        (work / relative).parent.mkdir(parents=True, exist_ok=True)
        (work / relative).write_text("old", encoding="utf-8")
    newest_old = max(path.stat().st_ctime_ns for path in work.rglob("*") if path.is_file())
    # Inode times advance by the kernel's tick (or whole seconds on some file systems): start only
    # once the marker's time is past the old files'.
    threshold = start_marker(str(tmp_path))
    while threshold <= newest_old:
        time.sleep(0.01)
        threshold = start_marker(str(tmp_path))
    for relative in ("news/new/index.html", "static/handout.html", "news/new/index.html.gz", "sitemap.xml"):
        (work / relative).parent.mkdir(parents=True, exist_ok=True)
        (work / relative).write_text("new", encoding="utf-8")
    kept = {str(work / "news/kept/index.html"), str(work / "news/new/index.html")}
    written = {str(work / "news/new/index.html")}

    sweep = remove_stale(str(work), threshold, kept, written)

    assert sweep.removed == ["news/old/index.html"]
    assert not (work / "news/old/index.html").exists()
    assert sorted(sweep.pages) == ["news/kept/index.html", "news/new/index.html", "static/handout.html"]
    # What the search step would have found by walking the folder itself, in the same order.
    walked = [relative for relative, _ in tree_files(str(work), skip_folders={FOLDER}) if relative.endswith(".html")]
    assert sweep.pages == walked
    assert sweep.touched == {"news/new/index.html", "static/handout.html", "sitemap.xml"}


def test_a_ledger_month_is_keyed_by_every_field_of_every_voucher():
    """Months are keyed by one repr of their vouchers: a field a repr leaves out would go unseen."""
    import dataclasses
    import datetime as dt
    from decimal import Decimal

    from plugins.incremental_writer.render_keys import ValueDigests
    from plugins.village_disclosure.model import LedgerMonth, Voucher

    assert all(field.repr for field in dataclasses.fields(Voucher))
    voucher = Voucher(
        2, dt.date(2020, 6, 3), "记-01", "保洁费", "管理费用", Decimal("0"), Decimal("253.17"), "甲", "乙", "丙"
    )
    month = LedgerMonth("xiangshui", dt.date(2020, 6, 1), [voucher], Decimal("1000.00"))
    key = ValueDigests().digest(month)
    for name, value in (("witness", "丁"), ("expenditure", Decimal("253.170")), ("line", 3)):
        changed = LedgerMonth(
            month.village_code, month.month, [dataclasses.replace(voucher, **{name: value})], Decimal("1000.00")
        )
        assert ValueDigests().digest(changed) != key, name
    assert ValueDigests().digest(LedgerMonth(month.village_code, month.month, [voucher], Decimal("1000.00"))) == key


def test_an_articles_attribute_is_keyed_unless_it_is_the_very_metadata_item():
    """An article page's key leaves out the attributes Pelican copied from its metadata (the same
    objects are in its identity), never an attribute a plugin set to something else."""
    import datetime as dt

    from pelican.contents import Article
    from pelican.settings import DEFAULT_CONFIG

    from plugins.incremental_writer.render_keys import ValueDigests

    settings = {**DEFAULT_CONFIG, "PATH": "/content"}
    article = Article(
        "<p>正文</p>",
        metadata={"title": "醴陵瓷城驿站开张", "date": dt.datetime(2020, 7, 8)},
        settings=settings,
        source_path="/content/news/a.md",
    )
    assert article.title is article.metadata["title"]
    key = ValueDigests().root(article)
    article.title = "醴陵首个瓷城驿站开张"  # a plugin changing what the page shows, metadata untouched
    assert ValueDigests().root(article) != key
    article.title = article.metadata["title"]
    assert ValueDigests().root(article) == key


def test_an_article_named_by_its_file_is_still_keyed_by_the_address_its_links_read():
    """A render key may name an article by its file's digest (read_from) instead of its text,
    unless the text links to another page: that page's address, not the file, decides the link."""
    import datetime as dt

    from pelican.contents import Article
    from pelican.settings import DEFAULT_CONFIG

    from plugins.incremental_writer.render_keys import ValueDigests

    settings = {**DEFAULT_CONFIG, "PATH": "/content"}
    context = {"generated_content": {}, "static_content": {}, "localsiteurl": ""}

    def article(name: str, text: str) -> Article:
        metadata = {"title": name, "slug": name, "date": dt.datetime(2020, 7, 8)}
        made = Article(
            text, metadata=metadata, settings=settings, source_path=f"/content/news/{name}.md", context=context
        )
        context["generated_content"][f"news/{name}.md"] = made
        return made

    linked = article("lottery", "<p>彩票</p>")
    plain = article("melon", "<p>苹果瓜</p>")
    linking = article("brief", '<p>另见<a href="{filename}lottery.md">福彩</a></p>')

    def key(content, read_from: str) -> str:
        return ValueDigests({id(content): read_from}).digest(content)

    assert key(plain, "bytes-1") == key(plain, "bytes-1") != key(plain, "bytes-2")
    before = key(linking, "bytes-1")
    linked.override_url = "news/lottery-again.html"  # the linked article moved, this file did not
    assert key(linking, "bytes-1") != before
    # The shortcut itself: the text is not read. So the build runner names an article by its
    # file only while its text is the object read from those bytes (read_from_identities).
    unchanged = key(plain, "bytes-1")
    plain._content = "<p>另一段正文</p>"
    assert key(plain, "bytes-1") == unchanged

    # A site's own link pattern (INTRASITE_LINK_REGEX) is searched with, not the default's marks.
    settings["INTRASITE_LINK_REGEX"] = "%(?P<what>.*?)%"
    linked.override_url = "news/lottery.html"
    own_pattern = article("notice", '<p>另见<a href="%filename%lottery.md">福彩</a></p>')
    before = key(own_pattern, "bytes-1")
    linked.override_url = "news/lottery-again.html"
    assert key(own_pattern, "bytes-1") != before


def test_a_page_key_reaches_every_article_it_digests_also_inside_an_object_digested_before():
    """What a page's key reached (ValueDigests.reach: source names) decides which pages a
    correction renders again while its generator group keeps the rest; an article inside an
    object whose digest is remembered from an earlier page is reached by every page showing it."""
    import dataclasses
    import datetime as dt

    from pelican.contents import Article
    from pelican.settings import DEFAULT_CONFIG

    from plugins.incremental_writer.render_keys import ValueDigests

    settings = {**DEFAULT_CONFIG, "PATH": "/content"}

    def article(name: str) -> Article:
        metadata = {"title": name, "date": dt.datetime(2020, 7, 8)}
        return Article("<p>正文</p>", metadata=metadata, settings=settings, source_path=f"/content/news/{name}.md")

    @dataclasses.dataclass
    class Edition:
        lead: Article
        number: int

    melon, lottery, post = article("melon"), article("lottery"), article("post")
    edition = Edition(melon, 1)
    digests = ValueDigests()
    digests.page_key("edition.html", {"edition": edition, "title": "一期"}, frozenset({"edition", "title"}))
    assert digests.reach() == {"news/melon.md"}
    digests.page_key("index.html", {"editions": [edition], "articles": [lottery]}, frozenset({"editions", "articles"}))
    assert digests.reach() == {"news/melon.md", "news/lottery.md"}  # the edition's digest was remembered
    digests.page_key("post.html", {"article": post, "unread": melon}, frozenset({"article"}))
    assert digests.reach() == {"news/post.md"}  # a variable its template does not read is not reached


def test_a_generator_groups_inputs_digest_is_the_digest_of_its_inputs_with_shared_items_digested_once():
    from plugins.incremental_writer import incremental_writer
    from plugins.incremental_writer.render_keys import ValueDigests
    from plugins.portal_data.digests import digest_of

    digests, lists = ValueDigests(), [["news/a.md", "news/b.md"], {"section": "yaowen"}]
    now, before, item_digests = ["reading now", *lists], ["reading before", *lists], {}
    for inputs in (now, before, "一"):
        expected = digest_of("generator-group", "@Articles", ValueDigests().digest(inputs))
        assert incremental_writer._generator_inputs_digest("@Articles", inputs, digests, item_digests) == expected
    assert set(item_digests) == {id(item) for item in (*now, before[0])}  # the shared lists once
