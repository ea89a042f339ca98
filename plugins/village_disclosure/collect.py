"""Find every disclosure file under the content folder and turn them into villages with chained months.

Paths in errors are shown relative to the content folder (disclosures/finance/xiangshui/2020-05.csv),
as editors see them in the repository.
"""

from __future__ import annotations

import os
from dataclasses import astuple, fields

from plugins.portal_data import DataError, codes, csv_source, dates, positions
from plugins.portal_data.dates import DateFormError, parse_month
from plugins.portal_data.digests import digest_of
from plugins.portal_data.file_cache import FileCache

from . import ledger_source, model
from .ledger_source import account_set_for, ledger_files, read_account_sets, read_ledger, read_villages
from .model import Voucher, chain_months, next_month


def load_villages(content_path: str, config: dict, settings: dict | None = None):
    """Return (villages, account sets, errors) for the disclosure files under `content_path`.

    `settings` (Pelican's) turns on the per-file cache when Pelican's content cache is on.
    """

    def shown(path: str) -> str:
        return os.path.relpath(path, content_path).replace(os.sep, "/")

    accounts_path = os.path.join(content_path, config["VILLAGE_DISCLOSURE_ACCOUNTS"])
    villages_path = os.path.join(content_path, config["VILLAGE_DISCLOSURE_VILLAGES"])
    finance_path = os.path.join(content_path, config["VILLAGE_DISCLOSURE_FINANCE_PATH"])
    missing = [
        DataError(
            shown(path), 0, 0, "missing-file", f"缺少 {shown(path)}；村务公开需要这个文件（格式见 README 的“村务公开”）"
        )
        for path in (accounts_path, villages_path)
        if not os.path.isfile(path)
    ]
    if missing:
        return [], [], missing
    account_sets, errors = read_account_sets(accounts_path, shown(accounts_path))
    villages, village_errors = read_villages(villages_path, shown(villages_path))
    errors.extend(village_errors)

    cache = FileCache.for_settings(
        settings or {}, "village-ledgers", ledger_source, model, csv_source, codes, dates, positions
    )
    found, ledger_errors, sources = _read_ledgers(
        finance_path, shown, villages, account_sets, shown(villages_path), cache
    )
    errors.extend(ledger_errors)
    for village in villages:
        errors.extend(_missing_months(village, found[village.code], finance_path, shown))
        village.months = chain_months(village.code, village.opening_balance, found[village.code])
        village.read_from = read_from(village, {path: sources[path] for _month, _vouchers, path in found[village.code]})
    return villages, account_sets, errors


def read_from(village, sources: dict[str, str | None]) -> str:
    """One digest of everything `village` and its months were made from: its own fields (its row in
    villages.csv, the opening balance every month's balance chains from) and what each of its
    ledger files was read from (`sources`: shown path -> FileCache.source); "" when one of those is
    unknown (no cache). Months are chained in date order, so the files' order is not an input."""
    if any(source is None for source in sources.values()):
        return ""
    own = [getattr(village, f.name) for f in fields(village) if f.name not in ("months", "read_from")]
    return digest_of("village-read-from", repr(own), *(f"{path}={sources[path]}" for path in sorted(sources)))


def _read_ledgers(finance_path, shown, villages, account_sets, villages_shown, cache):
    """({village code: [(month, vouchers, shown path)]}, errors, {shown path: what it was read
    from, FileCache.source}) for every ledger file.

    One ledger's vouchers and problems depend on its bytes, its month and the account set in
    force then: cached per file. Which months exist and how balances chain is redone every build.
    """
    by_code = {village.code: village for village in villages}
    found: dict[str, list] = {village.code: [] for village in villages}
    sources: dict[str, str | None] = {}  # shown path -> FileCache.source
    errors = []
    account_keys = {id(s): (s.name, s.document, s.start, tuple(s.accounts.items())) for s in account_sets}
    finance_shown = shown(finance_path)  # once: relpath for each of 10,000 files took half a second
    for folder, name in ledger_files(finance_path):
        path = os.path.join(finance_path, folder, name)
        shown_path = f"{finance_shown}/{folder}/{name}"
        month, problems = _month_of_file(shown_path, folder, name, by_code, account_sets, villages_shown)
        errors.extend(problems)
        if month is None:
            continue
        accounts = account_set_for(account_sets, month)
        rows, ledger_errors = cache.get(
            path,
            shown_path,
            (month, account_keys[id(accounts)]),
            lambda data, path=path, shown_path=shown_path, month=month, accounts=accounts: _ledger_rows(
                read_ledger(path, shown_path, month, accounts, data=data)
            ),
        )
        errors.extend(ledger_errors)
        found[folder].append((month, [Voucher(*row) for row in rows], shown_path))
        sources[shown_path] = cache.source(path, shown_path)
    cache.save()
    return found, errors, sources


def _ledger_rows(result):
    """Vouchers as plain tuples for the cache: thousands of files' worth unpickle far faster."""
    vouchers, errors = result
    return [astuple(voucher) for voucher in vouchers], errors


def _month_of_file(path, folder, name, by_code, account_sets, villages_shown):
    """The month a ledger file covers, or None with the reason it cannot be read."""
    village = by_code.get(folder)
    if village is None:
        return None, [
            DataError(
                path,
                0,
                0,
                "unknown-village",
                f"文件夹“{folder}”不是已登记的村代码；请先在 {villages_shown} 中添加这个村，或把文件夹改名为已有的代码",
            )
        ]
    try:
        month = parse_month(name[: -len(".csv")])
    except DateFormError as problem:
        expected = f"{problem.corrected}.csv" if problem.corrected else "YYYY-MM.csv（例：2020-06.csv）"
        return None, [DataError(path, 0, 0, "bad-month-name", f"文件名“{name}”不是月份；应为 {expected}")]
    if month < village.opening_month:
        return None, [
            DataError(
                path,
                0,
                0,
                "month-before-opening",
                f"{month:%Y-%m} 早于{village.full_name}的期初月份 {village.opening_month:%Y-%m}；"
                f"请改正文件名，或在 {villages_shown} 中把期初月份提前",
            )
        ]
    if account_set_for(account_sets, month) is None:
        return None, [
            DataError(path, 0, 0, "no-account-set", f"{month:%Y-%m} 没有适用的会计科目；请在科目表中添加当时施行的制度")
        ]
    return month, []


def _missing_months(village, months, finance_path, shown):
    """A gap between the opening month and the latest published month is an error at the next file."""
    published = {month: path for month, _vouchers, path in months}
    if not published:
        return
    latest = max(published)
    month = village.opening_month
    while month < latest:
        if month not in published:
            after = min(m for m in published if m > month)
            expected = shown(os.path.join(finance_path, village.code, f"{month:%Y-%m}.csv"))
            yield DataError(
                published[after],
                0,
                0,
                "missing-month",
                f"缺少 {month:%Y-%m} 的收支表 {expected}；从期初月份 {village.opening_month:%Y-%m} "
                f"到已公开的 {after:%Y-%m}，每个月都要公开",
            )
        month = next_month(month)
