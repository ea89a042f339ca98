"""`invoke bench-history`: what the 更正记录 and deadlines cost at ten years' scale, outside a full build.

Makes a throwaway git repository with one ledger per village per month committed month by month
(270 villages x 36 months = 9,720 files by default), some corrections and renames, then times
each step the village disclosure generator adds to a build: reading the history cold (git log +
cat-file) and from the cache (a rebuild with no new commit), turning it into page models, and
the deadline statuses. Prints one JSON object with the CPU seconds (this process and its git children).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import tempfile
import time
from decimal import Decimal

from plugins.correction_history.git_log import read_folder_history
from plugins.village_disclosure import integrity
from plugins.village_disclosure.model import LedgerMonth, Town, Village, next_month

HEADER = "日期,凭证号,摘要,科目,收入,支出,经办人,证明人,审批人\r\n"


def ledger_bytes(month: dt.date, seed: int, rows: int = 12) -> bytes:
    lines = [
        f"{month:%Y-%m}-{1 + i:02d},{i + 1:02d},示例摘要{seed}-{i},管理费用,,{100 + seed % 97 + i}.00,甲,乙,丙\r\n"
        for i in range(rows)
    ]
    return ("\ufeff" + HEADER + "".join(lines)).encode("utf-8")


def git(repo, *args, when=None, stdin=None):
    env = {**os.environ, "GIT_AUTHOR_NAME": "b", "GIT_AUTHOR_EMAIL": "b@example.invalid"}
    env.update(GIT_COMMITTER_NAME="b", GIT_COMMITTER_EMAIL="b@example.invalid")
    if when:
        env.update(GIT_AUTHOR_DATE=when, GIT_COMMITTER_DATE=when)
    subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True, input=stdin)


def make_repository(repo: str, villages: int, months: int, corrections: int) -> list[Village]:
    git(repo, "init", "-q")
    finance = os.path.join(repo, "content", "disclosures", "finance")
    start = dt.date(2020, 1, 1)
    models = [
        Village(f"v{n:03d}", f"镇{n // 20}", f"村{n}", f"t{n // 20}", start, Decimal("0.00"), "丁")
        for n in range(villages)
    ]
    month = start
    for index in range(months):
        for village in models:
            folder = os.path.join(finance, village.code)
            os.makedirs(folder, exist_ok=True)
            with open(os.path.join(folder, f"{month:%Y-%m}.csv"), "wb") as handle:
                handle.write(ledger_bytes(month, index))
            village.months.append(
                LedgerMonth(
                    village.code, month, [], Decimal("0.00"), f"disclosures/finance/{village.code}/{month:%Y-%m}.csv"
                )
            )
        git(repo, "add", "-A")
        git(repo, "commit", "-q", "-m", f"{month:%Y-%m}", when=f"{next_month(month):%Y-%m}-08T09:00:00+08:00")
        month = next_month(month)
    for n in range(corrections):
        village, ledger = models[n % villages], models[n % villages].months[n % months]
        path = os.path.join(repo, "content", ledger.source_path)
        with open(path, "wb") as handle:
            handle.write(ledger_bytes(ledger.month, n + 1000, rows=11))
        git(repo, "commit", "-qam", f"更正 {n}", when=f"{month:%Y-%m}-0{1 + n % 9}T10:00:00+08:00")
    return models


def timed(function):
    """(result, CPU seconds of this process and the git it ran): the machine is shared, so wall
    time says more about the neighbours than about this code."""
    started = time.process_time(), os.times()
    result = function()
    after = os.times()
    children = (after.children_user + after.children_system) - (started[1].children_user + started[1].children_system)
    return result, round(time.process_time() - started[0] + children, 3)


def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("--villages", type=int, default=270)
    parser.add_argument("--months", type=int, default=36)
    parser.add_argument("--corrections", type=int, default=200)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as work:
        repo, cache = os.path.join(work, "repo"), os.path.join(work, "cache")
        os.makedirs(repo)
        villages = make_repository(repo, args.villages, args.months, args.corrections)
        content = os.path.join(repo, "content")
        finance = os.path.join(content, "disclosures", "finance")
        _, cold = timed(lambda: read_folder_history(finance, None))
        _, first = timed(lambda: read_folder_history(finance, cache))
        history, cached = timed(lambda: read_folder_history(finance, cache))
        _, models_first = timed(lambda: integrity.ledger_histories(villages, history, content))
        history = read_folder_history(finance, cache)  # the next build: history and records from the cache
        histories, models = timed(lambda: integrity.ledger_histories(villages, history, content))
        towns = {}
        for village in villages:
            towns.setdefault(village.town, Town(village.town, village.town_slug)).villages.append(village)
        _, deadlines = timed(
            lambda: integrity.assess_deadlines(villages, list(towns.values()), histories, 10, dt.date(2023, 2, 1))
        )
        figures = {
            "ledger_files": sum(len(v.months) for v in villages),
            "corrections": args.corrections,
            "history_cold_s": cold,
            "history_cold_writing_cache_s": first,
            "history_cached_s": cached,
            "page_models_first_s": models_first,
            "page_models_s": models,
            "deadlines_s": deadlines,
            "no_change_rebuild_total_s": round(cached + models + deadlines, 3),
        }
        print(json.dumps(figures, ensure_ascii=False))


if __name__ == "__main__":
    main()
