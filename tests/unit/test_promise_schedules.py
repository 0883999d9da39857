"""When recurring commitments fall due, over the calendar the promise runs on."""

from collections.abc import Sequence
from datetime import date

import pytest
from pydantic import ValidationError

from shared.calendar import DateRange, period_containing, periods_overlapping
from shared.promises import (
    BeforeSchoolHolidays,
    HolidayRule,
    Monthly,
    SchoolHolidaysUnknown,
    Weekly,
    due_slots,
    school_holiday_calendars,
)

REST_OF_2017 = DateRange(start=date(2017, 3, 1), end=date(2017, 12, 31))
MONDAYS = Weekly(kind="weekly", weekday="monday")


def days(slots: Sequence[DateRange]) -> list[str]:
    return [slot.start.isoformat() for slot in slots]


HOLIDAY_MONDAYS_2017 = ["2017-04-17", "2017-05-01", "2017-12-25"]  # annandag påsk, 1 maj, juldagen


@pytest.mark.parametrize(
    ("rule", "count", "moved_to", "kept"),
    [
        ("next-working-day", 43, ["2017-04-18", "2017-05-02", "2017-12-27"], []),
        ("same-day", 43, [], HOLIDAY_MONDAYS_2017),
        ("skip", 40, [], []),
    ],
)
def test_mondays_of_2017_under_each_holiday_rule(
    rule: HolidayRule, count: int, moved_to: list[str], kept: list[str]
) -> None:
    slots = days(due_slots(MONDAYS, rule, REST_OF_2017))

    assert len(slots) == count
    assert [day for day in slots if date.fromisoformat(day).weekday() != 0] == moved_to
    assert [day for day in slots if day in HOLIDAY_MONDAYS_2017] == kept


def test_julafton_and_nyarsafton_on_mondays_move_past_the_holidays() -> None:
    slots = due_slots(
        MONDAYS, "next-working-day", DateRange(start=date(2018, 12, 17), end=date(2018, 12, 31))
    )

    assert days(slots) == ["2018-12-17", "2018-12-27", "2019-01-02"]


def test_a_moved_slot_is_met_from_the_holiday_it_moved_from() -> None:
    easter = DateRange(start=date(2017, 4, 10), end=date(2017, 4, 24))

    moved = due_slots(MONDAYS, "next-working-day", easter)
    kept = due_slots(MONDAYS, "same-day", easter)

    assert [(s.met_from.isoformat(), s.end.isoformat()) for s in moved] == [
        ("2017-04-10", "2017-04-10"),
        ("2017-04-17", "2017-04-18"),  # annandag påsk through the Tuesday
        ("2017-04-24", "2017-04-24"),
    ]
    assert [s.nominal for s in kept] == [None, None, None]


def test_monthly_slots_are_the_months_clipped_to_the_span() -> None:
    slots = due_slots(
        Monthly(kind="monthly"), "skip", DateRange(start=date(2017, 3, 15), end=date(2017, 5, 10))
    )

    assert [(s.start.isoformat(), s.end.isoformat()) for s in slots] == [
        ("2017-03-15", "2017-03-31"),
        ("2017-04-01", "2017-04-30"),
        ("2017-05-01", "2017-05-10"),
    ]


def test_area_checks_are_due_in_the_two_weeks_before_each_school_holiday() -> None:
    schedule = BeforeSchoolHolidays(kind="before-school-holidays", calendar="lund")
    lund = school_holiday_calendars()["lund"]

    slots = due_slots(schedule, "skip", REST_OF_2017, lund)

    assert [(s.start.isoformat(), s.end.isoformat()) for s in slots] == [
        ("2017-03-27", "2017-04-09"),  # påsklov from 10 April
        ("2017-06-01", "2017-06-14"),  # sommarlov
        ("2017-10-16", "2017-10-29"),  # höstlov
        ("2017-12-08", "2017-12-21"),  # jullov
    ]


def test_only_the_holidays_asked_for() -> None:
    schedule = BeforeSchoolHolidays(
        kind="before-school-holidays", calendar="lund", holidays=("sommarlov",), within_days=7
    )

    slots = due_slots(schedule, "skip", REST_OF_2017, school_holiday_calendars()["lund"])

    assert [(s.start.isoformat(), s.end.isoformat()) for s in slots] == [
        ("2017-06-08", "2017-06-14")
    ]


def test_years_without_school_holiday_data_are_not_guessed() -> None:
    schedule = BeforeSchoolHolidays(kind="before-school-holidays", calendar="lund")
    year_2020 = DateRange(start=date(2020, 1, 1), end=date(2020, 12, 31))

    with pytest.raises(
        SchoolHolidaysUnknown, match=r"no school holidays for 2020 \(it knows 2017, 2018, 2019\)"
    ):
        due_slots(schedule, "skip", year_2020, school_holiday_calendars()["lund"])


def test_follow_up_periods() -> None:
    day = date(2017, 11, 15)

    assert period_containing("year", day) == DateRange(
        start=date(2017, 1, 1), end=date(2017, 12, 31)
    )
    assert period_containing("quarter", day) == DateRange(
        start=date(2017, 10, 1), end=date(2017, 12, 31)
    )
    assert period_containing("month", date(2016, 2, 10)).end == date(2016, 2, 29)
    assert period_containing("week", day) == DateRange(
        start=date(2017, 11, 13), end=date(2017, 11, 19)
    )
    assert len(periods_overlapping("month", REST_OF_2017)) == 10
    assert periods_overlapping("year", REST_OF_2017)[0].days == 365


def test_a_date_range_ends_on_or_after_its_start() -> None:
    with pytest.raises(ValidationError, match="end 2017-02-28 is before start 2017-03-01"):
        DateRange(start=date(2017, 3, 1), end=date(2017, 2, 28))
