"""Targets done once: dated occurrences ("ungdomsting 23 mars"), a window ("våren"), or a
deliverable (a folder, a document).

An occurrence is held by an activity of the commitment on its local date; a window by one
on any of its days. The first such activity tells when and where it was held. An unheld
occurrence is missed once it ended more than 24 hours ago (reports come late).

The dates are one-off, so a period that holds none of them (Lund's youth dialogues were
all in 2017; in 2018 there are none) shows the latest period that had some, as it ended:
a year turning must not turn a missed dialogue into nothing to report.

A deliverable is not redone every period either: once completed it stays completed, so
the earliest `deliverable.completed` of the commitment counts whenever it happened. The
period shown is the current one, for a uniform display.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from services.metrics.domain.context import Context
from services.metrics.domain.facts import Fact
from services.metrics.domain.kpis import CommitmentKpi, OccurrenceState, Span
from services.metrics.domain.periods import ONE_DAY
from services.metrics.domain.status import DATED_GRACE, dated_status, deliverable_status
from shared.contracts.events import ActivityCompleted
from shared.promises import Commitment, DatedTarget, DeliverableTarget, Occurrence


@dataclass(frozen=True, slots=True)
class _Due:
    """An occurrence or the window, alike: the days it spans, when it starts and ends, and
    the deadline that makes it at risk (an occurrence's start, the window's end)."""

    id: str
    title: str
    first: date
    last: date
    starts: datetime
    ends: datetime
    deadline: datetime


def _dues(target: DatedTarget, context: Context) -> list[_Due]:
    if target.window is not None:
        window = target.window
        starts, ends = context.begins(window.start), context.begins(window.end + ONE_DAY)
        return [_Due(window.name, window.name, window.start, window.end, starts, ends, ends)]
    return [_occurrence(o, context.zone) for o in sorted(target.occurrences, key=_when)]


def _when(occurrence: Occurrence) -> tuple[datetime, str]:
    return occurrence.start, occurrence.id


def _occurrence(occurrence: Occurrence, zone: ZoneInfo) -> _Due:
    starts = occurrence.starts_at(zone)
    ends = occurrence.ends_at(zone)
    first, last = occurrence.start.date(), occurrence.end.date()
    return _Due(occurrence.id, occurrence.title, first, last, starts, ends, deadline=starts)


def _in_period(dues: Sequence[_Due], context: Context) -> tuple[Span, list[_Due]]:
    period = context.period()
    current = [d for d in dues if period.start <= d.first < period.end]
    earlier = [d.first for d in dues if d.first < period.start]
    if current or not earlier:
        return period, current
    period = context.period(day=max(earlier))
    return period, [d for d in dues if period.start <= d.first < period.end]


def _state(due: _Due, activities: Sequence[Fact[ActivityCompleted]]) -> OccurrenceState:
    held = next((a for a in activities if due.first <= a.day <= due.last), None)
    return OccurrenceState(
        id=due.id,
        title=due.title,
        due=due.starts,
        held=held is not None,
        held_at=held.time if held else None,
        place=held.data.place if held else None,
    )


def evaluate_dated(commitment: Commitment, target: DatedTarget, context: Context) -> CommitmentKpi:
    period, dues = _in_period(_dues(target, context), context)
    activities = context.facts.activities_of(commitment.id)
    states = [_state(due, activities) for due in dues]
    missed: list[date] = []
    waiting: list[timedelta] = []
    for due, state in zip(dues, states, strict=True):
        if state.held:
            continue
        if context.at >= due.ends + DATED_GRACE:
            missed.append(due.first)
        else:
            waiting.append(due.deadline - context.at)
    status = dated_status(
        started=context.has_started(period),
        missed=bool(missed),
        all_held=bool(states) and all(s.held for s in states),
        next_deadline=min(waiting, default=None),
    )
    return CommitmentKpi(
        id=commitment.id,
        kind="dated",
        focus_area=commitment.focus_area,
        responsible=commitment.responsible,
        status=status,
        period=period,
        done=sum(1 for s in states if s.held),
        target=len(states),
        missed_slots=tuple(missed),
        occurrences=tuple(states),
    )


def evaluate_deliverable(
    commitment: Commitment, target: DeliverableTarget, context: Context
) -> CommitmentKpi:
    period = context.period()
    completed = next(iter(context.facts.deliverables_of(commitment.id)), None)
    status = deliverable_status(
        started=context.has_started(period),
        completed=completed is not None,
        due=target.due,
        today=context.today,
    )
    return CommitmentKpi(
        id=commitment.id,
        kind="deliverable",
        focus_area=commitment.focus_area,
        responsible=commitment.responsible,
        status=status,
        period=period,
        done=1 if completed else 0,
        target=1,
        completed_at=completed.time if completed else None,
        due=target.due,
    )
