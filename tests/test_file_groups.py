"""File groups (plugins/portal_data/file_groups.py): one model's pages and files kept together."""

from __future__ import annotations

import os
import pathlib

import jinja2
import pytest
from pelican.settings import DEFAULT_CONFIG
from pelican.writers import FileOverwriteFailedError, Writer

from plugins.incremental_writer.incremental_writer import (
    IN_GENERATOR_GROUP,
    OutputRecord,
    UnchangedFilesWriter,
    share_of,
)
from plugins.portal_data.downloads import write_derived
from plugins.portal_data.file_groups import file_group, generator_group
from tests.test_incremental import EDITS, LEDGER, _replace, attempt, build, copy_site, files, fresh

TEMPLATES = {
    "page.html": "<p>{{ SITENAME }} {{ item }} {{ output_file }}</p>",
    "other.html": "<p>{{ UNRELATED }}</p>",
}


class Generator:
    """What a group needs of a Pelican generator: its shared context and its Jinja environment."""

    def __init__(self, context=None):
        self.env = jinja2.Environment(loader=jinja2.DictLoader(TEMPLATES))
        self.context = {"SITENAME": "醴陵", "UNRELATED": "一", "localsiteurl": None, **(context or {})}
        self.rendered: list[str] = []

    def write(self, writer, folder: str, items: list[str]) -> bool:
        """The group's pages (one per item) and one derived file; returns whether it was kept."""
        with file_group(writer, self, folder, items) as kept:
            if not kept:
                for item in items:
                    self.rendered.append(item)
                    writer.write_file(
                        f"{folder}/{item}/index.html",
                        self.env.get_template("page.html"),
                        self.context,
                        relative_urls=True,
                        item=item,
                    )
                write_derived(
                    writer, writer.output_path, f"{folder}/items.csv", items, lambda: ",".join(items).encode()
                )
        return kept


class Previous:
    """The last clean build as the build runner hands it over: each file's key with its size and
    mtime (taken right after that build), and its groups."""

    def __init__(self, record: OutputRecord, output: pathlib.Path):
        self.render_keys, self.groups = record.render_keys, record.groups
        self.keys = {}
        for relative, key in record.render_keys.items():
            stat = os.stat(output / relative)
            self.keys[relative] = [key, stat.st_size, stat.st_mtime_ns]


def writer_for(output: pathlib.Path, previous: Previous | None = None, audit=False) -> UnchangedFilesWriter:
    writer = UnchangedFilesWriter(str(output), settings=dict(DEFAULT_CONFIG))
    if previous is None:
        writer.use_record(OutputRecord({}, audit=audit))
    else:
        writer.use_record(OutputRecord(previous.keys, audit=audit, previous_groups=previous.groups))
    return writer


def first_build(tmp_path, folder="a/b/village", items=("2020-01", "2020-02")) -> Previous:
    writer = writer_for(tmp_path)
    assert not Generator().write(writer, folder, list(items))
    assert [tuple(file[:2]) for file in writer.record.groups[folder][2]] == [
        (f"{folder}/{items[0]}/index.html", "page"),
        (f"{folder}/{items[1]}/index.html", "page"),
        (f"{folder}/items.csv", "file"),
    ]
    return Previous(writer.record, tmp_path)


def test_an_unchanged_group_is_kept_whole_with_what_writing_it_leaves_behind(tmp_path):
    record = first_build(tmp_path)
    writer, generator = writer_for(tmp_path, record), Generator()
    assert generator.write(writer, "a/b/village", ["2020-01", "2020-02"])
    assert generator.rendered == []
    assert writer.record.tally == {
        "written": 0,
        "kept": 0,
        "not_rendered": 3,
        "groups_kept": 1,
        "generators_kept": 0,
        "generators_kept_in_part": 0,
    }
    assert writer.record.render_keys == record.render_keys  # saved again for the build after
    assert writer.record.paths == {str(tmp_path / name) for name in record.render_keys}
    assert writer.record.groups == record.groups
    # Pelican's record of the kept pages: a second page at one of their paths is still refused
    with pytest.raises(FileOverwriteFailedError, match="already written"):
        writer.write_file("a/b/village/2020-01/index.html", generator.env.get_template("other.html"), {})
    # and the context's localsiteurl is what the group's last page set, as if it had been written
    assert generator.context["localsiteurl"] == "../../../.."


@pytest.mark.parametrize(
    "change",
    ["an input", "a value the templates read", "a file in the work folder"],
)
def test_a_group_is_written_again_when_anything_its_files_show_changed(tmp_path, change):
    record = first_build(tmp_path)
    items, context = ["2020-01", "2020-02"], {}
    if change == "an input":
        items = ["2020-01", "2020-03"]
    elif change == "a value the templates read":
        context = {"SITENAME": "醴陵市"}
    else:
        (tmp_path / "a/b/village/items.csv").write_text("2020-01,2020-02,手改")
    generator = Generator(context)
    assert not generator.write(writer_for(tmp_path, record), "a/b/village", items)
    assert generator.rendered == items


def test_a_file_another_page_wrote_over_later_in_the_build_is_written_again(tmp_path):
    """Pelican lets a page with `override_output` overwrite another's file (a page whose Save_as
    is an article's path): the next build must not keep the group's record of that file."""
    writer, generator = writer_for(tmp_path), Generator()
    generator.write(writer, "a/b/village", ["2020-01", "2020-02"])
    page = "a/b/village/2020-01/index.html"
    writer.write_file(page, generator.env.get_template("other.html"), generator.context, override_output=True)
    assert (tmp_path / page).read_text(encoding="utf-8") == "<p>一</p>"
    previous = Previous(writer.record, tmp_path)
    generator = Generator()  # the overriding page is gone: the group's own page belongs there again
    assert not generator.write(writer_for(tmp_path, previous), "a/b/village", ["2020-01", "2020-02"])
    assert (tmp_path / page).read_text(encoding="utf-8").startswith("<p>醴陵 2020-01")


def test_an_audit_does_not_blame_a_group_for_a_page_written_over_its_file(tmp_path):
    writer, generator = writer_for(tmp_path), Generator()
    generator.write(writer, "a/b/village", ["2020-01", "2020-02"])
    page = "a/b/village/2020-01/index.html"
    writer.write_file(page, generator.env.get_template("other.html"), generator.context, override_output=True)
    audit = writer_for(tmp_path, Previous(writer.record, tmp_path), audit=True)
    Generator().write(audit, "a/b/village", ["2020-01", "2020-02"])
    assert audit.record.key_misses == []


def test_without_groups_articles_are_written_in_pelicans_order():
    """The first page to link a file with {attach} decides where it goes: without file groups
    (Pelican's own writer) the articles generator writes in Pelican's order, not by folder."""
    from buildtools.parallel_output import LinearArchivesGenerator

    class Article:
        def __init__(self, save_as):
            self.save_as = self.url = save_as
            self.template, self.category = "article", None

    generator = LinearArchivesGenerator.__new__(LinearArchivesGenerator)
    generator.translations = [Article("news/2020/08/t/index.html")]
    generator.articles = [Article("news/2020/07/a/index.html"), Article("news/2020/08/b/index.html")]
    generator.hidden_translations, generator.hidden_articles = [], [Article("news/2020/07/h/index.html")]
    generator.context, generator.get_template = {}, lambda name: name
    written = []
    generator.generate_articles(lambda name, *args, **kwargs: written.append(name))
    assert written == [
        "news/2020/08/t/index.html",
        "news/2020/07/a/index.html",
        "news/2020/08/b/index.html",
        "news/2020/07/h/index.html",
    ]


def test_a_damaged_groups_file_only_costs_time(tmp_path):
    from buildtools.incremental_build import load_file_groups

    path = tmp_path / "file-groups.json"
    path.write_text(
        '{"a/b/c": ["k", ["page.html"], [["a/b/c/x.html", "page"]], null], '
        '"a/b/d": ["k", ["page.html"], [["a/b/d/x.html", "page", "key"]], null], "a/b/e": 3}',
        encoding="utf-8",
    )
    assert list(load_file_groups(str(path))) == ["a/b/d"]
    path.write_text("{not json", encoding="utf-8")
    assert load_file_groups(str(path)) == {}


def test_a_value_no_template_of_the_group_reads_keeps_it(tmp_path):
    record = first_build(tmp_path)
    assert Generator({"UNRELATED": "二"}).write(writer_for(tmp_path, record), "a/b/village", ["2020-01", "2020-02"])


def test_a_group_with_a_file_outside_its_folder_is_never_recorded(tmp_path):
    writer, generator = writer_for(tmp_path), Generator()
    with file_group(writer, generator, "a/b/village", ["x"]) as kept:
        assert not kept
        writer.write_derived_file("a/b/elsewhere.csv", ["x"], lambda: b"x")
    assert writer.record.groups == {}
    # and a folder less than three levels down could span workers' shares: no group at all
    assert not generator.write(writer, "a/village", ["y"])
    assert writer.record.groups == {}


def test_groups_do_not_nest(tmp_path):
    writer, generator = writer_for(tmp_path), Generator()
    with file_group(writer, generator, "a/b/one", []):
        with pytest.raises(RuntimeError, match="^文件组不能嵌套：a/b/one 里又开始 a/b/two$"):
            writer.begin_group(generator, "a/b/two", [])


def test_with_pelicans_own_writer_every_group_is_written(tmp_path):
    generator = Generator()
    assert not generator.write(Writer(str(tmp_path), settings=dict(DEFAULT_CONFIG)), "a/b/village", ["2020-01"])
    assert generator.rendered == ["2020-01"]
    assert (tmp_path / "a/b/village/2020-01/index.html").read_text(encoding="utf-8").startswith("<p>醴陵 2020-01")


def test_another_workers_group_is_skipped_only_when_the_last_build_recorded_it(tmp_path):
    folder = next(f"a/b/v{n}" for n in range(100) if share_of(f"a/b/v{n}", 2) == 1)
    record = first_build(tmp_path, folder)
    for previous, skipped in ((None, False), (record, True)):
        writer, generator = writer_for(tmp_path, previous), Generator({"localsiteurl": "../earlier"})
        writer.record.share, writer.record.workers = 0, 2
        assert generator.write(writer, folder, ["2020-01", "2020-02"]) is skipped
        assert generator.context["localsiteurl"] == "../../../.."  # as its last page would leave it
        assert generator.rendered == ([] if skipped else ["2020-01", "2020-02"])  # rendered: not here


def test_an_audit_names_a_file_whose_key_changed_while_its_groups_did_not(tmp_path):
    record = first_build(tmp_path)
    writer = writer_for(tmp_path, record, audit=True)
    generator = Generator()
    # The second page is given a site name the group's key does not know of: an input it missed.
    with file_group(writer, generator, "a/b/village", ["2020-01", "2020-02"]) as kept:
        assert not kept  # an audit keeps nothing
        for item in ["2020-01", "2020-02"]:
            writer.write_file(
                f"a/b/village/{item}/index.html",
                generator.env.get_template("page.html"),
                {**generator.context, "SITENAME": "醴陵" if item == "2020-01" else "醴陵市"},
                relative_urls=True,
                item=item,
            )
        writer.write_derived_file("a/b/village/items.csv", ["2020-01", "2020-02"], lambda: b"2020-01,2020-02")
    assert writer.record.key_misses == ["a/b/village/2020-02/index.html（文件组 a/b/village 的键没变）"]


# The real site: six villages' disclosures.


def generator_groups(tmp_path) -> list[str]:
    from buildtools.incremental_build import FILE_GROUPS_FILE, load_file_groups

    return [name for name in load_file_groups(str(tmp_path / "output.work/cache" / FILE_GROUPS_FILE)) if name[0] == "@"]


def audit_after(tmp_path, edit) -> list[str]:
    """The problems of an audit build of the real site after `edit(content)`; it must fail."""
    content, theme = copy_site(tmp_path)
    output = tmp_path / "output"
    build(content, theme, output)
    edit(content)
    failed = attempt(content, theme, output)
    assert not failed.ok
    return failed.problems


def test_one_ledger_edit_keeps_every_other_villages_group_and_matches_a_clean_build(tmp_path):
    content, theme = copy_site(tmp_path)
    output = tmp_path / "output"
    build(content, theme, output, audit=False)
    _replace(content / LEDGER, "253.17", "263.17")
    report = build(content, theme, output, audit=False)
    villages = len(list((output / "disclosures/villages").glob("*/index.html")))
    news_months = len({page.parent.parent for page in (output / "news").glob("*/*/*/index.html")})  # news/2020/07
    assert villages > 2 and news_months >= 1
    assert report["incremental"]["groups_kept"] == villages - 1 + news_months
    # the articles generator's whole output, one group in each worker's share, and the others'
    # but the sections': the ledger's entry in 村务公开 shows its month's totals
    groups = generator_groups(tmp_path)
    assert any(name.startswith("@SectionsGenerator/") for name in groups)
    kept = [name for name in groups if not name.startswith("@SectionsGenerator/")]
    assert report["incremental"]["generators_kept"] == len(kept) > 0
    assert files(output) == fresh(content, theme, tmp_path, "fresh")
    # a file of a kept group gone from the work folder: that group is written again
    (tmp_path / "output.work/site/disclosures/villages/changling/index.html").unlink()
    _replace(content / LEDGER, "263.17", "273.17")
    report = build(content, theme, output, audit=False)
    assert report["incremental"]["groups_kept"] == villages - 2 + news_months
    assert files(output) == fresh(content, theme, tmp_path, "fresh-again")


def test_a_change_every_village_page_shows_keeps_no_group(tmp_path):
    content, theme = copy_site(tmp_path)
    output = tmp_path / "output"
    build(content, theme, output, audit=False)
    _replace(content / "sections.toml", 'name = "城建"', 'name = "城市建设"')  # the navigation of every page
    report = build(content, theme, output, audit=False)
    assert report["incremental"]["groups_kept"] == 0
    assert files(output) == fresh(content, theme, tmp_path, "fresh")


def test_an_audit_fails_the_build_when_a_village_groups_inputs_leave_something_out(tmp_path, monkeypatch):
    """Leave the village (its ledgers) out of its group's inputs: an amount corrected in one month
    would leave that month's page stale, and the audit names it."""
    from plugins.village_disclosure.village_disclosure import VillageDisclosureGenerator

    inputs = VillageDisclosureGenerator.village_inputs
    monkeypatch.setattr(
        VillageDisclosureGenerator,
        "village_inputs",
        lambda self, village, common, problems: inputs(self, village, common, problems)[1:],
    )
    problems = audit_after(tmp_path, lambda content: _replace(content / LEDGER, "253.17", "263.17"))
    assert (
        "渲染键漏掉了页面的输入（页面已按新内容重写）："
        "disclosures/villages/xiangshui/2020-06/index.html（文件组 disclosures/villages/xiangshui 的键没变）"
    ) in problems


@pytest.mark.parametrize(
    "setting, fits",
    [
        ({}, True),
        ({"VILLAGE_MONTH_SAVE_AS": "disclosures/months/{code}-{month}.html"}, False),
        ({"VILLAGE_FEED_SAVE_AS": "disclosures/villages/{code}/../feeds/{code}.xml"}, False),
    ],
)
def test_a_villages_files_are_grouped_only_where_the_settings_put_them_all_in_its_folder(setting, fits):
    from plugins.village_disclosure.village_disclosure import DEFAULTS, VillageDisclosureGenerator

    generator = VillageDisclosureGenerator.__new__(VillageDisclosureGenerator)
    generator.config = {**DEFAULTS, **setting}
    assert generator.village_files_fit() is fits


def test_an_article_edit_writes_its_months_group_again_and_keeps_the_villages(tmp_path):
    content, theme = copy_site(tmp_path)
    output = tmp_path / "output"
    build(content, theme, output, audit=False)
    EDITS["article title"](content)
    report = build(content, theme, output, audit=False)
    villages = len(list((output / "disclosures/villages").glob("*/index.html")))
    assert report["incremental"]["groups_kept"] == villages  # the one month of news: written again
    assert report["incremental"]["generators_kept"] == 0
    assert files(output) == fresh(content, theme, tmp_path, "fresh")


def test_an_audit_fails_the_build_when_an_article_groups_inputs_leave_something_out(tmp_path, monkeypatch):
    from buildtools import parallel_output

    monkeypatch.setattr(parallel_output, "AsPage", lambda article: None)  # the articles left out
    problems = audit_after(tmp_path, EDITS["article title"])
    assert (
        "渲染键漏掉了页面的输入（页面已按新内容重写）："
        "news/2020/07/lottery-jackpot/index.html（文件组 news/2020/07 的键没变）"
    ) in problems


# Generator groups: a generator's whole output in one worker's share.


class WholeGenerator(Generator):
    """A generator whose output is one generator group: pages anywhere in the output, one file
    with no render key of its own (as Pelican's write_feed writes a feed), and a file group."""

    PAGES = ("index.html", "tag/one.html", "tag/two.html")

    def write_all(self, writer, inputs, provided=frozenset()) -> bool:
        with generator_group(writer, self, "Whole", inputs, frozenset(), provided) as kept:
            if not kept:
                for page in self.PAGES:
                    self.rendered.append(page)
                    writer.write_file(
                        page, self.env.get_template("page.html"), self.context, relative_urls=True, item=inputs
                    )
                with writer._open_w(str(writer.output_path) + "/feed.xml", "utf-8") as feed:  # as write_feed
                    feed.write(f"<feed>{inputs}</feed>")
                self.write(writer, "a/b/village", ["2020-01"])
        return kept


def whole_first_build(tmp_path, inputs="一") -> Previous:
    writer = writer_for(tmp_path)
    assert not WholeGenerator().write_all(writer, inputs)
    key, templates, listed, localsiteurl, reach = writer.record.groups["@Whole/0-of-1"]
    # What each file's key digested of articles and pages (none here); the feed, with no key of
    # its own, counts as showing every article.
    assert reach == {"names": [], "reach": [[], [], None, [], [], []]}
    assert [entry[:2] for entry in listed] == [
        ["a/b/village/2020-01/index.html", "page"],
        ["a/b/village/items.csv", "file"],
        ["feed.xml", "page"],
        ["index.html", "page"],
        ["tag/one.html", "page"],
        ["tag/two.html", "page"],
    ]
    assert templates == ["page.html"] and localsiteurl == "../../../.."
    assert writer.record.render_keys["feed.xml"] == f"{IN_GENERATOR_GROUP}{key}"  # no key of its own
    return Previous(writer.record, tmp_path)


def test_an_unchanged_generator_group_is_kept_with_its_file_groups_and_what_writing_it_leaves(tmp_path):
    record = whole_first_build(tmp_path)
    writer, generator = writer_for(tmp_path, record), WholeGenerator()
    assert generator.write_all(writer, "一")
    assert generator.rendered == []
    assert writer.record.tally == {
        "written": 0,
        "kept": 0,
        "not_rendered": 6,
        "groups_kept": 1,
        "generators_kept": 1,
        "generators_kept_in_part": 0,
    }
    assert writer.record.groups == record.groups  # the file group inside it too, for the build after
    assert writer.record.render_keys == record.render_keys
    assert writer.record.paths == {str(tmp_path / name) for name in record.render_keys}
    assert generator.context["localsiteurl"] == "../../../.."
    with pytest.raises(FileOverwriteFailedError, match="already written"):
        writer.write_file("tag/one.html", generator.env.get_template("other.html"), {})


@pytest.mark.parametrize("change", ["an input", "a value the templates read", "a file without a key", "a page"])
def test_a_generator_group_is_written_again_when_anything_its_files_show_changed(tmp_path, change):
    record = whole_first_build(tmp_path)
    inputs, context = "一", {}
    if change == "an input":
        inputs = "二"
    elif change == "a value the templates read":
        context = {"SITENAME": "醴陵市"}
    elif change == "a file without a key":
        (tmp_path / "feed.xml").write_text("<feed>手改</feed>", encoding="utf-8")
    else:
        (tmp_path / "tag/two.html").unlink()
    generator = WholeGenerator(context)
    assert not generator.write_all(writer_for(tmp_path, record), inputs)
    assert generator.rendered[:3] == list(WholeGenerator.PAGES)  # (and its file group, if that changed)
    assert (tmp_path / "feed.xml").read_text(encoding="utf-8") == f"<feed>{inputs}</feed>"


def test_a_generator_group_leaves_out_of_its_key_the_values_its_inputs_provide(tmp_path):
    """The articles generator's lists are in its inputs (by source path): the context's copies of
    them are not digested again. (Without `provided`, the same change is written again: above.)"""
    provided = frozenset({"SITENAME"})
    writer = writer_for(tmp_path)
    assert not WholeGenerator().write_all(writer, "一", provided)
    writer = writer_for(tmp_path, Previous(writer.record, tmp_path))
    assert WholeGenerator({"SITENAME": "醴陵市"}).write_all(writer, "一", provided)


def test_each_worker_keeps_its_own_share_of_a_generator_group(tmp_path):
    shares = {}
    for share in (0, 1):
        writer = writer_for(tmp_path)
        writer.record.share, writer.record.workers = share, 2
        WholeGenerator().write_all(writer, "一")
        (name,) = [name for name in writer.record.groups if name.startswith("@")]
        assert name == f"@Whole/{share}-of-2"
        shares[share] = {entry[0] for entry in writer.record.groups[name][2]}
        assert all(share_of(relative, 2) == share for relative in shares[share])
    assert shares[0] | shares[1] == {
        "a/b/village/2020-01/index.html",
        "a/b/village/items.csv",
        "feed.xml",
        "index.html",
        "tag/one.html",
        "tag/two.html",
    }


def test_an_audit_names_a_file_whose_key_changed_while_its_generator_groups_did_not(tmp_path):
    record = whole_first_build(tmp_path)
    writer = writer_for(tmp_path, record, audit=True)
    generator = WholeGenerator()
    with generator_group(writer, generator, "Whole", "一", frozenset(), frozenset()) as kept:
        assert not kept  # an audit keeps nothing
        for page in WholeGenerator.PAGES:  # the last page shows what the inputs do not hold
            writer.write_file(
                page,
                generator.env.get_template("page.html"),
                generator.context,
                relative_urls=True,
                item="一" if page != "tag/two.html" else "二",
            )
        with writer._open_w(str(tmp_path / "feed.xml"), "utf-8") as feed:
            feed.write("<feed>一</feed>")
        generator.write(writer, "a/b/village", ["2020-01"])
    assert writer.record.key_misses == ["tag/two.html（生成器组 @Whole/0-of-1 的键没变）"]


def test_generator_groups_hold_file_groups_but_nothing_holds_a_generator_group(tmp_path):
    writer, generator = writer_for(tmp_path), WholeGenerator()
    with file_group(writer, generator, "a/b/one", []):
        with pytest.raises(RuntimeError, match="^生成器组不能套在别的组里：Whole$"):
            writer.begin_generator_group(generator, "Whole", "一", frozenset(), frozenset())


@pytest.mark.parametrize(
    "generator, page",
    [
        ("LinearArchivesGenerator", "news/2020/07/lottery-jackpot/index.html"),
        ("EditionsGenerator", "editions/2020-07-08/index.html"),
    ],
)
def test_an_audit_fails_the_build_when_a_generator_groups_inputs_leave_something_out(
    tmp_path, monkeypatch, generator, page
):
    """Leave the reading's key (the bytes the articles were read from) and the generator's own
    state out of its group: a corrected title would leave a page stale, and the audit names it."""
    from buildtools import parallel_output

    inputs = parallel_output.generator_inputs

    def without_the_reading(*args):
        return {
            key: (name, values[1:2] if name == generator else values, covered, provided, splice)
            for key, (name, values, covered, provided, splice) in inputs(*args).items()
        }

    monkeypatch.setattr(parallel_output, "generator_inputs", without_the_reading)
    problems = audit_after(tmp_path, EDITS["article title"])
    missed = f"渲染键漏掉了页面的输入（页面已按新内容重写）：{page}（生成器组 @{generator}/"
    assert any(problem.startswith(missed) for problem in problems), problems


def test_a_generator_with_a_group_state_is_one_group_of_that_state_and_the_reading():
    from buildtools.parallel_output import generator_inputs

    class Editions:
        settings = {}

        def __init__(self):
            self.editions, self.config = ["2020-07-01"], {"EDITIONS_URL": "editions/"}

        def group_state(self):
            return [self.config, self.editions]

    class Reading:
        key, other_files = "reading", "csv names"
        spliced_from, spliced = "", frozenset()

        @staticmethod
        def decides_articles(settings):
            return True

    editions = Editions()
    context = {"editions": editions.editions, "latest_edition": "2020-07-01"}
    state = [{"EDITIONS_URL": "editions/"}, ["2020-07-01"]]
    assert generator_inputs([editions], Reading(), {1: {}}, context) == {
        id(editions): ("Editions", ["reading", "csv names", state], frozenset(), frozenset({"editions"}), None)
    }
    # After a correction spliced into the kept reading: the same inputs with that reading's key,
    # and the corrected articles, by which the writer keeps the pages that did not show them.
    spliced = Reading()
    spliced.spliced_from, spliced.spliced = "reading before", frozenset({"news/a.md"})
    ((*_, splice),) = generator_inputs([editions], spliced, {1: {}}, context).values()
    assert splice == (["reading before", "csv names", state], frozenset({"news/a.md"}))


def test_the_articles_generator_groups_inputs_hold_what_plugins_attach_after_reading():
    """Sections and editions attach to articles after they are read (a reused reading does not
    hold that): the group's inputs compare each article's attributes with the reading's."""
    from buildtools.parallel_output import LinearArchivesGenerator, generator_inputs

    class Article:
        def __init__(self, source):
            self.relative_source_path, self.title, self.tags = source, "标题", ["一"]

    class Reading:
        key, other_files = "reading", "csv names"
        spliced_from, spliced = "", frozenset()

        @staticmethod
        def decides_articles(settings):
            return True

    generator = LinearArchivesGenerator.__new__(LinearArchivesGenerator)
    generator.settings = {}
    first, second = Article("news/a.md"), Article("news/b.md")
    generator.articles, generator.dates = [first, second], [second, first]
    generator.translations = generator.hidden_articles = generator.hidden_translations = []
    generator.drafts = generator.drafts_translations = []
    context = {"articles": generator.articles, "dates": generator.dates, "SITENAME": "醴陵", "FEED_ALL_ATOM": None}
    as_read = {id(article): (article, dict(vars(article))) for article in (first, second)}

    def inputs():
        ((name, values, covered, provided, _splice),) = generator_inputs(
            [generator], Reading(), as_read, context
        ).values()
        assert name == "LinearArchivesGenerator" and covered == {id(first), id(second)}
        assert provided == {"articles", "dates"}  # the generator's own lists, not a setting that is None
        return values

    assert inputs() == [
        "reading",
        "csv names",
        [
            ["translations", []],
            ["articles", ["news/a.md", "news/b.md"]],
            ["hidden_translations", []],
            ["hidden_articles", []],
            ["drafts_translations", []],
            ["drafts", []],
            ["dates", ["news/b.md", "news/a.md"]],
        ],
        [{}, {}],
    ]
    first.in_edition = "2020-07-01"  # attached after reading
    second.tags = ["二"]  # put in place of what was read
    del second.title  # taken away
    assert inputs()[3] == [{"in_edition": "2020-07-01"}, {"tags": ["二"], "title": "<removed>"}]


def test_a_generator_group_holds_the_templates_of_the_file_groups_it_kept(tmp_path):
    """A worker that writes a generator group again but keeps every file group in it (an article
    edit in the other worker's share) must still record the file groups' templates: the group's
    key reads what they read of the context."""
    generator = Generator()

    def write(writer, inputs):
        generator.context["localsiteurl"] = None  # as each build starts
        with generator_group(writer, generator, "Whole", inputs, frozenset(), frozenset()) as kept:
            if not kept:
                generator.write(writer, "a/b/village", ["2020-01"])

    writer = writer_for(tmp_path)
    write(writer, "一")
    writer = writer_for(tmp_path, Previous(writer.record, tmp_path))
    write(writer, "二")  # written again; its file group kept
    assert writer.record.tally["groups_kept"] == 1
    assert writer.record.groups["@Whole/0-of-1"][1] == ["page.html"]
    writer = writer_for(tmp_path, Previous(writer.record, tmp_path))
    generator.context["SITENAME"] = "醴陵市"  # read by the file group's template alone
    write(writer, "二")
    assert writer.record.tally["generators_kept"] == 0


def test_a_build_whose_reading_is_not_kept_records_no_generator_group(tmp_path, monkeypatch):
    """An article saved while the build read it (the reading is then not kept): its pages may show
    bytes the reading's key does not name, so no generator group is recorded under that key."""
    from buildtools.articles_reading import ArticlesReading

    content, theme = copy_site(tmp_path)
    output = tmp_path / "output"
    monkeypatch.setattr(ArticlesReading, "save", lambda self, *args: False)
    build(content, theme, output, audit=False)
    assert generator_groups(tmp_path) == []
    # Nor any page's key: keys name articles by their files' digests (render_keys.ValueDigests.read_from).
    assert render_keys(tmp_path) == {}
    monkeypatch.undo()
    _replace(content / LEDGER, "253.17", "263.17")  # something to build again
    build(content, theme, output, audit=False)
    assert generator_groups(tmp_path) != []
    assert len(render_keys(tmp_path)) > 300


def render_keys(tmp_path) -> dict:
    import json

    return json.loads((tmp_path / "output.work/cache/render-keys.json").read_text(encoding="utf-8"))


def test_a_damaged_group_record_only_costs_time(tmp_path):
    from buildtools.incremental_build import load_file_groups

    path = tmp_path / "file-groups.json"
    path.write_text(
        '{"a": ["k", "page.html", [], null], "b": ["k", ["page.html"], [["../x", "page", "key"]], null], '
        '"c": ["k", ["page.html"], [[1, "page", "key"]], null], "d": ["k", [3], [], null], '
        '"e": ["k", ["page.html"], [["a/b/x.html", "page", "key"]], "../.."]}',
        encoding="utf-8",
    )
    assert list(load_file_groups(str(path))) == ["e"]
    # A generator group's reach: the articles each file's key reached, by position in `names`.
    files = '[["x.html", "page", "key"], ["feed.xml", "page", "key"]]'
    reaches = {
        "good": '{"names": ["news/a.md"], "reach": [[0], null]}',
        "short": '{"names": ["news/a.md"], "reach": [[0]]}',
        "beyond": '{"names": ["news/a.md"], "reach": [[1], null]}',
        "boolean": '{"names": ["news/a.md"], "reach": [[true], null]}',
        "name": '{"names": [7], "reach": [[0], null]}',
        "shape": '[["news/a.md"], [[0], null]]',
    }
    path.write_text(
        "{" + ", ".join(f'"@{name}": ["k", [], {files}, null, {reach}]' for name, reach in reaches.items()) + "}",
        encoding="utf-8",
    )
    assert list(load_file_groups(str(path))) == ["@good"]


def test_after_a_correction_a_generator_group_renders_only_the_pages_whose_keys_reached_it(tmp_path):
    """A spliced correction (begin_generator_group's `splice`): the group's key made with the inputs
    as they were before is the last build's, so each file that did not reach the corrected article
    is kept unrendered, and the pages showing it are rendered with its new text. A file group
    kept in part still records the templates of its kept pages: a later change read only by one
    of them renders that page again."""
    import datetime as dt

    from pelican.contents import Article

    from plugins.incremental_writer.render_keys import AsPage

    settings = {**DEFAULT_CONFIG, "PATH": "/content"}

    def article(name: str) -> Article:
        metadata = {"title": name, "date": dt.datetime(2020, 7, 8)}
        return Article(f"<p>{name}</p>", metadata=metadata, settings=settings, source_path=f"/content/news/{name}.md")

    melon, lottery = article("melon"), article("lottery")
    generator = Generator({"FEATURE": "专题"})
    generator.env = jinja2.Environment(
        loader=jinja2.DictLoader(
            {
                "article.html": "<p>{{ article.title }} {{ article._content }}</p>",
                "feature.html": "<p>{{ FEATURE }} {{ article.title }}</p>",
                "list.html": "<p>{% for item in articles %}{{ item._content }}{% endfor %}</p>",
            }
        )
    )

    def write(writer, reading: str, splice=None):
        generator.context["localsiteurl"] = None  # as each build starts
        generator.rendered = []
        inputs = [reading, "the rest"]
        with generator_group(writer, generator, "Whole", inputs, frozenset(), frozenset(), splice) as kept:
            assert not kept
            with file_group(writer, generator, "a/b/news", [AsPage(melon), AsPage(lottery)]) as kept_group:
                if not kept_group:
                    for name, template, shown in (
                        ("melon", "article.html", melon),
                        ("lottery", "feature.html", lottery),
                    ):
                        writer.write_file(
                            f"a/b/news/{name}/index.html",
                            generator.env.get_template(template),
                            generator.context,
                            relative_urls=True,
                            article=shown,
                        )
            for name, template, variables in (
                ("list.html", "list.html", {"articles": [melon, lottery]}),
                ("lottery.html", "article.html", {"article": lottery}),
            ):
                writer.write_file(name, generator.env.get_template(template), generator.context, **variables)

    writer = writer_for(tmp_path)
    write(writer, "reading 1")
    first = Previous(writer.record, tmp_path)
    group = first.groups["@Whole/0-of-1"]
    reach = {entry[0]: [group[4]["names"][at] for at in row] for entry, row in zip(group[2], group[4]["reach"])}
    assert reach == {
        "a/b/news/lottery/index.html": ["news/lottery.md"],
        "a/b/news/melon/index.html": ["news/melon.md"],
        "list.html": ["news/lottery.md", "news/melon.md"],
        "lottery.html": ["news/lottery.md"],
    }

    melon._content = "<p>瓜重1.6公斤</p>"  # the correction, spliced in
    writer = writer_for(tmp_path, first)
    write(writer, "reading 2", splice=(["reading 1", "the rest"], frozenset({"news/melon.md"})))
    assert writer.record.tally["generators_kept_in_part"] == 1
    assert writer.record.tally["written"] == 2  # the melon's page and the list showing it
    assert writer.record.tally["not_rendered"] == 2
    assert "瓜重1.6公斤" in (tmp_path / "a/b/news/melon/index.html").read_text("utf-8")
    assert "瓜重1.6公斤" in (tmp_path / "list.html").read_text("utf-8")
    assert writer.record.groups["a/b/news"][1] == ["article.html", "feature.html"]
    second = Previous(writer.record, tmp_path)

    generator.context["FEATURE"] = "专稿"  # read by the kept page's template alone
    writer = writer_for(tmp_path, second)
    write(writer, "reading 2")
    assert "专稿" in (tmp_path / "a/b/news/lottery/index.html").read_text("utf-8")
