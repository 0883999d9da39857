"""Reminders before dated occurrences: when they are due, for whom, and by which key they
are made once."""

from datetime import datetime, timedelta

from services.notifications.domain.reminders import STOCKHOLM, due_reminders
from shared.promises import default_promises

LUND = default_promises()


def at(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=STOCKHOLM)


def test_a_reminder_goes_a_week_before_each_dated_occurrence_to_who_is_responsible() -> None:
    week_before = at(2017, 3, 16, 8, 30)  # ungdomsting 23 March 08:30

    assert due_reminders(LUND, week_before - timedelta(minutes=1), 7) == []
    [reminder] = due_reminders(LUND, week_before, 7)

    assert reminder.key == "reminder/lund-2017/ungdomsting-2017-03-23/kommunen"
    assert reminder.kind == "reminder"
    assert reminder.labels == {
        "organisation": "kommunen",
        "promise": "lund-2017",
        "kind": "reminder",
        "severity": "info",
        "commitment": "ungdomsdialoger-motesplatser",
        "focus_area": "trygghet",
    }
    assert reminder.facts["slot"] == "2017-03-23"
    assert reminder.facts["days_left"] == 7
    assert reminder.facts["title"] == "Ungdomsting, Stadshallen"


def test_a_late_reminder_still_goes_before_the_occurrence_but_not_after() -> None:
    [late] = due_reminders(LUND, at(2017, 3, 22, 12, 0), 7)

    assert late.facts["days_left"] == 1
    assert due_reminders(LUND, at(2017, 3, 23, 8, 30), 7) == []


def test_the_same_moment_offers_the_same_keys() -> None:
    moment = at(2017, 4, 14, 9, 0)

    assert [r.key for r in due_reminders(LUND, moment, 7)] == [
        r.key for r in due_reminders(LUND, moment + timedelta(hours=1), 7)
    ]
