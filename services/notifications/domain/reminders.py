"""Reminders before dated occurrences: made by the calendar, not by a KPI event. Pure: the
time and the promises are passed in.

Each has a key that says what it is about, `reminder/<promise>/<occurrence>/<organisation>`,
so the worker can offer it every round and the notifications table records it once.
"""

from collections.abc import Sequence
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from services.notifications.domain.notifications import Notification, labelled, notification_key
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
                    labelled(
                        key=notification_key(source, organisation),
                        kind="reminder",
                        organisation=organisation,
                        severity="info",
                        subject={
                            "promise": promise.id,
                            "commitment": commitment.id,
                            "focus_area": commitment.focus_area,
                        },
                        occurred_at=remind_at,
                        facts=facts,
                        source_event_id=source,
                    )
                    for organisation in commitment.responsible
                ]
    return reminders
