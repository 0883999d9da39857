"""The notifications the service makes on its own, by the calendar: reminders before dated
occurrences, and the weekly digest. Pure: the time and the promises are passed in.

Each has a key that says what it is about, so the scheduler can offer it every round and
the notifications table records it once: `reminder/<promise>/<occurrence>/<organisation>`
and `digest/<promise>/<organisation>/<ISO week>`.
"""

from collections.abc import Mapping, Sequence
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from services.notifications.domain import Notification
from shared.promises import DatedTarget, Promise

STOCKHOLM = ZoneInfo("Europe/Stockholm")


def due_reminders(promises: Sequence[Promise], now: datetime, days: int) -> list[Notification]:
    """A reminder for each organisation responsible for each dated occurrence that starts
    within `days` from `now` (and has not started yet)."""
    reminders: list[Notification] = []
    for promise in promises:
        for commitment in promise.commitments:
            target = commitment.target
            if not isinstance(target, DatedTarget):
                continue
            for occurrence in target.occurrences:
                starts = occurrence.starts_at(promise.zone)
                remind_at = starts - timedelta(days=days)
                if not remind_at <= now < starts or not promise.is_valid_on(starts.date()):
                    continue
                facts = {
                    "promise": promise.id,
                    "commitment": commitment.id,
                    "occurrence": occurrence.id,
                    "title": f"{occurrence.title}, {occurrence.place}",
                    "slot": starts.date().isoformat(),
                    "starts_at": starts.isoformat(),
                    "days_left": (starts.date() - now.astimezone(promise.zone).date()).days,
                }
                source = f"reminder/{promise.id}/{occurrence.id}"
                reminders += [
                    Notification(
                        key=f"{source}/{organisation}",
                        kind="reminder",
                        organisation=organisation,
                        labels={
                            "organisation": organisation,
                            "promise": promise.id,
                            "kind": "reminder",
                            "severity": "info",
                            "commitment": commitment.id,
                            "focus_area": commitment.focus_area,
                        },
                        severity="info",
                        occurred_at=remind_at,
                        facts=dict(facts),
                        source_event_id=source,
                    )
                    for organisation in commitment.responsible
                ]
    return reminders


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
    return Notification(
        key=key,
        kind="digest",
        organisation=organisation,
        labels={
            "organisation": organisation,
            "promise": promise.id,
            "kind": "digest",
            "severity": "info",
        },
        severity="info",
        occurred_at=due,
        facts=dict(facts),
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
