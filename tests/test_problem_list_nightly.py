"""The nightly build and the problem list: statuses move with the build date although no file changed,
and deadlines in a year the calendar package does not know are estimated and listed in the build report."""

from __future__ import annotations

import shutil

from test_build_runner import settings_for

from buildtools.build import build_site
from buildtools.inputs import InputState
from conftest import ROOT, parse

ROW_2027 = "2027-0001,xiangshui,2027-09-29,微信群,示例：村道路灯不亮,一般,香水村,2027-09-30,,,,2027-09-30\r\n"


def test_next_status_change_ends_the_unchanged_window():
    state = InputState(
        facts={
            "build_time": "2027-10-05T02:00:00+08:00",
            "scheduled": [],
            "pages_change_at": "2027-10-06T00:00:00+08:00",
        }
    )
    assert state.next_release.isoformat() == "2027-10-06T00:00:00+08:00"


def build(settings, output, when: str, monkeypatch):
    """A nightly build whose clock says `when` (BUILD_TIME unset, as in CI: the clock is read)."""
    from plugins.scheduled_publishing import scheduled_publishing

    moment = scheduled_publishing.parse_build_time(when, "Asia/Shanghai")
    monkeypatch.setattr(scheduled_publishing, "build_time", lambda settings, environ=None: moment)
    result = build_site(str(settings), str(output))
    assert result.ok, "\n".join(result.problems)
    return result.report


def test_nightly_rebuild_moves_an_open_problem_and_lists_estimates(tmp_path, monkeypatch):
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    problems = content / "disclosures" / "problems.csv"
    problems.write_bytes(problems.read_bytes() + ROW_2027.encode("utf-8"))
    settings, output = settings_for(tmp_path, content, flat=False), tmp_path / "output"
    page = output / "disclosures/problems/items/2027-0001/index.html"

    first = build(settings, output, "2027-10-05T02:00", monkeypatch)
    # Weekends only (no holidays.csv): Fri 1, Mon 4, Tue 5, Wed 6, Thu 7 October.
    assert first["estimated_deadlines"] == [{"编号": "2027-0001", "line": 47, "办理期限": "2027-10-07"}]
    assert first["pages_change_at"] == "2027-10-06T00:00:00+08:00"
    status = parse(page).select_one(".lp-problem__status").get_text()
    assert "办理中" in status and "还剩 2 个工作日" in status
    assert "2027-10-07（估算）" in parse(page).get_text()

    same_day = build(settings, output, "2027-10-05T20:00", monkeypatch)
    assert same_day["incremental"]["unchanged_inputs"] is True

    later = build(settings, output, "2027-10-11T02:00", monkeypatch)
    assert "unchanged_inputs" not in later["incremental"]
    status = parse(page).select_one(".lp-problem__status").get_text()
    assert "逾期未办结" in status and "已超期 2 个工作日" in status
    register = parse(output / "disclosures/problems/index.html")
    assert "2027-0001" in [td.get_text() for td in register.select("#problem-table-overdue .lp-problem-table__number")]
