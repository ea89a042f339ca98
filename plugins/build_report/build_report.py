"""Time Pelican's phases for the build report, from its own signals.

The build runner (buildtools/stages.py) hands a PhaseClock to its Pelican object
(buildtools/parallel_output.py, `phase_clock`); these handlers mark the end of each phase on it,
and the runner calls `content_read` when reading is done. Without a clock (a plain `pelican`
run, a plugin test) they do nothing.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from pelican import signals


@dataclass
class PhaseClock:
    """Seconds per named phase, in the order the phases ended."""

    started: float = field(default_factory=time.monotonic)
    phases: dict[str, float] = field(default_factory=dict)
    facts: dict[str, object] = field(default_factory=dict)

    def mark(self, phase: str) -> None:
        now = time.monotonic()
        self.phases[phase] = round(now - self.started, 3)
        self.started = now


def _clock(pelican) -> PhaseClock | None:
    clock = getattr(pelican, "phase_clock", None)
    return clock if isinstance(clock, PhaseClock) else None


def plugins_loaded(pelican) -> None:
    if clock := _clock(pelican):
        clock.mark("settings")


def content_read(clock: PhaseClock, context: dict) -> None:
    """After all_generators_finalized: every source read, every listing decided."""
    clock.mark("read")
    clock.facts["articles"] = len(context.get("articles", []))
    clock.facts["standing_pages"] = len(context.get("pages", []))
    if context.get("build_time") is not None:  # set by scheduled_publishing; the next build's fast path needs it
        clock.facts["build_time"] = context["build_time"].isoformat()
    clock.facts["scheduled"] = [
        {"source": article.get_relative_source_path(), "date": article.date.isoformat()}
        for article in context.get("scheduled_articles", [])
    ]
    # Pages made from unchanged content that change by the clock alone (a problem-list status moves at
    # midnight): the next build's fast path must not keep them past that time.
    changes = context.get("pages_change_at") or []
    clock.facts["pages_change_at"] = min(changes).isoformat() if changes else None
    clock.facts["estimated_deadlines"] = context.get("estimated_deadlines", [])
    # Ledger corrections committed without a reason (plugins/village_disclosure): listed, not hidden.
    clock.facts["unexplained_corrections"] = context.get("unexplained_corrections", [])
    clock.facts["front_page_lead"] = front_page_lead(context.get("latest_edition"))


def front_page_lead(edition) -> dict | None:
    """The story the front page shows as 头条 (the newest edition's lead), as the report keeps it."""
    lead = edition.lead if edition is not None else None
    if lead is None:
        return None
    return {"title": lead.title, "edition": edition.date.isoformat(), "source": lead.get_relative_source_path()}


def writing_started(pelican) -> None:
    if clock := _clock(pelican):
        clock.mark("links")
    return None  # get_writer: not offering a writer class


def writing_done(pelican) -> None:
    if clock := _clock(pelican):
        clock.mark("write")


def register():
    signals.initialized.connect(plugins_loaded)
    signals.get_writer.connect(writing_started)
    signals.finalized.connect(writing_done)
