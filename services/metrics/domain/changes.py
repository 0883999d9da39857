"""What is new in a KPI evaluation, against what was already announced.

`changes(previous, current, gap_notice_days=...)` returns the news, in a deterministic
order (the promise's commitments in order, each with its status change, then its missed
slots by date, then its coverage cells by sub-period; then the outcomes in order), and the
`Announced` state to keep for next time. Each piece of news is announced once:

- `CommitmentStatusChanged` when a commitment's status differs from the last announced;
- `OccurrenceMissed` for each missed slot (recurring) or missed occurrence (dated) not yet
  announced;
- `CoverageGap` for each cell of the running sub-period still uncovered once the
  sub-period has `gap_notice_days` or fewer left (counting today), and for each cell of an
  ended sub-period left uncovered that was not warned about (with `days_left` 0);
- `OutcomeChanged` when an outcome's status or value differs from the last announced.

A first evaluation (an empty `Announced`) announces every status, and every missed slot
and gap of the current period so far: they are real and nobody has been told. That is
the only burst there is: the previous period's misses are not repeated (they are no
longer in the KPIs), and cells with more than `gap_notice_days` left are not warned about.
A slot or cell that recovers (a late report) and is lost again (the report retracted) is
announced again: it is news again.
"""

from dataclasses import dataclass
from datetime import date
from typing import Any

from services.metrics.domain.announced import (
    Announced,
    AnnouncedCommitment,
    AnnouncedOutcome,
    gap_key,
)
from services.metrics.domain.coverage import closing_gaps
from services.metrics.domain.kpis import CommitmentKpi, OutcomeKpi, PromiseKpis, Span
from shared.contracts.kpis import Status


@dataclass(frozen=True, slots=True)
class CommitmentStatusChanged:
    commitment: str
    focus_area: str
    responsible: tuple[str, ...]
    old: Status | None
    new: Status
    figures: dict[str, Any]


@dataclass(frozen=True, slots=True)
class OccurrenceMissed:
    commitment: str
    responsible: tuple[str, ...]
    slot: date


@dataclass(frozen=True, slots=True)
class CoverageGap:
    commitment: str
    responsible: tuple[str, ...]
    dimensions: dict[str, str]
    period: Span
    days_left: int


@dataclass(frozen=True, slots=True)
class OutcomeChanged:
    indicator: str
    old_status: Status | None
    new_status: Status
    value: float | None
    comparison_value: float | None
    change_ratio: float | None
    good: bool | None


KpiChange = CommitmentStatusChanged | OccurrenceMissed | CoverageGap | OutcomeChanged


def figures(kpi: CommitmentKpi) -> dict[str, Any]:
    """The figures behind a status, as plain JSON values, for the message that tells it."""
    values: dict[str, Any] = {
        "period_start": kpi.period.start.isoformat(),
        "period_end": kpi.period.end.isoformat(),
        "done": kpi.done,
        "target": kpi.target,
        "expected": None if kpi.expected is None else round(kpi.expected, 2),
        "slots_due": kpi.slots_due,
        "streak": kpi.streak,
        "cells": kpi.cells,
        "previous": kpi.previous,
        "completed_at": kpi.completed_at.isoformat() if kpi.completed_at else None,
        "due": kpi.due.isoformat() if kpi.due else None,
    }
    if kpi.kind in ("recurring", "dated"):
        values["missed"] = len(kpi.missed_slots)
    if kpi.kind == "coverage":
        values["gaps"] = len(kpi.gaps)
    return {name: value for name, value in values.items() if value is not None}


def _commitment_news(
    kpi: CommitmentKpi, told: AnnouncedCommitment | None, gap_notice_days: int
) -> tuple[list[KpiChange], AnnouncedCommitment]:
    news: list[KpiChange] = []
    status, shown = (told.status, told.figures) if told else (None, {})
    if kpi.status != status:
        shown = figures(kpi)
        news.append(
            CommitmentStatusChanged(
                kpi.id, kpi.focus_area, kpi.responsible, status, kpi.status, shown
            )
        )
    told_slots = told.missed_slots if told else frozenset()
    news += [
        OccurrenceMissed(kpi.id, kpi.responsible, slot)
        for slot in sorted(kpi.missed_slots)
        if slot not in told_slots
    ]
    told_gaps = told.gaps if told else frozenset()
    due = [(gap, 0) for gap in kpi.gaps]
    if kpi.current_days_left is not None:
        due += [(gap, kpi.current_days_left) for gap in closing_gaps(kpi, gap_notice_days)]
    fresh = [(gap, left) for gap, left in due if gap_key(gap) not in told_gaps]
    news += [
        CoverageGap(kpi.id, kpi.responsible, gap.dimensions, gap.period, left)
        for gap, left in fresh
    ]
    showing = {gap_key(gap) for gap in (*kpi.gaps, *kpi.current_gaps)}
    gaps = (told_gaps | {gap_key(gap) for gap, _ in fresh}) & showing
    return news, AnnouncedCommitment(kpi.status, shown, frozenset(kpi.missed_slots), gaps)


def _outcome_news(kpi: OutcomeKpi, told: AnnouncedOutcome | None) -> list[KpiChange]:
    if told is not None and (told.status, told.value) == (kpi.status, kpi.value):
        return []
    return [
        OutcomeChanged(
            kpi.id,
            told.status if told else None,
            kpi.status,
            kpi.value,
            kpi.comparison_value,
            kpi.change_ratio,
            kpi.good,
        )
    ]


def changes(
    previous: Announced, current: PromiseKpis, *, gap_notice_days: int
) -> tuple[list[KpiChange], Announced]:
    """The news in `current` since `previous`, and what will have been announced then."""
    news: list[KpiChange] = []
    commitments: dict[str, AnnouncedCommitment] = {}
    for kpi in current.commitments:
        found, commitments[kpi.id] = _commitment_news(
            kpi, previous.commitments.get(kpi.id), gap_notice_days
        )
        news += found
    outcomes: dict[str, AnnouncedOutcome] = {}
    for result in current.outcomes:
        news += _outcome_news(result, previous.outcomes.get(result.id))
        outcomes[result.id] = AnnouncedOutcome(result.status, result.value)
    return news, Announced(commitments, outcomes)


__all__ = [
    "Announced",
    "CommitmentStatusChanged",
    "CoverageGap",
    "KpiChange",
    "OccurrenceMissed",
    "OutcomeChanged",
    "changes",
    "figures",
]
