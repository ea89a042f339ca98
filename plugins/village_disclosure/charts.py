"""Bar charts drawn at build time as inline SVG, so they show without JavaScript and print well.

Every bar carries its amount as text (nobody has to judge lengths), the <svg> has role="img" with
a <title> and <desc>, and each page puts the same figures in a table beside the chart.
The markup is built here with every editor-supplied string escaped, and returned as Markup so
templates print it without `|safe`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from markupsafe import Markup, escape

from .model import format_amount

WIDTH = 360  # viewBox units; CSS caps the drawn width so text stays near body size
LABEL_SIZE = 16
HEADING_ROW = 30
BAR_ROW = 52
BAR_HEIGHT = 16
COLOURS = {"income": "#00703c", "expenditure": "#a3000b", "balance": "#0b4ea2"}


@dataclass(frozen=True)
class Deferred:
    """A chart drawn only when a template prints it: the incremental writer does not render a page
    whose inputs are unchanged, and drawing every month's chart anyway was 1 s of a ten-year
    rebuild. Its render key is `draw` and `arguments`, from which alone the chart is drawn."""

    draw: Callable[..., Markup]
    arguments: tuple

    def __html__(self) -> str:
        return self.draw(*self.arguments)

    def __str__(self) -> str:
        return str(self.__html__())


@dataclass(frozen=True)
class Bar:
    label: str
    value: Decimal
    kind: str  # "income", "expenditure" or "balance": sets the colour
    note: str = ""  # e.g. "42.5%"


@dataclass(frozen=True)
class BarGroup:
    heading: str
    bars: tuple


def bar_chart(chart_id: str, title: str, description: str, groups) -> Markup:
    """Horizontal bars in groups, largest value spanning the full width; empty groups say so."""
    groups = [group for group in groups]
    largest = max((bar.value for group in groups for bar in group.bars), default=Decimal(0)) or Decimal(1)
    parts, y = [], 0
    for group in groups:
        parts.append(_text(0, y + 22, group.heading, weight="700"))
        y += HEADING_ROW
        if not group.bars:
            parts.append(_text(0, y + 20, "（无）"))
            y += HEADING_ROW
        for bar in group.bars:
            parts.append(_bar(y, bar, largest))
            y += BAR_ROW
    height = max(y, HEADING_ROW)
    return Markup(
        f'<svg class="lp-chart__svg" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
        f'width="{WIDTH}" height="{height}" role="img" aria-labelledby="{chart_id}-title {chart_id}-desc" '
        f'font-size="{LABEL_SIZE}">'
        f'<title id="{chart_id}-title">{escape(title)}</title><desc id="{chart_id}-desc">{escape(description)}</desc>'
        + "".join(parts)
        + "</svg>"
    )


def _bar(y: int, bar: Bar, largest: Decimal) -> str:
    length = max(int(round(float(bar.value / largest) * WIDTH)), 2 if bar.value else 0)
    note = f"（{bar.note}）" if bar.note else ""
    label = f"{bar.label}　{format_amount(bar.value)} 元{note}"
    return (
        _text(0, y + 20, label)
        + f'<rect x="0" y="{y + 28}" width="{length}" height="{BAR_HEIGHT}" fill="{COLOURS[bar.kind]}"/>'
    )


def _text(x: int, y: int, content: str, weight: str = "400") -> str:
    return f'<text x="{x}" y="{y}" font-weight="{weight}" fill="#1b1b1b">{escape(content)}</text>'


def breakdown_chart(chart_id: str, ledger, village_name: str) -> Markup:
    """A month's income and expenditure by account."""
    groups = [
        BarGroup("收入", tuple(Bar(s.account, s.amount, "income", s.percent) for s in ledger.income_by_account)),
        BarGroup(
            "支出", tuple(Bar(s.account, s.amount, "expenditure", s.percent) for s in ledger.expenditure_by_account)
        ),
    ]
    title = f"{village_name} {ledger.label} 收支按科目"
    description = "；".join(
        f"{group.heading}：" + ("、".join(f"{bar.label} {format_amount(bar.value)} 元" for bar in group.bars) or "无")
        for group in groups
    )
    return bar_chart(chart_id, title, description, groups)


def trend_chart(chart_id: str, village) -> Markup:
    """A village's income and expenditure month by month."""
    groups = [
        BarGroup(
            ledger.label,
            (Bar("收入", ledger.income_total, "income"), Bar("支出", ledger.expenditure_total, "expenditure")),
        )
        for ledger in village.months
    ]
    description = "；".join(
        f"{ledger.label} 收入 {format_amount(ledger.income_total)} 元，支出 {format_amount(ledger.expenditure_total)} 元，"
        f"期末余额 {format_amount(ledger.closing_balance)} 元"
        for ledger in village.months
    )
    return bar_chart(chart_id, f"{village.full_name} 每月收支", description, groups)
