"""Recurring targets on Lund 2017: the Monday SNÖ meeting and the checks before school holidays.

The SNÖ meeting is due every Monday; a Monday that is a holiday moves to the next working
day (the promise's rule). In 2017 that moves annandag påsk (17 April) to Tuesday 18 April,
första maj (1 May) to 2 May, and juldagen (25 December; 26th is annandag jul) to
Wednesday 27 December; a meeting held on the holiday itself holds the moved slot too. A
slot is missed 24 hours after it ends without a meeting.
"""

from datetime import date, timedelta

import pytest

from services.metrics.domain.facts import KnownEvent
from shared.contracts.kpis import Status
from tests.unit.lund_events import activity, commitment_at, local

SNO = "sno-mote"
CHECKS = "omradeskontroller-skollov"
MONDAYS_2017 = [date(2017, 3, 6) + timedelta(weeks=n) for n in range(43)]
MOVED = {date(2017, 4, 17): date(2017, 4, 18), date(2017, 5, 1): date(2017, 5, 2)}
MOVED[date(2017, 12, 25)] = date(2017, 12, 27)
SLOTS_2017 = [MOVED.get(monday, monday) for monday in MONDAYS_2017]


def meeting(day: date) -> KnownEvent:
    return activity(SNO, local(day.year, day.month, day.day, 9), place="Polishuset Lund")


def test_a_monday_without_a_meeting_is_missed_only_once_its_grace_has_passed() -> None:
    events = [meeting(date(2017, 3, d)) for d in (6, 13, 27)]

    next_morning = commitment_at(SNO, events, local(2017, 3, 21, 8))
    a_day_later = commitment_at(SNO, events, local(2017, 3, 22))
    a_week_later = commitment_at(SNO, events, local(2017, 3, 28, 12))

    assert next_morning.slots_due == 3
    assert next_morning.done == 2
    assert next_morning.missed_slots == ()
    assert next_morning.streak == 2  # the 20th awaits its report, it breaks nothing yet
    assert next_morning.status is Status.ON_TRACK
    assert a_day_later.missed_slots == (date(2017, 3, 20),)
    assert a_day_later.streak == 0
    assert a_day_later.status is Status.BEHIND  # 1 missed of 3 due is more than 10 %
    assert (a_week_later.slots_due, a_week_later.done, a_week_later.streak) == (4, 3, 1)


def test_holiday_mondays_move_to_the_next_working_day_and_one_miss_in_ten_is_at_risk() -> None:
    held = [slot for slot in SLOTS_2017[:10] if slot != date(2017, 3, 20)]

    kpi = commitment_at(SNO, [meeting(day) for day in held], local(2017, 5, 9, 12))

    assert {date(2017, 4, 18), date(2017, 5, 2)} <= set(held)
    assert (kpi.slots_due, kpi.done) == (10, 9)
    assert kpi.missed_slots == (date(2017, 3, 20),)
    assert kpi.streak == 7
    assert kpi.status is Status.AT_RISK  # 1 missed of 10 due: 10 %


def test_a_meeting_on_the_holiday_itself_holds_the_moved_slot() -> None:
    on_easter_monday = [meeting(day) for day in SLOTS_2017[:6]] + [meeting(date(2017, 4, 17))]

    that_noon = commitment_at(SNO, on_easter_monday, local(2017, 4, 17, 12))
    kpi = commitment_at(SNO, on_easter_monday, local(2017, 4, 20))

    assert (that_noon.slots_due, that_noon.done, that_noon.streak) == (7, 7, 7)
    assert (kpi.slots_due, kpi.done, kpi.missed_slots) == (7, 7, ())
    assert kpi.status is Status.ON_TRACK


def test_without_a_meeting_from_the_holiday_to_the_moved_day_the_moved_day_is_missed() -> None:
    before_easter = [meeting(day) for day in SLOTS_2017[:6]]
    the_wednesday = [*before_easter, meeting(date(2017, 4, 19))]

    kpi = commitment_at(SNO, the_wednesday, local(2017, 4, 20))

    assert kpi.missed_slots == (date(2017, 4, 18),)
    assert (kpi.slots_due, kpi.done) == (7, 6)


@pytest.mark.parametrize("day", [24, 25, 26, 27])
def test_a_meeting_on_any_day_from_julafton_to_the_moved_day_holds_the_slot(day: int) -> None:
    # Julafton 2018 is a Monday; juldagen and annandag jul follow: the slot moves to the 27th.
    december = [meeting(date(2018, 12, d)) for d in (3, 10, 17)]

    kpi = commitment_at(SNO, [*december, meeting(date(2018, 12, day))], local(2018, 12, 30))

    assert kpi.missed_slots[-1] == date(2018, 11, 26)  # the year's earlier Mondays
    assert (kpi.done, kpi.streak) == (4, 4)


def test_a_year_with_every_meeting_held_is_achieved_and_one_short_is_missed() -> None:
    closing, last_year = local(2018, 1, 3), date(2017, 12, 31)
    every = [meeting(day) for day in SLOTS_2017]

    achieved = commitment_at(SNO, every, closing, period_of=last_year)
    missed = commitment_at(SNO, every[:-1], closing, period_of=last_year)

    assert (achieved.target, achieved.slots_due, achieved.done) == (43, 43, 43)
    assert achieved.streak == 43
    assert achieved.status is Status.ACHIEVED
    assert missed.missed_slots == (date(2017, 12, 27),)
    assert missed.status is Status.MISSED


def test_a_year_is_not_over_while_its_last_meeting_moved_into_the_next_one() -> None:
    # 2018 starts and ends on a Monday: nyårsdagen moves to 2 January 2018, annandag påsk
    # (2 April) to the 3rd, julafton to the 27th, nyårsafton to 2 January 2019.
    moved = {
        date(2018, 1, 1): date(2018, 1, 2),
        date(2018, 4, 2): date(2018, 4, 3),
        date(2018, 12, 24): date(2018, 12, 27),
        date(2018, 12, 31): date(2019, 1, 2),
    }
    mondays = [date(2018, 1, 1) + timedelta(weeks=n) for n in range(53)]
    slots = [moved.get(monday, monday) for monday in mondays]
    all_but_the_last = [meeting(day) for day in slots[:-1]]
    last_year = date(2018, 12, 31)

    new_years_day = commitment_at(SNO, all_but_the_last, local(2019, 1, 1, 12), period_of=last_year)
    when_it_is_late = commitment_at(SNO, all_but_the_last, local(2019, 1, 4), period_of=last_year)
    held = commitment_at(
        SNO, [*all_but_the_last, meeting(date(2019, 1, 2))], local(2019, 1, 4), period_of=last_year
    )

    assert (new_years_day.target, new_years_day.slots_due, new_years_day.done) == (53, 52, 52)
    assert new_years_day.status is Status.ON_TRACK
    assert when_it_is_late.missed_slots == (date(2019, 1, 2),)
    assert when_it_is_late.status is Status.MISSED
    assert held.status is Status.ACHIEVED


def test_area_checks_are_due_in_the_fourteen_days_before_each_school_holiday() -> None:
    # Påsklov starts 10 April (example calendar): the slot is 27 March to 9 April.
    check = activity(CHECKS, local(2017, 4, 3, 14), organisations=("raddningstjansten",))

    before = commitment_at(CHECKS, [check], local(2017, 6, 15, 23))
    after = commitment_at(CHECKS, [check], local(2017, 6, 16))

    assert before.target == 4  # påsklov, sommarlov, höstlov, jullov; sportlov is before March
    assert (before.slots_due, before.done, before.missed_slots) == (2, 1, ())
    assert before.status is Status.ON_TRACK
    assert after.missed_slots == (date(2017, 6, 1),)  # sommarlov starts 15 June
    assert after.status is Status.BEHIND


def test_without_school_holidays_for_the_year_the_checks_await_data() -> None:
    # The shipped example calendar ends with 2019 and its jullov; 2019's slots reach 2020.
    kpi = commitment_at(CHECKS, [], local(2019, 6, 1))

    assert kpi.status is Status.AWAITING_DATA
    assert kpi.slots_due is None


def test_nothing_is_due_before_the_promise_starts() -> None:
    kpi = commitment_at(SNO, [], local(2017, 2, 27, 12))

    assert kpi.status is Status.NOT_STARTED
    assert kpi.slots_due == 0
