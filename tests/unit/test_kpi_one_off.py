"""Targets done once on Lund 2017: the three youth dialogues, the spring lecture, the folder.

The dialogues: ungdomsting 23 March 08:30-12:00 (Stadshallen), inflytandecafé 20 April
09:00-12:00 (Stadshallen), ungdomsting 3 May 08:30-12:00 (Mejeriet). The lecture for
parents is due "in spring", read as 1 March to 31 May, in Stadshallen.
"""

from datetime import date, timedelta

from services.metrics.domain.facts import KnownEvent
from services.metrics.domain.kpis import OccurrenceState, Span
from shared.contracts.kpis import Status
from tests.unit.lund_events import (
    activity,
    changed_commitment,
    commitment_at,
    deliverable,
    local,
)

DIALOGUES = "ungdomsdialoger-motesplatser"
LECTURE = "foraldrar-storforelasning"
FOLDER = "klotter-folder"


def dialogue(month: int, day: int, place: str) -> KnownEvent:
    return activity(
        DIALOGUES, local(2017, month, day, 10), organisations=("kommunen",), place=place
    )


FIRST = dialogue(3, 23, "Stadshallen")
SECOND = dialogue(4, 20, "Stadshallen")
THIRD = dialogue(5, 3, "Mejeriet")


def test_a_held_dialogue_says_when_and_where_and_the_next_one_is_due() -> None:
    kpi = commitment_at(DIALOGUES, [FIRST], local(2017, 3, 24))

    assert (kpi.done, kpi.target) == (1, 3)
    assert kpi.occurrences[0] == OccurrenceState(
        id="ungdomsting-2017-03-23",
        title="Ungdomsting",
        due=local(2017, 3, 23, 8, 30),
        held=True,
        held_at=local(2017, 3, 23, 10),
        place="Stadshallen",
    )
    assert [o.held for o in kpi.occurrences] == [True, False, False]
    assert kpi.status is Status.ON_TRACK  # 20 April is 27 days away


def test_the_next_dialogue_within_fourteen_days_is_at_risk() -> None:
    fourteen_days_before = local(2017, 3, 23, 8, 30) - timedelta(days=14)

    assert commitment_at(DIALOGUES, [], fourteen_days_before).status is Status.AT_RISK
    earlier = fourteen_days_before - timedelta(minutes=1)
    assert commitment_at(DIALOGUES, [], earlier).status is Status.ON_TRACK


def test_an_unheld_dialogue_is_missed_a_day_after_it_ended_unless_reported_late() -> None:
    grace_ends = local(2017, 4, 21, 12)  # 20 April 12:00 + 24 h

    waiting = commitment_at(DIALOGUES, [FIRST], grace_ends - timedelta(minutes=1))
    missed = commitment_at(DIALOGUES, [FIRST], grace_ends)
    reported_late = commitment_at(DIALOGUES, [FIRST, SECOND], local(2017, 4, 25))

    assert waiting.status is Status.AT_RISK  # overdue, still within its grace
    assert waiting.missed_slots == ()
    assert missed.status is Status.MISSED
    assert missed.missed_slots == (date(2017, 4, 20),)
    assert reported_late.missed_slots == ()
    assert reported_late.status is Status.AT_RISK  # not missed; 3 May is 8 days away


def test_all_three_dialogues_held_is_achieved_and_still_shown_the_year_after() -> None:
    achieved = commitment_at(DIALOGUES, [FIRST, SECOND, THIRD], local(2017, 5, 3, 12))
    next_year = commitment_at(DIALOGUES, [FIRST, THIRD], local(2018, 3, 1))

    assert achieved.status is Status.ACHIEVED
    assert next_year.period == Span(date(2017, 3, 1), date(2018, 1, 1))
    assert next_year.status is Status.MISSED
    assert next_year.missed_slots == (date(2017, 4, 20),)


def test_the_spring_lecture_is_held_any_day_of_spring_and_missed_after_it() -> None:
    lecture = activity(LECTURE, local(2017, 4, 5, 19), place="Stadshallen")

    held = commitment_at(LECTURE, [lecture], local(2017, 4, 6))
    fortnight_left = commitment_at(LECTURE, [], local(2017, 5, 18))
    a_day_more = commitment_at(LECTURE, [], local(2017, 5, 17, 23))
    missed = commitment_at(LECTURE, [], local(2017, 6, 2))

    assert held.status is Status.ACHIEVED
    assert (held.occurrences[0].id, held.occurrences[0].place) == ("våren", "Stadshallen")
    assert fortnight_left.status is Status.AT_RISK  # spring ends 1 June 00:00
    assert a_day_more.status is Status.ON_TRACK
    assert missed.status is Status.MISSED
    assert missed.missed_slots == (date(2017, 3, 1),)


def test_a_deliverable_due_in_thirty_days_is_at_risk_and_overdue_the_day_after() -> None:
    promise = changed_commitment(FOLDER, due=date(2017, 6, 30))

    def status_on(day: date) -> Status:
        at = local(day.year, day.month, day.day, 12)
        return commitment_at(FOLDER, [], at, promise).status

    assert status_on(date(2017, 5, 30)) is Status.ON_TRACK  # 31 days left
    assert status_on(date(2017, 5, 31)) is Status.AT_RISK  # 30 days left
    assert status_on(date(2017, 6, 30)) is Status.AT_RISK
    assert status_on(date(2017, 7, 1)) is Status.MISSED


def test_a_deliverable_completed_late_is_achieved_from_its_earliest_completion() -> None:
    promise = changed_commitment(FOLDER, due=date(2017, 6, 30))
    reprint = deliverable(FOLDER, local(2017, 9, 1, 9), title="Klotterfoldern, andra tryckningen")
    events = [reprint, deliverable(FOLDER, local(2017, 7, 5, 14))]

    kpi = commitment_at(FOLDER, events, local(2017, 9, 2), promise)

    assert kpi.status is Status.ACHIEVED
    assert (kpi.done, kpi.target) == (1, 1)
    assert kpi.completed_at == local(2017, 7, 5, 14)
    assert kpi.due == date(2017, 6, 30)


def test_a_deliverable_without_a_due_date_is_on_track_until_completed_and_stays_done() -> None:
    done = [deliverable(FOLDER, local(2017, 9, 1, 9))]

    assert commitment_at(FOLDER, [], local(2017, 12, 31)).status is Status.ON_TRACK
    assert commitment_at(FOLDER, done, local(2018, 6, 1)).status is Status.ACHIEVED
    assert commitment_at(FOLDER, [], local(2017, 2, 1)).status is Status.NOT_STARTED
