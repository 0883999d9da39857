"""Recurring targets: an activity in every slot of a schedule.

A slot is held by an activity of the commitment whose local date falls in it. A slot a
holiday moved is held from the day the schedule named through the day it moved to: the SNÖ
meeting of Easter Monday 2017, which the promise moves to Tuesday 18 April, is held by a
meeting on either day, and if missed it is missed as the 18th's. A slot that ended
without one is not missed at once: partners report late, so it is missed only when its
reporting grace has passed too. Until then it is undecided, like a slot still to come,
and a period with an undecided slot is not over for the follow-up: the last Monday of 2018
is New Year's Eve, its meeting moves to 2 January 2019, and 2018 is achieved or missed
only once that meeting was reported or its grace has passed.
"""

from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from services.metrics.domain.context import Context
from services.metrics.domain.kpis import CommitmentKpi, Span
from services.metrics.domain.periods import to_range, to_span
from services.metrics.domain.status import recurring_status
from shared.contracts.kpis import Status
from shared.promises import (
    BeforeSchoolHolidays,
    Commitment,
    RecurringTarget,
    SchoolHolidaysUnknown,
)


@dataclass(frozen=True, slots=True)
class DueSlot:
    day: date  # what the slot is known by: its first due day, the moved day if it moved
    span: Span  # the days an activity meets it on


@dataclass(frozen=True, slots=True)
class SlotState:
    slot: DueSlot
    held: bool
    missed: bool


def _slots(target: RecurringTarget, period: Span, context: Context) -> list[DueSlot] | None:
    """The period's slots; None when the school holidays they depend on are unknown."""
    schedule = target.schedule
    calendar = None
    if isinstance(schedule, BeforeSchoolHolidays):
        calendar = context.calendars.get(schedule.calendar)
        if calendar is None:
            return None
    try:
        slots = target.due_slots(to_range(period), calendar)
    except SchoolHolidaysUnknown:
        return None
    return [DueSlot(s.start, Span(s.met_from, to_span(s).end)) for s in slots]


def _held(slot: Span, days: Sequence[date]) -> bool:
    first = bisect_left(days, slot.start)
    return first < len(days) and days[first] < slot.end


def slot_states(
    target: RecurringTarget, slots: Sequence[DueSlot], days: Sequence[date], context: Context
) -> list[SlotState]:
    """The slots due by now, each held or not, missed or not; `days` sorted.

    A slot is due from its first due day, and a moved one from its nominal day too once an
    activity held it there: the meeting of Easter Monday counts on Easter Monday.
    """
    states = []
    for slot in slots:
        held = _held(slot.span, days)
        if not (held or context.at >= context.begins(slot.day)):
            break
        overdue = context.at >= context.begins(slot.span.end) + target.reporting_grace
        states.append(SlotState(slot, held, missed=overdue and not held))
    return states


def streak(states: Sequence[SlotState]) -> int:
    """Held slots in a row up to the latest; one still awaiting its report is passed over."""
    run = 0
    for state in reversed(states):
        if state.held:
            run += 1
        elif state.missed:
            break
    return run


def evaluate_recurring(
    commitment: Commitment, target: RecurringTarget, context: Context
) -> CommitmentKpi:
    period = context.period()
    started = context.has_started(period)
    slots = _slots(target, period, context)
    if slots is None:
        return CommitmentKpi(
            id=commitment.id,
            kind="recurring",
            focus_area=commitment.focus_area,
            responsible=commitment.responsible,
            status=Status.AWAITING_DATA if started else Status.NOT_STARTED,
            period=period,
        )
    days = [a.day for a in context.facts.activities_of(commitment.id)]
    states = slot_states(target, slots, days, context)
    missed = tuple(s.slot.day for s in states if s.missed)
    held = sum(1 for s in states if s.held)
    status = recurring_status(
        started=started,
        ended=context.has_ended(period),
        slots_due=len(states),
        missed=len(missed),
        undecided=len(slots) - held - len(missed),
    )
    return CommitmentKpi(
        id=commitment.id,
        kind="recurring",
        focus_area=commitment.focus_area,
        responsible=commitment.responsible,
        status=status,
        period=period,
        done=held,
        target=len(slots),
        slots_due=len(states),
        missed_slots=missed,
        streak=streak(states),
    )
