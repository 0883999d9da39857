"""The weekly lägesbild of one organisation: when it is due, who gets it, and what it says,
from the KPIs the metrics service serves (`GET /v1/promises/{promise}/kpis?at=…`) and the
promise's own calendar. Pure: the time, the promises and the KPIs are passed in.

Its key, `digest/<promise>/<organisation>/<ISO week>`, makes it once however often the
worker offers it. What it says:

- behind: its commitments whose status is `behind` or `at-risk`, with their figures;
- missed last week: slots of its recurring commitments missed, its dated occurrences not
  held, its deadlines (a window's end, a deliverable's due date) passed unmet;
- due this week: what its recurring schedules, dated occurrences and deadlines ask for
  between this Monday and Sunday;
- outcomes: every outcome indicator of the promise against its comparison;
- said last week: what it published about its commitments and how its people answered
  their notifications (`digest_remarks`).

The result is plain JSON (the digest notification's facts), titles already resolved.
"""

from collections.abc import Mapping, Sequence
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from services.notifications.domain.digest_remarks import Answered, said_last_week
from services.notifications.domain.notifications import Notification, labelled
from shared.calendar import DateRange
from shared.contracts.kpis import CommitmentKpiView, OutcomeKpiView, PromiseKpisView, Status
from shared.promises import (
    Commitment,
    DatedTarget,
    DeliverableTarget,
    Monthly,
    Promise,
    RecurringTarget,
    SchoolHolidayCalendar,
    SchoolHolidaysUnknown,
)

STOCKHOLM = ZoneInfo("Europe/Stockholm")
BEHIND = (Status.BEHIND, Status.AT_RISK)
MISSED = Status.MISSED
# Nothing is due of a commitment achieved, or deliberately not pursued, in the period.
SETTLED = (Status.ACHIEVED, Status.NOT_PURSUED)
Line = dict[str, Any]


def digest_week(now: datetime, at: time, catch_up: timedelta) -> tuple[date, datetime] | None:
    """(Monday, the moment of its digest) while this week's digest is due: from Monday `at`
    (Europe/Stockholm) for `catch_up`, so a service that was down at that moment makes up
    for it that morning, not on Thursday."""
    local = now.astimezone(STOCKHOLM)
    monday = local.date() - timedelta(days=local.weekday())
    due = datetime.combine(monday, at, tzinfo=STOCKHOLM)
    return (monday, due) if due <= now < due + catch_up else None


def digest_key(promise: str, organisation: str, monday: date) -> str:
    year, week, _ = monday.isocalendar()
    return f"digest/{promise}/{organisation}/{year}-W{week:02d}"


def digest_notification(
    promise: Promise, organisation: str, monday: date, due: datetime, facts: Mapping[str, Any]
) -> Notification:
    key = digest_key(promise.id, organisation, monday)
    return labelled(
        key=key,
        kind="digest",
        organisation=organisation,
        severity="info",
        subject={"promise": promise.id},
        occurred_at=due,
        facts=facts,
        source_event_id=key,
    )


def digest_parties(promises: Sequence[Promise], monday: date) -> list[tuple[Promise, str]]:
    """Who gets a digest this week, about what: each party to each promise in force, one
    digest per promise, so that each is routed by its own promise's label."""
    return [
        (promise, organisation)
        for promise in promises
        if promise.is_valid_on(monday)
        for organisation in promise.organisation_ids
    ]


def digest_facts(
    promise: Promise,
    kpis: PromiseKpisView,
    organisation: str,
    monday: date,
    calendars: Mapping[str, SchoolHolidayCalendar],
    answers: Sequence[Answered] = (),
) -> dict[str, Any]:
    this_week = DateRange(start=monday, end=monday + timedelta(days=6))
    last_week = DateRange(start=monday - timedelta(days=7), end=monday - timedelta(days=1))
    by_id = {entry.id: entry for entry in kpis.commitments}
    behind: list[Line] = []
    missed: list[Line] = []
    due: list[Line] = []
    for commitment in promise.responsible_for(organisation):
        kpi = by_id.get(commitment.id)
        if kpi is None:
            continue
        line = {"commitment": commitment.id, "title": commitment.title}
        if kpi.status in BEHIND:
            figures = {"done": kpi.done, "target": kpi.target, "expected": kpi.expected}
            behind.append({**line, "status": kpi.status.value, "figures": figures})
        missed += [{**line, "day": day.isoformat()} for day in _missed(commitment, kpi, last_week)]
        due += [
            {**line, "day": day.isoformat()} for day in _due(commitment, kpi, this_week, calendars)
        ]
    year, week, _ = monday.isocalendar()
    return {
        "promise": promise.id,
        "promise_title": promise.title,
        "organisation": organisation,
        "week_start": monday.isoformat(),
        "week": f"{year}-W{week:02d}",
        "at": kpis.at.isoformat(),
        "behind": behind,
        "missed_last_week": sorted(missed, key=lambda line: (line["day"], line["title"])),
        "due_this_week": sorted(due, key=lambda line: (line["day"], line["title"])),
        "outcomes": [_outcome(promise, entry) for entry in kpis.outcomes],
        "said_last_week": said_last_week(promise, kpis, organisation, last_week, answers),
    }


def _missed(commitment: Commitment, kpi: CommitmentKpiView, week: DateRange) -> list[date]:
    days = [d for d in kpi.missed_slots if d in week]
    target = commitment.target
    if isinstance(target, DatedTarget):
        held = {o.id: o.held for o in kpi.occurrences}
        days += [
            o.start.date()
            for o in target.occurrences
            if o.start.date() in week and not held.get(o.id, False)
        ]
        if target.window is not None and target.window.end in week and kpi.status is MISSED:
            days.append(target.window.end)
    due = target.due if isinstance(target, DeliverableTarget) else None
    if due is not None and due in week and kpi.status is MISSED:
        days.append(due)
    return days


def _due(
    commitment: Commitment,
    kpi: CommitmentKpiView,
    week: DateRange,
    calendars: Mapping[str, SchoolHolidayCalendar],
) -> list[date]:
    target = commitment.target
    if kpi.status in SETTLED:
        return []
    if isinstance(target, RecurringTarget):
        calendar = getattr(target.schedule, "calendar", None)
        try:
            slots = target.due_slots(week, calendars.get(calendar) if calendar else None)
        except (ValueError, SchoolHolidaysUnknown):
            # No school-holiday calendar for it, or none for this year: nothing to say of it
            # this week, and the rest of the digest still goes out.
            return []
        if isinstance(target.schedule, Monthly):
            # A month's slot is clipped to the week; it is due this week only if it ends in it.
            return [s.end for s in slots if (s.end + timedelta(days=1)).month != s.end.month]
        return [slot.end for slot in slots]
    if isinstance(target, DatedTarget):
        days = [o.start.date() for o in target.occurrences if o.start.date() in week]
        if target.window is not None and target.window.end in week:
            days.append(target.window.end)
        return days
    if isinstance(target, DeliverableTarget) and target.due is not None and target.due in week:
        return [target.due]
    return []


def _outcome(promise: Promise, entry: OutcomeKpiView) -> Line:
    indicator = promise.indicator(entry.id)
    return {
        "indicator": entry.id,
        "title": indicator.title if indicator else entry.id,
        "status": entry.status.value,
        "value": entry.value,
        "comparison": entry.comparison_value,
        "change_ratio": entry.change_ratio,
        "good": entry.good,
    }
