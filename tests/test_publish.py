"""Atomic publish and rollback: live only ever points at a complete, checked release."""

from __future__ import annotations

import os
import pathlib
import shutil
import signal
import subprocess
import sys
import time

import pytest

from buildtools.checks import check_search_index
from buildtools.publish import LOCK, MARKER, PublishError, completed_releases, live_release, publish, rollback

ROOT = pathlib.Path(__file__).resolve().parent.parent
ARTICLE = "news/2020-07-08/lottery-jackpot.md"

SETTINGS = """
import sys
sys.path.insert(0, {root!r})
from pelicanconf import *
PATH = {content!r}
THEME = {root!r} + "/theme"
PLUGIN_PATHS = [{root!r} + "/plugins"]
BUILD_TIME = "2030-01-01T00:00"
"""


@pytest.fixture
def fixture_site(tmp_path):
    """(settings file, content folder, releases folder) for a copy of the real content."""
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    settings = tmp_path / "settings.py"
    settings.write_text(SETTINGS.format(root=str(ROOT), content=str(content)), encoding="utf-8")
    return settings, content, tmp_path / "releases"


def snapshot(releases: pathlib.Path) -> tuple:
    """What the web server sees: where live points and every byte under it."""
    live = releases / "live"
    files = {p.relative_to(live).as_posix(): p.read_bytes() for p in sorted(live.rglob("*")) if p.is_file()}
    return os.readlink(live), files


def edit(content: pathlib.Path, old: str, new: str, article: str = ARTICLE):
    path = content / article
    path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")


def test_publish_switches_live_to_a_checked_release_with_its_report(fixture_site):
    settings, content, releases = fixture_site
    first = publish(str(settings), str(releases))
    assert live_release(str(releases)) == first.release and (releases / first.release / MARKER).is_file()
    edit(content, "老彩民。", "老彩民了。")
    second = publish(str(settings), str(releases))
    assert live_release(str(releases)) == second.release != first.release
    assert second.report["checks"] == {"ok": True, "problems": []}
    assert second.report["compared_with"] == str(releases / first.release / "site")
    changed = second.report["changed_paths"]["changed"]
    assert [path for path in changed if not path.startswith("search-index/")] == [
        "news/2020/07/lottery-jackpot/index.html"
    ]
    assert "老彩民了" in (releases / "live/site/news/2020/07/lottery-jackpot/index.html").read_text(encoding="utf-8")


def test_a_broken_internal_link_keeps_live_as_it_was(fixture_site):
    settings, content, releases = fixture_site
    publish(str(settings), str(releases))
    before = snapshot(releases)
    edit(content, "老彩民。", "老彩民。[往期](../../../2019/01/no-such-story/)")
    with pytest.raises(PublishError) as refused:
        publish(str(settings), str(releases))
    assert "news/2020/07/lottery-jackpot/index.html → ../../../2019/01/no-such-story/" in str(refused.value)
    assert snapshot(releases) == before


def test_a_content_error_keeps_live_as_it_was(fixture_site):
    settings, content, releases = fixture_site
    publish(str(settings), str(releases))
    before = snapshot(releases)
    edit(content, "Edition_Position: 4", "Edition_Position: 1")
    with pytest.raises(PublishError, match="构建失败，线上网站保持原样"):
        publish(str(settings), str(releases))
    assert snapshot(releases) == before


def test_a_page_count_drop_over_five_percent_needs_force(fixture_site):
    settings, content, releases = fixture_site
    publish(str(settings), str(releases))
    before = snapshot(releases)
    for article in ("lottery-jackpot", "giant-apple-melon", "parking-arrears-lawsuits"):
        (content / f"news/2020-07-08/{article}.md").unlink()
    with pytest.raises(PublishError, match=r"页面数从 \d+ 降到 \d+（减少超过 5%）"):
        publish(str(settings), str(releases))
    assert snapshot(releases) == before
    forced = publish(str(settings), str(releases), force=True)
    assert live_release(str(releases)) == forced.release


def test_search_index_is_required_only_when_search_is_configured(fixture_site, tmp_path):
    settings, content, releases = fixture_site
    without_search = {"SEARCH_INDEX": False, "PUBLISH_SEARCH_INDEX": None, "TEMPLATE_PAGES": {}, "SEARCH_URL": ""}
    publish(str(settings), str(releases), overrides=without_search)  # no search configured: no check
    with pytest.raises(PublishError, match="搜索索引 search-index/layout.json 不存在"):
        publish(
            str(settings),
            str(releases),
            overrides={**without_search, "PUBLISH_SEARCH_INDEX": "search-index/layout.json"},
        )
    publish(str(settings), str(releases))  # the real settings: the build indexes, the check passes
    site = tmp_path / "with-search"
    (site / "search-index").mkdir(parents=True)
    (site / "search-index/layout.json").write_text("{}", encoding="utf-8")
    assert check_search_index(str(site), "search-index/layout.json") == []
    assert check_search_index(str(site), None) == []


def test_a_second_publish_at_the_same_time_is_refused(fixture_site):
    settings, content, releases = fixture_site
    publish(str(settings), str(releases))
    before = snapshot(releases)
    # Another process holds the lock, as a second `invoke publish` would (the lock is per process).
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            (
                "import fcntl, sys, time\n"
                f"handle = open({str(releases / LOCK)!r}, 'a')\n"
                "fcntl.lockf(handle, fcntl.LOCK_EX)\n"
                "handle.write('进程 另一个，开始于 刚才\\n'); handle.flush()\n"
                "print('held', flush=True)\n"
                "time.sleep(60)\n"
            ),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(PublishError, match="另一个发布或回滚正在进行"):
            publish(str(settings), str(releases))
        with pytest.raises(PublishError, match="另一个发布或回滚正在进行"):
            rollback(str(releases))
    finally:
        holder.kill()
        holder.wait()
    assert snapshot(releases) == before


def test_only_the_last_releases_are_kept_and_rollback_restores_the_previous(fixture_site):
    settings, content, releases = fixture_site
    names = []
    for word in ("一", "二", "三"):
        edit(content, "老彩民", f"老彩民{word}")
        names.append(publish(str(settings), str(releases), overrides={"PUBLISH_KEEP": 2}).release)
    assert completed_releases(str(releases)) == names[1:]
    assert rollback(str(releases)) == names[1]
    assert "老彩民二一。" in (releases / "live/site/news/2020/07/lottery-jackpot/index.html").read_text(
        encoding="utf-8"
    )
    with pytest.raises(PublishError, match="没有更早的版本可以回滚"):
        rollback(str(releases))


def test_killing_a_publish_during_its_build_leaves_live_unchanged(fixture_site):
    settings, content, releases = fixture_site
    publish(str(settings), str(releases))
    before = snapshot(releases)
    for number in range(400):  # enough articles that the build takes a while
        (content / f"news/bulk-{number}.md").write_text(
            f"Title: 批量稿件{number}\nDate: 2021-01-01 08:00\nCategory: 社会\nSlug: bulk-{number}\n"
            f"Author: 测试\nSummary: 摘要{number}。\n\n正文{number}。\n",
            encoding="utf-8",
        )
    command = [sys.executable, "-m", "buildtools.publish", "--settings", str(settings), "--root", str(releases)]
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while not list(releases.glob(".work/site/news/2021/01/bulk-*")):  # Pelican is writing the new pages
        assert process.poll() is None and time.monotonic() < deadline, "the build ended before it could be killed"
        time.sleep(0.01)
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert snapshot(releases) == before
    assert not (releases / ".work/site/.complete").exists()  # the half-written work folder is not trusted
    result = publish(str(settings), str(releases))
    assert live_release(str(releases)) == result.release
    assert result.report["incremental"]["reused_work_folder"] is False
    assert (releases / "live/site/news/2021/01/bulk-399/index.html").is_file()
    assert sorted(p.name for p in releases.iterdir() if not p.name.startswith(".")) == sorted(
        [before[0], result.release, "live"]
    )


def test_a_publish_with_nothing_changed_keeps_the_live_release(fixture_site):
    """A quiet night: no new release, no link check of an identical copy; the next change publishes."""
    settings, content, releases = fixture_site
    first = publish(str(settings), str(releases))
    before = snapshot(releases)
    again = publish(str(settings), str(releases))
    assert again.unchanged and again.release == first.release
    assert completed_releases(str(releases)) == [first.release]
    assert snapshot(releases) == before
    edit(content, "老彩民", "老彩民甲")
    changed = publish(str(settings), str(releases))
    assert not changed.unchanged and changed.release != first.release
    assert "老彩民甲" in (releases / "live/site/news/2020/07/lottery-jackpot/index.html").read_text(encoding="utf-8")
    # the manifest was pointed back at the live release, so the new one still shares its files
    assert (
        os.stat(releases / first.release / "site/about/index.html").st_ino
        == os.stat(releases / changed.release / "site/about/index.html").st_ino
    )


def test_a_rolled_back_release_is_not_published_again_from_the_same_inputs(fixture_site):
    """Publish A, publish B, roll back, publish with nothing changed: A stays live until a new change or --force."""
    settings, content, releases = fixture_site
    first = publish(str(settings), str(releases))
    edit(content, "老彩民", "老彩民乙")
    second = publish(str(settings), str(releases))
    assert rollback(str(releases)) == first.release
    before = snapshot(releases)
    with pytest.raises(PublishError) as refused:
        publish(str(settings), str(releases))
    message = str(refused.value)
    assert message.startswith(f"版本 {second.release} 已于 ")
    assert message.endswith(
        "回滚，这次发布的内容与它相同，所以没有发布，线上网站保持原样。要重新发布：提交新的修改（新的 commit）后再发布，"
        "或确认无误后运行 invoke publish --force。"
    )
    assert snapshot(releases) == before
    # A new change publishes as usual, and the rollback no longer stands in the way.
    edit(content, "老彩民乙", "老彩民丙")
    third = publish(str(settings), str(releases))
    assert live_release(str(releases)) == third.release
    assert not (releases / ".rolled-back.json").exists()


def test_force_publishes_what_was_rolled_back(fixture_site):
    settings, content, releases = fixture_site
    publish(str(settings), str(releases))
    edit(content, "老彩民", "老彩民乙")
    publish(str(settings), str(releases))
    rollback(str(releases))
    again = publish(str(settings), str(releases), force=True)
    assert live_release(str(releases)) == again.release
    assert "老彩民乙" in (releases / "live/site/news/2020/07/lottery-jackpot/index.html").read_text(encoding="utf-8")


def test_releases_sort_in_time_order_whatever_their_count(tmp_path):
    names = (
        ["20260101T000000Z-abc1234"]
        + [f"20260101T000000Z-abc1234.{n}" for n in range(2, 12)]
        + ["20260101T000001Z-def5678"]
    )
    for name in names:
        (tmp_path / name).mkdir()
        (tmp_path / name / MARKER).write_text(name)
    assert completed_releases(str(tmp_path)) == names


def run_audit(settings, releases) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "buildtools.audit", "--settings", str(settings), "--root", str(releases)],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )


def test_audit_passes_on_a_clean_release_and_lists_every_page_that_differs(fixture_site):
    """`invoke audit` builds from scratch and compares with live: a page an incremental build left stale is named."""
    settings, content, releases = fixture_site
    publish(str(settings), str(releases))
    edit(content, "老彩民", "老彩民乙")
    second = publish(str(settings), str(releases))
    passed = run_audit(settings, releases)
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert passed.stdout.strip() == f"核对通过：从头构建的网站与线上版本 {second.release} 完全相同。"
    stale = releases / "live/site/news/2020/07/lottery-jackpot/index.html"
    stale.write_text(stale.read_text(encoding="utf-8").replace("老彩民乙", "老彩民"), encoding="utf-8")
    (releases / "live/site/about/index.html").unlink()
    failed = run_audit(settings, releases)
    assert failed.returncode == 1
    assert failed.stdout.splitlines() == [
        "线上版本缺少：about/index.html",
        "内容不同：news/2020/07/lottery-jackpot/index.html",
    ]
    assert failed.stderr.startswith("核对不通过：从头构建的网站与线上版本有 2 处不同（见上）。")


def test_a_file_removed_from_live_by_hand_is_found_by_the_audit_and_restored_by_the_next_change(fixture_site):
    """Builds trust the last sync's record instead of walking the live release: a quiet night leaves a
    hand-made hole as it is (the audit names it); the next published change puts the file back."""
    settings, content, releases = fixture_site
    first = publish(str(settings), str(releases))
    removed = releases / first.release / "site/about/index.html"
    truth = removed.read_bytes()
    removed.unlink()
    again = publish(str(settings), str(releases))
    assert again.unchanged and again.release == first.release and not removed.exists()
    found = run_audit(settings, releases)
    assert found.returncode == 1 and found.stdout.splitlines() == ["线上版本缺少：about/index.html"]
    edit(content, "老彩民", "老彩民丙")
    changed = publish(str(settings), str(releases))
    assert not changed.unchanged
    assert (releases / changed.release / "site/about/index.html").read_bytes() == truth
    passed = run_audit(settings, releases)
    assert passed.returncode == 0, passed.stdout + passed.stderr
