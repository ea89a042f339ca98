"""The checks' per-file cache on a copy of the real content: edits are re-checked with the exact
message, cached problems are reported on every build, a changed allow-list or accounts.csv takes
effect, a corrupt cache is ignored, and results with the cache equal results without it."""

from __future__ import annotations

import collections
import pathlib
import shutil

import pytest
from pelican.settings import read_settings
from test_incremental import copy_site, files, fresh

import plugins.content_checks.content_checks as content_checks_module
import plugins.personal_data_guard.guard as guard_module
import plugins.safe_html.safe_html as safe_html_module
import plugins.village_disclosure.collect as collect_module
from buildtools.build import build_site
from buildtools.check import all_problems
from plugins.personal_data_guard.detectors import id_check_digit_ok, mask
from plugins.portal_data import digests, file_cache

ROOT = pathlib.Path(__file__).resolve().parent.parent
ARTICLE = "news/2020-07-08/lottery-jackpot.md"
LEDGER = "disclosures/finance/xiangshui/2020-06.csv"
# Every function whose result is cached per file, by the module that calls it.
COMPUTED = (
    (content_checks_module, "read_one"),
    (guard_module, "text_findings"),
    (guard_module, "csv_findings"),
    (safe_html_module, "refused_html"),
    (collect_module, "read_ledger"),
)


def valid_id_number() -> str:
    return next(f"43028119900101123{d}" for d in "0123456789X" if id_check_digit_ok(f"43028119900101123{d}"))


ID_NUMBER = valid_id_number()


@pytest.fixture
def content(tmp_path) -> pathlib.Path:
    shutil.copytree(ROOT / "content", tmp_path / "content")
    return tmp_path / "content"


@pytest.fixture
def computed(monkeypatch) -> collections.Counter:
    """How often each cached function really ran (a cache hit does not call it)."""
    counter: collections.Counter = collections.Counter()
    for module, name in COMPUTED:
        original = getattr(module, name)

        def counting(*args, _original=original, _name=name, **kwargs):
            counter[_name] += 1
            return _original(*args, **kwargs)

        monkeypatch.setattr(module, name, counting)
    return counter


def check(content: pathlib.Path, cached: bool = True) -> list[str]:
    """What `invoke check` and every build report, with or without the cache beside the content.
    In one process: `computed` counts calls in this one, and with more the source checks run in a
    worker (plugins/portal_data/test_source_checks.py shows they find the same there)."""
    settings = read_settings(
        str(ROOT / "pelicanconf.py"),
        override={
            "PATH": str(content),
            "CACHE_PATH": str(content.parent / "cache"),
            "CACHE_CONTENT": cached,
            "LOAD_CONTENT_CACHE": cached,
            "BUILD_WORKERS": 1,
        },
    )
    return [str(problem) for problem in all_problems(settings)]


def edit(path: pathlib.Path, old: str, new: str, encoding="utf-8") -> None:
    text = path.read_text(encoding=encoding)
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding=encoding)


def test_a_second_run_recomputes_nothing(content, computed):
    assert check(content) == []
    assert computed["read_one"] == 6 and computed["read_ledger"] > 10
    computed.clear()
    assert check(content) == []
    assert sum(computed.values()) == 0


def test_the_quick_stat_check_also_serves_unchanged_files(content, computed, monkeypatch):
    monkeypatch.setattr(digests, "SETTLED_NS", 0)  # as if every file were older than two seconds
    check(content)
    check(content)  # now the stat of every file is trusted
    computed.clear()
    assert check(content) == []
    assert sum(computed.values()) == 0
    edit(content / ARTICLE, "Title: ", "Title: （更正）")
    check(content)
    assert computed == {"read_one": 1, "text_findings": 1, "refused_html": 1}


EDITS = {
    "id-number": (
        ARTICLE,
        "\n\n",
        f"\n\n联系人身份证号{ID_NUMBER}。\n\n",
        "utf-8",
        f"{ARTICLE}:12:8: 疑似身份证号 {mask(ID_NUMBER)}：个人信息不得公开；请删除或改为打码（如 {mask(ID_NUMBER)}）。"
        "确属公开的公务号码，经审核后登记在 content/personal-data-allowlist.toml",
    ),
    "script": (
        ARTICLE,
        "\n\n",
        "\n\n<script>alert(1)</script>\n\n",
        "utf-8",
        f"{ARTICLE}:12:1: 文章里不能有 <script>（脚本）；请删除。网页上的功能由网站程序提供，不能写在文章里",
    ),
    "front-matter": (
        ARTICLE,
        "Date: 2020-07-08",
        "Date: 2020-07-32",
        "utf-8",
        f"{ARTICLE}:2:7: Date “2020-07-32”不是真实存在的日期或时间；请核对年月日和时分（例：2020-07-08 09:30）",
    ),
    "ledger-amount": (
        LEDGER,
        ",7900.00,",
        ",7900.0o,",
        "utf-8-sig",
        f"{LEDGER}:2:6: 第 2 行 支出 列的“7900.0o”不是金额（例：1,234.50）",
    ),
}


@pytest.mark.parametrize("name", EDITS)
def test_an_edited_file_is_rechecked_and_its_problem_reported_on_every_run(content, computed, name):
    path, old, new, encoding, message = EDITS[name]
    assert check(content) == []
    edit(content / path, old, new, encoding)
    computed.clear()
    assert check(content) == [message]
    assert sum(computed.values()) == (3 if path.endswith(".md") else 2)  # only the edited file
    computed.clear()
    assert check(content) == [message]  # from the cache, and still reported
    assert sum(computed.values()) == 0
    assert check(content, cached=False) == [message]


def test_the_allow_list_is_applied_on_every_run(content, computed):
    edit(content / ARTICLE, "\n\n", f"\n\n监督电话{ID_NUMBER}。\n\n")
    [problem] = check(content)
    allow_list = content / "personal-data-allowlist.toml"
    allow_list.write_text(
        f'[[allow]]\nvalue = "{ID_NUMBER}"\nfile = "{ARTICLE}"\nreason = "测试"\n'
        'reviewer = "李某"\ndate = 2024-05-01\n',
        encoding="utf-8",
    )
    computed.clear()
    assert check(content) == []
    assert computed["text_findings"] == 0  # the file was not scanned again, its findings were judged again
    allow_list.unlink()
    assert check(content) == [problem]


def test_a_changed_accounts_file_rechecks_the_ledgers(content, computed):
    check(content)
    edit(content / "disclosures" / "accounts.csv", ",管理费用,", ",管理费,")
    computed.clear()
    with_cache = check(content)
    assert computed["read_ledger"] > 10
    assert with_cache == check(content, cached=False)
    assert (
        f"{LEDGER}:2:4: 科目“管理费用”不是村集体经济组织会计制度（财会〔2004〕12号）的收支科目；"
        "应为：经营收入、发包及上交收入、农业税附加返还收入、补助收入、其他收入、投资收益、经营支出、管理费、其他支出"
        in with_cache
    )
    edit(content / "disclosures" / "accounts.csv", ",管理费,", ",管理费用,")
    assert check(content) == []


def test_a_corrupt_cache_is_ignored_and_rebuilt(content, computed):
    check(content)
    stored = sorted((content.parent / "cache" / file_cache.FOLDER).glob("*.pickle"))
    assert len(stored) == 4
    for path in stored:
        path.write_bytes(b"\x80\x05garbage")
    computed.clear()
    assert check(content) == []
    assert computed["read_one"] == 6
    edit(content / ARTICLE, "\n\n", "\n\n<iframe src=x></iframe>\n\n")
    assert [problem.split(": ")[0] for problem in check(content)] == [f"{ARTICLE}:12:1"]


def test_a_build_fails_on_an_edit_after_a_cached_build_and_then_equals_a_fresh_build(tmp_path):
    content, theme = copy_site(tmp_path)
    output = tmp_path / "output"
    overrides = {"PATH": str(content), "THEME": str(theme), "BUILD_TIME": "2030-01-01T00:00", "INCREMENTAL_BUILD": True}
    assert build_site(str(ROOT / "pelicanconf.py"), str(output), overrides).ok
    before = files(output)
    edit(content / LEDGER, ",7900.00,", ",7900.0o,", "utf-8-sig")
    result = build_site(str(ROOT / "pelicanconf.py"), str(output), overrides)
    assert not result.ok and result.problems == [
        EDITS["ledger-amount"][-1] + "\n共 1 处问题，请修改以上文件后重新构建。"
    ]
    assert files(output) == before  # the live output is untouched
    edit(content / LEDGER, ",7900.0o,", ",7900.00,", "utf-8-sig")
    edit(content / ARTICLE, "Title: ", "Title: （更正）")
    assert build_site(str(ROOT / "pelicanconf.py"), str(output), overrides).ok
    assert build_site(str(ROOT / "pelicanconf.py"), str(output), overrides).ok  # served from the cache
    assert files(output) == fresh(content, theme, tmp_path, "fresh")
