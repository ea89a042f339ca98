"""The village disclosure domain as plain values: vouchers, ledger months, villages and towns.

Pure functions only (no files, no Pelican): parsing amounts and months, chaining balances from
month to month and summing by account. Money is Decimal throughout; a float never touches it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import OrderedDict
from dataclasses import dataclass, field
from decimal import Decimal

ZERO = Decimal("0.00")
CENT = Decimal("0.01")

# 1234.5 / 1,234.50 / 0.05; a sign, a currency mark or a third decimal is not an amount.
_AMOUNT = re.compile(r"^(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d{1,2})?$")


def parse_amount(text: str) -> Decimal | None:
    """'1,234.50' -> Decimal('1234.50'); '' -> 0.00; anything else (incl. negatives) -> None."""
    text = text.strip()
    if text == "":
        return ZERO
    if not _AMOUNT.match(text):
        return None
    return Decimal(text.replace(",", "")).quantize(CENT)


def parse_signed_amount(text: str) -> Decimal | None:
    """Like parse_amount, but a balance may be negative (a village can be in debt)."""
    text = text.strip()
    if text.startswith("-"):
        value = parse_amount(text[1:])
        return None if value is None or text[1:].strip() == "" else -value
    return None if text == "" else parse_amount(text)


def next_month(month: dt.date) -> dt.date:
    return dt.date(month.year + month.month // 12, month.month % 12 + 1, 1)


def month_end(month: dt.date) -> dt.date:
    return next_month(month) - dt.timedelta(days=1)


def format_amount(value: Decimal) -> str:
    """Amounts as residents read them: thousands separators and always two decimals."""
    return f"{value:,.2f}"


def month_label(month: dt.date) -> str:
    return f"{month.year}年{month.month}月"


@dataclass(frozen=True)
class Voucher:
    """One row of a monthly ledger: a 凭证 with exactly one of income or expenditure."""

    line: int
    date: dt.date
    number: str
    summary: str
    account: str
    income: Decimal
    expenditure: Decimal
    handler: str  # 经办人
    witness: str  # 证明人
    approver: str  # 审批人


@dataclass(frozen=True)
class AccountShare:
    account: str
    amount: Decimal
    percent: str  # "42.5%", of the side (income or expenditure) it belongs to


@dataclass
class LedgerMonth:
    """A village's published ledger for one month, with balances carried from the month before."""

    village_code: str
    month: dt.date
    vouchers: list[Voucher]
    opening_balance: Decimal
    source_path: str = ""
    previous: LedgerMonth | None = field(default=None, repr=False)
    next: LedgerMonth | None = field(default=None, repr=False)

    @property
    def income_total(self) -> Decimal:
        return sum((v.income for v in self.vouchers), ZERO)

    @property
    def expenditure_total(self) -> Decimal:
        return sum((v.expenditure for v in self.vouchers), ZERO)

    @property
    def closing_balance(self) -> Decimal:
        return self.opening_balance + self.income_total - self.expenditure_total

    @property
    def key(self) -> str:
        # Not f"{month:%Y-%m}": strftime was a tenth of a second per worker in a ten-year rebuild.
        return f"{self.month.year:04d}-{self.month.month:02d}"

    @property
    def label(self) -> str:
        return month_label(self.month)

    @property
    def income_by_account(self) -> list[AccountShare]:
        return account_shares(self.vouchers, "income")

    @property
    def expenditure_by_account(self) -> list[AccountShare]:
        return account_shares(self.vouchers, "expenditure")

    @property
    def signatories(self) -> OrderedDict[str, list[str]]:
        """Who signed this month's vouchers, per role, in order of first appearance."""
        roles = OrderedDict((("经办人", []), ("证明人", []), ("审批人", [])))
        for voucher in self.vouchers:
            for role, name in zip(roles, (voucher.handler, voucher.witness, voucher.approver)):
                if name not in roles[role]:
                    roles[role].append(name)
        return roles


def account_shares(vouchers, side: str) -> list[AccountShare]:
    """Sum one side by account, largest first; percentages are of that side's total."""
    sums: dict[str, Decimal] = {}
    for voucher in vouchers:
        amount = getattr(voucher, side)
        if amount:
            sums[voucher.account] = sums.get(voucher.account, ZERO) + amount
    total = sum(sums.values(), ZERO)
    ordered = sorted(sums.items(), key=lambda item: (-item[1], item[0]))
    return [
        AccountShare(name, amount, f"{(amount * 100 / total).quantize(Decimal('0.1'))}%") for name, amount in ordered
    ]


def chain_months(village_code: str, opening_balance: Decimal, months) -> list[LedgerMonth]:
    """Turn consecutive (month, vouchers, source_path) into LedgerMonths whose balances chain.

    The first month opens with the village's 期初余额; every later month opens with the closing
    balance of the month before, so a typo in one month can never silently reset the balance.
    """
    ledgers: list[LedgerMonth] = []
    balance = opening_balance
    for month, vouchers, source_path in sorted(months, key=lambda item: item[0]):
        ledger = LedgerMonth(village_code, month, list(vouchers), balance, source_path)
        if ledgers:
            ledger.previous, ledgers[-1].next = ledgers[-1], ledger
        ledgers.append(ledger)
        balance = ledger.closing_balance
    return ledgers


@dataclass
class Village:
    code: str
    town: str
    name: str
    town_slug: str
    opening_month: dt.date
    opening_balance: Decimal
    supervisor: str  # 村务监督委员会联系人
    line: int = 0
    months: list[LedgerMonth] = field(default_factory=list)
    # What the village and its months were made from, when the per-file cache knows it (its row's
    # fields, each ledger file's bytes and the account set read with it, the code): a file group's
    # inputs name the village by it instead of digesting 36 months of vouchers (collect.py).
    read_from: str = field(default="", repr=False)

    @property
    def full_name(self) -> str:
        return f"{self.town}{self.name}"

    @property
    def latest(self) -> LedgerMonth | None:
        return self.months[-1] if self.months else None

    def has_published(self, month: dt.date) -> bool:
        return any(ledger.month == month for ledger in self.months)


@dataclass
class Town:
    name: str
    slug: str
    villages: list[Village] = field(default_factory=list)


def group_towns(villages) -> list[Town]:
    """Towns in the order they first appear in villages.csv, each with its villages in file order."""
    towns: OrderedDict[str, Town] = OrderedDict()
    for village in villages:
        towns.setdefault(village.town, Town(village.town, village.town_slug)).villages.append(village)
    return list(towns.values())


def latest_month(villages) -> dt.date | None:
    months = [village.latest.month for village in villages if village.latest]
    return max(months) if months else None
