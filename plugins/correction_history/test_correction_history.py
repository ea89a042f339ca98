"""更正记录 and publication deadlines on a small fixture site kept in a temporary git repository.

Each scenario is made by real commits with fixed dates (Beijing time), the way editors make
them; the site is then built with Pelican and the pages read with BeautifulSoup.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import pathlib
import re
import subprocess
from xml.etree import ElementTree

import pytest
from bs4 import BeautifulSoup

from plugins.correction_history.corrections import stated_reason
from plugins.correction_history.git_log import SHALLOW_MESSAGE, read_folder_history
from plugins.portal_data import ContentError
from plugins.portal_data.fixture_site import build_fixture_site, parse_page

ROOT = pathlib.Path(__file__).resolve().parent.parent.parent
ACCOUNTS = str(ROOT / "content" / "disclosures" / "accounts.csv")
HEADER = "日期,凭证号,摘要,科目,收入,支出,经办人,证明人,审批人\r\n"
VILLAGES = (
    "代码,镇街,村社区,镇街代码,期初月份,期初余额,监督委员会联系人\r\n"
    'demo,王仙镇,示范村,wangxian,2020-06,"10,000.00",周秀兰\r\n'
    "slow,王仙镇,后进村,wangxian,2020-06,500.00,吴长根\r\n"
)
JUNE = [
    '2020-06-05,01,镇拨付村级组织运转经费,补助收入,"20,000.00",,周小梅,李建华,彭志刚',
    '2020-06-12,02,示例：渠道清淤,其他支出,,"7,900.00",周小梅,李建华,彭志刚',
    "2020-06-20,03,示例：办公用品,管理费用,,320.00,周小梅,李建华,彭志刚",
]
JULY = ["2020-07-06,01,示例：防汛物资,其他支出,,1500.00,周小梅,李建华,彭志刚"]
BUILD_TIME = "2020-09-11T09:00:00+08:00"
ATOM = "{http://www.w3.org/2005/Atom}"


def ledger(rows) -> bytes:
    # As Excel writes "CSV UTF-8": BOM and CRLF.
    return ("\ufeff" + HEADER + "".join(row + "\r\n" for row in rows)).encode("utf-8")


def git(repo: pathlib.Path, *args, when: str | None = None) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "编辑", "GIT_AUTHOR_EMAIL": "editor@example.invalid"}
    env.update(GIT_COMMITTER_NAME="编辑", GIT_COMMITTER_EMAIL="editor@example.invalid")
    if when:
        env.update(GIT_AUTHOR_DATE=when, GIT_COMMITTER_DATE=when)
    done = subprocess.run(["git", *args], cwd=repo, env=env, capture_output=True, check=True)
    return done.stdout.decode()


def commit(repo, message: str, when: str, *paths):
    git(repo, "add", "-A", *paths)
    git(repo, "commit", "-q", "--allow-empty-message", "-m", message, when=when)


def write(repo: pathlib.Path, relative: str, data: bytes):
    path = repo / "content" / "disclosures" / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def build(content: pathlib.Path, output: pathlib.Path, **overrides) -> pathlib.Path:
    settings = {
        "VILLAGE_DISCLOSURE_ACCOUNTS": ACCOUNTS,
        "BUILD_TIME": BUILD_TIME,
        "VILLAGE_DISCLOSURE_DEADLINES_FROM": "",  # these fixtures judge every month from the first
        **overrides,
    }
    plugins = settings.pop("PLUGINS", ["plugins.village_disclosure"])
    return build_fixture_site(content, output, plugins, articles=False, **settings)


def page(output: pathlib.Path, relative: str) -> BeautifulSoup:
    return parse_page(output / relative / "index.html")


def text(node) -> str:
    return re.sub(r"\s+", " ", node.get_text(" ")).strip()


@pytest.fixture(scope="module")
def repository(tmp_path_factory) -> pathlib.Path:
    """June: published on its deadline day (23:59), corrected twice. July: published the day
    after its deadline (00:10 Beijing, still the deadline day in UTC) as 2020-7.csv, then renamed.
    August: never published. 后进村 never publishes anything."""
    repo = tmp_path_factory.mktemp("site")
    git(repo, "init", "-q")
    write(repo, "villages.csv", VILLAGES.encode("utf-8"))
    write(repo, "finance/demo/2020-06.csv", ledger(JUNE))
    commit(repo, "公开示范村 2020 年 6 月收支", "2020-07-10T23:59:00+08:00")
    write(repo, "finance/demo/2020-06.csv", ledger([JUNE[0], JUNE[1].replace("7,900.00", "7,090.00"), JUNE[2]]))
    commit(
        repo,
        "更正第 02 号凭证支出：7,900.00 误录，按原始凭证改为 7,090.00",
        "2020-07-12T16:05:00+08:00",
    )
    replaced = "2020-06-28,04,示例：保洁费,管理费用,,600.00,周小梅,李建华,彭志刚"
    write(repo, "finance/demo/2020-06.csv", ledger([JUNE[0], JUNE[1].replace("7,900.00", "7,090.00"), replaced]))
    commit(repo, "Update 2020-06.csv", "2020-07-13T10:00:00+08:00")
    write(repo, "finance/demo/2020-7.csv", ledger(JULY))
    commit(repo, "公开示范村 2020 年 7 月收支", "2020-08-11T00:10:00+08:00")
    git(repo, "mv", "content/disclosures/finance/demo/2020-7.csv", "content/disclosures/finance/demo/2020-07.csv")
    commit(repo, "文件名改为 2020-07.csv（月份两位）", "2020-08-11T08:00:00+08:00")
    return repo


@pytest.fixture(scope="module")
def site(repository, tmp_path_factory):
    return build(repository / "content", tmp_path_factory.mktemp("output"))


def test_a_corrected_amount_shows_old_and_new_time_and_reason(site):
    records = page(site, "disclosures/villages/demo/2020-06").select_one(".lp-corrections")
    items = records.select(".lp-corrections__item")
    assert "2020-07-10 23:59 首次公开" in text(records)
    first = items[0]
    assert text(first.select_one(".lp-corrections__when")) == "2020-07-12 16:05"
    assert text(first.select_one(".lp-corrections__reason")) == (
        "更正说明：更正第 02 号凭证支出：7,900.00 误录，按原始凭证改为 7,090.00"
    )
    assert text(first.select_one(".lp-corrections__row--changed")) == "修改 凭证号 02： 支出 7,900.00 → 7,090.00"
    assert text(first.select_one("del")) == "7,900.00" and text(first.select_one("ins")) == "7,090.00"


def test_a_removed_and_an_added_row_and_a_missing_reason(site):
    items = page(site, "disclosures/villages/demo/2020-06").select(".lp-corrections__item")
    second = items[1]
    assert text(second.select_one(".lp-corrections__when")) == "2020-07-13 10:00"
    assert text(second.select_one(".lp-corrections__reason--missing")) == "更正说明： 未填写"
    removed = text(second.select_one(".lp-corrections__row--removed"))
    added = text(second.select_one(".lp-corrections__row--added"))
    assert removed.startswith("删除 凭证号 03：") and "摘要 示例：办公用品" in removed and "支出 320.00" in removed
    assert added.startswith("新增 凭证号 04：") and "支出 600.00" in added


def test_the_history_download_sits_beside_the_csv(site):
    month = page(site, "disclosures/villages/demo/2020-06")
    links = [a["href"] for a in month.select(".lp-data-download__link")]
    assert links[0].endswith("2020-06.csv") and links[2].endswith("2020-06.history.json")
    document = json.loads((site / "disclosures/villages/demo/2020-06.history.json").read_text(encoding="utf-8"))
    assert document["首次公开"] == "2020-07-10T23:59:00+08:00" and document["示例数据"] is True
    assert [c["更正说明"] for c in document["更正"]] == [
        "更正第 02 号凭证支出：7,900.00 误录，按原始凭证改为 7,090.00",
        "未填写",
    ]
    assert document["更正"][0]["变动"] == [
        {"类型": "修改", "行": "02", "字段": [{"名称": "支出", "原值": "7,900.00", "新值": "7,090.00"}]}
    ]


def test_a_rename_keeps_the_history(site):
    records = page(site, "disclosures/villages/demo/2020-07").select_one(".lp-corrections")
    assert "2020-08-11 00:10 首次公开" in text(records)
    renamed = records.select(".lp-corrections__renamed")
    assert [text(r) for r in renamed] == ["文件由 content/disclosures/finance/demo/2020-7.csv 改名而来。"]
    assert text(records.select_one(".lp-corrections__reason")) == "更正说明：文件名改为 2020-07.csv（月份两位）"


def test_deadline_edges_on_the_day_the_day_after_and_never(site):
    june = page(site, "disclosures/villages/demo/2020-06")
    assert june.select_one(".lp-late-note") is None  # published 23:59 on the deadline day
    july = page(site, "disclosures/villages/demo/2020-07")
    assert text(july.select_one(".lp-late-note")) == (
        "逾期公开：本月收支应在 2020-08-10 前公开，2020-08-11 才公开（逾期 1 天）。"
    )
    index = page(site, "disclosures/villages")
    overdue = {li["data-village"]: text(li) for li in index.select(".lp-compliance__overdue-item")}
    assert overdue == {
        "demo": "王仙镇示范村 ： 2020年8月（逾期 1 天）",
        "slow": "王仙镇后进村 ： 2020年6月（逾期 63 天）、2020年7月（逾期 32 天）、2020年8月（逾期 1 天）",
    }
    town = page(site, "disclosures/towns/wangxian")
    assert [li["data-village"] for li in town.select(".lp-compliance__overdue-item")] == ["demo", "slow"]
    village = page(site, "disclosures/villages/slow")
    assert "逾期未公开" in text(village.select_one(".lp-overdue"))


def expected_counts(published: dict, opening: dt.date, today: dt.date) -> list[int]:
    """Recomputed without the plugin: [due, on time, late, missing, unknown] up to today."""
    counts = [0, 0, 0, 0, 0]
    year, month = opening.year, opening.month
    while True:
        following = dt.date(year + month // 12, month % 12 + 1, 1)
        deadline = following.replace(day=10)
        if deadline >= today:
            return counts
        counts[0] += 1
        day = published.get((year, month))
        counts[1 if day and day <= deadline else 2 if day else 3] += 1
        year, month = following.year, following.month


def test_compliance_counts_match_an_independent_count(site):
    today = dt.date(2020, 9, 11)
    demo = expected_counts(
        {(2020, 6): dt.date(2020, 7, 10), (2020, 7): dt.date(2020, 8, 11)}, dt.date(2020, 6, 1), today
    )
    slow = expected_counts({}, dt.date(2020, 6, 1), today)
    data = (site / "disclosures/villages/compliance.csv").read_bytes().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(data)))
    assert rows == [
        ["镇街", "村社区", "代码", "应公开月数", "按时公开", "逾期公开", "未公开", "公开日期未记录"],
        ["王仙镇", "示范村", "demo", *map(str, demo)],
        ["王仙镇", "后进村", "slow", *map(str, slow)],
    ]
    assert demo == [3, 1, 1, 1, 0]
    table = page(site, "disclosures/villages").select_one(".lp-compliance-table")
    total = [text(cell) for cell in table.select("tfoot td")]
    assert total == [str(a + b) for a, b in zip(demo, slow)]
    assert (site / "disclosures/towns/wangxian/compliance.csv").read_bytes() == data.encode("utf-8-sig")


def test_each_village_has_a_feed_of_publications_and_corrections(site):
    village = page(site, "disclosures/villages/demo")
    link = village.select_one('link[rel="alternate"][type="application/atom+xml"][title^="王仙镇示范村"]')
    assert link["href"].endswith("disclosures/villages/demo/feed.atom.xml")
    assert village.select_one(".lp-subscribe a")["href"] == link["href"]
    feed = ElementTree.parse(site / "disclosures/villages/demo/feed.atom.xml").getroot()
    entries = feed.findall(f"{ATOM}entry")
    titles = [entry.findtext(f"{ATOM}title") for entry in entries]
    assert titles == [
        "王仙镇示范村 2020年7月收支更正",
        "王仙镇示范村 2020年7月收支公开",
        "王仙镇示范村 2020年6月收支更正",
        "王仙镇示范村 2020年6月收支更正",
        "王仙镇示范村 2020年6月收支公开",
    ]
    assert all(entry.findtext(f"{ATOM}summary").startswith("【示例数据】") for entry in entries)


def test_a_shallow_clone_fails_with_one_message(repository, tmp_path):
    shallow = tmp_path / "shallow"
    subprocess.run(
        ["git", "clone", "-q", "--depth", "1", f"file://{repository}", str(shallow)], check=True, capture_output=True
    )
    with pytest.raises(ContentError) as raised:
        build(shallow / "content", tmp_path / "output")
    assert [str(error) for error in raised.value.errors] == [f"disclosures/finance:0:0: {SHALLOW_MESSAGE}"]
    assert "git fetch --unshallow" in SHALLOW_MESSAGE
    assert not (tmp_path / "output" / "disclosures").exists()


def test_content_outside_git_builds_and_says_no_history_yet(tmp_path):
    content = tmp_path / "plain" / "content"
    (content / "disclosures" / "finance" / "demo").mkdir(parents=True)
    (content / "disclosures" / "villages.csv").write_text(VILLAGES, encoding="utf-8")
    (content / "disclosures" / "finance" / "demo" / "2020-06.csv").write_bytes(ledger(JUNE))
    from plugins.correction_history.git_log import repository_of

    assert repository_of(str(content)) == (None, None)  # the temporary folder is in no repository
    output = build(content, tmp_path / "output")
    records = page(output, "disclosures/villages/demo/2020-06").select_one(".lp-corrections")
    assert text(records.select_one(".lp-corrections__none")).startswith("尚无记录")
    data = (output / "disclosures/villages/compliance.csv").read_bytes().decode("utf-8-sig")
    assert data.splitlines()[1] == "王仙镇,示范村,demo,3,0,0,2,1"


@pytest.mark.parametrize(
    "message,reason",
    [
        ("", ""),
        ("Update 2020-06.csv", ""),
        ("Create 2020-07.csv", ""),
        ("Add files via upload", ""),
        ("更正第 02 号凭证支出", "更正第 02 号凭证支出"),
        ("Update 2020-06.csv\n\n按原始凭证更正 02 号凭证", "Update 2020-06.csv\n\n按原始凭证更正 02 号凭证"),
    ],
)
def test_a_default_commit_message_is_no_reason(message, reason):
    assert stated_reason(message) == reason


def test_a_power_list_matter_shows_its_own_corrections(tmp_path):
    repo = tmp_path / "power"
    repo.mkdir()
    git(repo, "init", "-q")
    for name in ("departments.csv", "power-types.csv", "power-list.csv"):
        write(repo, name, (ROOT / "content" / "disclosures" / name).read_bytes())
    commit(repo, "公开权力清单", "2020-07-01T09:00:00+08:00")
    matters = (repo / "content/disclosures/power-list.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    assert matters[1].startswith("1,") and ",5,1,不收费," in matters[1]
    matters[1] = matters[1].replace(",5,1,不收费,", ",5,2,不收费,")
    (repo / "content/disclosures/power-list.csv").write_text("".join(matters), encoding="utf-8")
    commit(repo, "老年证年审承诺时限按民政局 7 月 3 日通知改为 2 个工作日", "2020-07-03T15:30:00+08:00")
    output = build(
        repo / "content",
        tmp_path / "output",
        PLUGINS=["plugins.power_list", "plugins.correction_history"],
    )
    first = page(output, "disclosures/power-list/items/1").select_one(".lp-corrections")
    assert text(first.select_one(".lp-corrections__when")) == "2020-07-03 15:30"
    assert text(first.select_one(".lp-corrections__reason")).endswith("改为 2 个工作日")
    assert text(first.select_one(".lp-corrections__row--changed")) == "修改 序号 1： 承诺时限 1 → 2"
    document = json.loads((output / "disclosures/power-list/items/1/history.json").read_text(encoding="utf-8"))
    assert document["更正"][0]["变动"] == [
        {"类型": "修改", "行": "1", "字段": [{"名称": "承诺时限", "原值": "1", "新值": "2"}]}
    ]
    assert first.select_one(".lp-corrections__download a")["href"].endswith("items/1/history.json")
    second = page(output, "disclosures/power-list/items/2").select_one(".lp-corrections")
    assert text(second.select_one(".lp-corrections__none")) == "2020-07-01 09:00 首次公开以来未作更正。"


def test_every_ci_checkout_fetches_the_whole_history():
    for workflow in sorted((ROOT / ".github" / "workflows").glob("*.yml")):
        steps = re.split(r"\n\s*- ", workflow.read_text(encoding="utf-8"))
        for step in steps:
            if "actions/checkout@" in step:
                assert "fetch-depth: 0" in step, workflow.name


def test_the_build_report_lists_corrections_without_a_reason(repository):
    from plugins.village_disclosure.collect import load_villages
    from plugins.village_disclosure.integrity import ledger_histories, unexplained_corrections
    from plugins.village_disclosure.village_disclosure import DEFAULTS

    content = repository / "content"
    villages, _sets, errors = load_villages(str(content), {**DEFAULTS, "VILLAGE_DISCLOSURE_ACCOUNTS": ACCOUNTS})
    assert errors == []
    history = read_folder_history(str(content / "disclosures" / "finance"))
    listed = unexplained_corrections(villages, ledger_histories(villages, history, str(content)))
    assert [(entry["文件"], entry["时间"]) for entry in listed] == [
        ("disclosures/finance/demo/2020-06.csv", "2020-07-13 10:00")
    ]


def test_a_rebuild_with_no_new_commit_reads_the_history_from_the_cache(repository, tmp_path, monkeypatch):
    from plugins.correction_history import git_log

    finance = str(repository / "content" / "disclosures" / "finance")
    first = read_folder_history(finance, str(tmp_path))
    calls = []
    real = git_log._git

    def counted(args, cwd, stdin=None):
        calls.append(args[0])
        return real(args, cwd, stdin)

    monkeypatch.setattr(git_log, "_git", counted)
    again = read_folder_history(finance, str(tmp_path))
    assert calls == ["rev-parse"]
    assert again.files.keys() == first.files.keys() and again.head == first.head


def test_a_number_removed_by_a_correction_is_not_published_again():
    from plugins.correction_history.corrections import row_changes

    old = [{"凭证号": "05", "摘要": "示例：补助，收款人手机 13812345678", "支出": "300.00"}]
    new = [{"凭证号": "05", "摘要": "示例：补助", "支出": "300.00"}]
    changes = row_changes(old, new, "凭证号", lambda _name, text: text)
    assert [(f.name, f.old, f.new) for f in changes[0].fields] == [
        ("摘要", "示例：补助，收款人手机 138****5678", "示例：补助")
    ]
    assert stated_reason("删去误登的手机号 13812345678") == "删去误登的手机号 138****5678"


def test_an_uncommitted_month_has_no_history_yet_and_an_edit_in_progress_is_not_a_correction(tmp_path):
    repo = tmp_path / "site"
    repo.mkdir()
    git(repo, "init", "-q")
    write(repo, "villages.csv", VILLAGES.encode("utf-8"))
    write(repo, "finance/demo/2020-06.csv", ledger(JUNE))
    commit(repo, "公开示范村 2020 年 6 月收支", "2020-07-08T09:00:00+08:00")
    write(repo, "finance/demo/2020-06.csv", ledger(JUNE[:2]))  # being edited, not committed
    write(repo, "finance/demo/2020-07.csv", ledger(JULY))  # untracked
    output = build(repo / "content", tmp_path / "output")
    june = page(output, "disclosures/villages/demo/2020-06").select_one(".lp-corrections")
    assert text(june.select_one(".lp-corrections__none")) == "2020-07-08 09:00 首次公开以来未作更正。"
    july = page(output, "disclosures/villages/demo/2020-07").select_one(".lp-corrections")
    assert text(july.select_one(".lp-corrections__none")).startswith("尚无记录")
    data = (output / "disclosures/villages/compliance.csv").read_bytes().decode("utf-8-sig")
    assert data.splitlines()[1] == "王仙镇,示范村,demo,3,1,0,1,1"


def test_a_rebuild_with_no_new_commit_does_not_diff_the_corrections_again(repository, tmp_path, monkeypatch):
    from plugins.village_disclosure import integrity
    from plugins.village_disclosure.collect import load_villages
    from plugins.village_disclosure.village_disclosure import DEFAULTS

    content = repository / "content"
    villages, _sets, _errors = load_villages(str(content), {**DEFAULTS, "VILLAGE_DISCLOSURE_ACCOUNTS": ACCOUNTS})
    finance = str(content / "disclosures" / "finance")
    first = integrity.ledger_histories(villages, read_folder_history(finance, str(tmp_path)), str(content))
    monkeypatch.setattr(integrity, "correction_history", lambda *args: pytest.fail("diffed again"))
    again = integrity.ledger_histories(villages, read_folder_history(finance, str(tmp_path)), str(content))
    assert again == first and len(again[("demo", dt.date(2020, 6, 1))].corrections) == 2


def test_content_reached_through_a_symbolic_link_keeps_its_history(repository, tmp_path):
    link = tmp_path / "linked-checkout"
    link.symlink_to(repository, target_is_directory=True)
    output = build(link / "content", tmp_path / "output")
    records = page(output, "disclosures/villages/demo/2020-06").select_one(".lp-corrections")
    assert len(records.select(".lp-corrections__item")) == 2
