"""A synthetic ten-year Liling site in our real content formats, the same bytes for the same options.

    python -m benchmarks.generate OUT [--articles 10000] [--villages 270] [--months 36] [--power-items 2000]

writes OUT/content/ with news/<edition>/<slug>.md (front matter as in content/news/2020-07-08/),
disclosures/villages.csv, accounts.csv (copied from content/), finance/<代码>/<YYYY-MM>.csv, and the
power list (power-list.csv, departments.csv, power-types.csv), plus pages/ copied from content/.
Everything comes from one seeded random.Random, so a benchmark run can be repeated exactly.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import shutil

from benchmarks import corpus
from plugins.portal_data.downloads import csv_bytes
from plugins.power_list.model import HEADER as POWER_HEADER  # the data contracts, from their one place
from plugins.village_disclosure.ledger_source import LEDGER_HEADER

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIRST_EDITION = dt.date(2015, 3, 2)
LAST_LEDGER_MONTH = (2024, 12)
VILLAGES_HEADER = ["代码", "镇街代码", "镇街", "村社区", "期初月份", "期初余额", "监督委员会联系人"]


def person(rng: random.Random) -> str:
    return rng.choice(corpus.SURNAMES) + rng.choice(corpus.GIVEN)


def sentence(rng: random.Random, day: dt.date, town: str, subject: str) -> str:
    return rng.choice(corpus.SENTENCES).format(
        date=f"{day.month}月{day.day}日",
        place=rng.choice(corpus.PLACES),
        subject=subject,
        action=rng.choice(corpus.ACTIONS),
        town=town,
        money=rng.randint(20, 3000),
        people=rng.randint(100, 50000),
        name=person(rng),
        count=rng.randint(3, 300),
        percent=rng.randint(60, 100),
        dept=rng.choice(corpus.DEPARTMENTS)[0][3:],
        month=rng.randint(1, 12),
    )


def article_text(
    rng: random.Random, day: dt.date, position: int, number: int, titles_of_the_day: set[str]
) -> tuple[str, str]:
    """(relative path, Markdown) of one article; its title differs from the day's others, as our checks demand."""
    category = rng.choice(list(corpus.CATEGORIES))
    while True:
        town = rng.choice(corpus.TOWNS)[0]
        subject = rng.choice(corpus.SUBJECTS)
        title = f"{town}{subject}{rng.choice(corpus.ACTIONS)}"
        if title not in titles_of_the_day:
            titles_of_the_day.add(title)
            break
    slug = f"{corpus.CATEGORIES[category]}-{day:%Y%m%d}-{number:05d}"
    paragraphs = [
        "".join(sentence(rng, day, town, subject) for _ in range(rng.randint(2, 4))) for _ in range(rng.randint(4, 8))
    ]
    paragraphs[0] = "株洲日报讯 " + paragraphs[0]
    summary = paragraphs[0][6:100]
    tags = rng.sample(corpus.SUBJECTS, 2) + [town]
    lines = [f"Title: {title}"]
    if rng.random() < 0.2:
        lines.append(f"Kicker: {rng.choice(corpus.SUBJECTS)}{rng.choice(corpus.ACTIONS)}")
    lines += [
        f"Date: {day:%Y-%m-%d} 00:00",
        f"Category: {category}",
        "Tags: " + ", ".join(tags),
        f"Slug: {slug}",
        f"Author: {rng.choice(corpus.REPORTERS)}",
        "Correspondents: " + ", ".join(person(rng) for _ in range(rng.randint(1, 3))),
        f"Summary: {summary}",
        f"Edition: {day:%Y-%m-%d}",
        f"Edition_Position: {position}",
    ]
    if rng.random() < 0.15:
        lines += [f"Photo_Caption: {town}{subject}现场。", f"Photo_Credit: {person(rng)}"]
    return f"news/{day:%Y-%m-%d}/{slug}.md", "\n".join(lines) + "\n\n" + "\n\n".join(paragraphs) + "\n"


def write_news(content: str, count: int, rng: random.Random) -> int:
    day, number = FIRST_EDITION, 0
    while number < count:
        titles: set[str] = set()
        for position in range(1, min(rng.randint(2, 4), count - number) + 1):
            number += 1
            path, text = article_text(rng, day, position, number, titles)
            write(content, path, text.encode("utf-8"))
        day += dt.timedelta(days=1 + (rng.random() < 0.1))
    return number


def months_back(count: int) -> list[tuple[int, int]]:
    year, month = LAST_LEDGER_MONTH
    months = []
    for _ in range(count):
        months.append((year, month))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return months[::-1]


def villages(count: int, rng: random.Random) -> list[dict]:
    rows, used = [], set()
    for index in range(count):
        head, tail = rng.choice(corpus.NAME_HEADS), rng.choice(corpus.NAME_TAILS)
        town, town_code = corpus.TOWNS[index % len(corpus.TOWNS)]
        code, suffix = head[1] + tail[1], 2
        while code in used:
            code, suffix = f"{head[1]}{tail[1]}{suffix}", suffix + 1
        used.add(code)
        kind = "社区" if index % 9 == 0 else "村"
        rows.append(
            {
                "代码": code,
                "镇街代码": town_code,
                "镇街": town,
                "村社区": head[0] + tail[0] + kind,
                "期初余额": f"{rng.randint(20000, 200000)}.{rng.randint(0, 99):02d}",
                "监督委员会联系人": person(rng),
            }
        )
    return rows


def ledger_rows(rng: random.Random, year: int, month: int, signers: list[str]) -> list[list[str]]:
    entries = [rng.choice(corpus.INCOME_ENTRIES) + ("收入",) for _ in range(rng.randint(1, 3))]
    entries += [rng.choice(corpus.EXPENSE_ENTRIES) + ("支出",) for _ in range(rng.randint(3, 8))]
    days = sorted(rng.randint(1, 28) for _ in entries)
    rows = []
    for number, (day, (summary, account, low, high, side)) in enumerate(zip(days, entries), 1):
        if year >= 2024:
            account = corpus.RULE_2024_REPLACES.get(account, account)
        amount = f"{rng.randint(low, high)}.{rng.randint(0, 99):02d}"
        rows.append(
            [
                f"{year}-{month:02d}-{day:02d}",
                f"{number:02d}",
                summary,
                account,
                amount if side == "收入" else "",
                amount if side == "支出" else "",
                *signers,
            ]
        )
    return rows


def write_ledgers(content: str, village_count: int, month_count: int, rng: random.Random) -> int:
    months = months_back(month_count)
    rows = villages(village_count, rng)
    for village in rows:
        village["期初月份"] = f"{months[0][0]}-{months[0][1]:02d}"
        signers = [person(rng), person(rng), person(rng)]
        for year, month in months:
            data = csv_bytes(LEDGER_HEADER, ledger_rows(rng, year, month, signers))
            write(content, f"disclosures/finance/{village['代码']}/{year}-{month:02d}.csv", data)
    write(
        content, "disclosures/villages.csv", csv_bytes(VILLAGES_HEADER, [[v[h] for h in VILLAGES_HEADER] for v in rows])
    )
    return village_count * month_count


def write_power_list(content: str, count: int, rng: random.Random) -> int:
    rows = []
    for number in range(1, count + 1):
        department, _code = rng.choice(corpus.DEPARTMENTS)
        kind = rng.choice(corpus.POWER_TYPES)[0]
        matter = f"{rng.choice(corpus.SUBJECTS)}{rng.choice(corpus.POWER_MATTERS)}（第{number}项）"
        legal = rng.choice([5, 10, 15, 20, 30])
        rows.append(
            [
                str(number),
                department,
                matter,
                kind,
                f"《湖南省{rng.choice(corpus.SUBJECTS)}管理办法》第{rng.randint(2, 40)}条",
                "符合法定条件的公民、法人或者其他组织",
                "申请书；居民身份证或者营业执照",
                "受理；审查；决定；送达",
                str(legal),
                str(max(1, legal // 2)),
                "不收费",
                rng.choice(["窗口", "窗口、网上", "窗口、网上、微信群代办"]),
                "受理责任：一次性告知；审查责任：依法审查；决定责任：作出决定并说明理由",
                f"0731-2300{number % 100:04d}",
                "2024-12-31",
            ]
        )
    write(content, "disclosures/power-list.csv", csv_bytes(POWER_HEADER, rows))
    write(content, "disclosures/departments.csv", csv_bytes(["部门", "代码"], [list(d) for d in corpus.DEPARTMENTS]))
    write(content, "disclosures/power-types.csv", csv_bytes(["类别", "说明"], [list(t) for t in corpus.POWER_TYPES]))
    return count


def write(content: str, relative: str, data: bytes) -> None:
    path = os.path.join(content, relative)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as handle:
        handle.write(data)


def generate(out: str, articles=10_000, villages_count=270, months=36, power_items=2_000, seed=2020) -> dict:
    """Write OUT/content from scratch; returns the counts written."""
    content = os.path.join(out, "content")
    shutil.rmtree(content, ignore_errors=True)
    rng = random.Random(seed)
    shutil.copytree(os.path.join(REPO, "content", "pages"), os.path.join(content, "pages"))
    shutil.copy(
        os.path.join(REPO, "content", "disclosures", "accounts.csv"), _mkdir_for(content, "disclosures/accounts.csv")
    )
    # The real section declaration: the generated categories are the real ones.
    shutil.copy(os.path.join(REPO, "content", "sections.toml"), os.path.join(content, "sections.toml"))
    return {
        "articles": write_news(content, articles, rng),
        "ledgers": write_ledgers(content, villages_count, months, rng),
        "power_items": write_power_list(content, power_items, rng),
    }


def _mkdir_for(content: str, relative: str) -> str:
    path = os.path.join(content, relative)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    return path


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="生成十年规模的合成网站内容")
    parser.add_argument("out")
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--villages", type=int, default=270)
    parser.add_argument("--months", type=int, default=36)
    parser.add_argument("--power-items", type=int, default=2_000)
    parser.add_argument("--seed", type=int, default=2020)
    args = parser.parse_args(argv)
    print(generate(args.out, args.articles, args.villages, args.months, args.power_items, args.seed))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
