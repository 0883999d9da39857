"""Mute timings in Europe/Stockholm: nights, weekends and Swedish holidays, DST included."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from services.notifications.domain import (
    DEFAULT_ROUTING_FILE,
    TimeInterval,
    is_muted,
    load_routing_text,
    muted_until,
)

STOCKHOLM = ZoneInfo("Europe/Stockholm")
LUND = load_routing_text(DEFAULT_ROUTING_FILE.read_text(encoding="utf-8"), "routing.yaml")
OFF_HOURS = [LUND.time_intervals["utanfor-kontorstid"]]


def local(year: int, month: int, day: int, hour: int, minute: int = 0, second: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=STOCKHOLM)


def interval(**entry: object) -> TimeInterval:
    return TimeInterval.model_validate({"any_of": [entry]})


@pytest.mark.parametrize(
    ("at", "until"),
    [
        # An ordinary Friday night: through the weekend to Monday morning.
        (local(2017, 5, 19, 23, 10), local(2017, 5, 22, 7)),
        # Friday 28 April 2017: Monday is första maj, so Tuesday.
        (local(2017, 4, 28, 23, 10), local(2017, 5, 2, 7)),
        # Skärtorsdag night: långfredag, the Easter weekend and annandag påsk.
        (local(2017, 4, 13, 23, 0), local(2017, 4, 18, 7)),
        # Midsommarafton is a day off too (a de facto holiday).
        (local(2017, 6, 22, 23, 0), local(2017, 6, 26, 7)),
        # Kristi himmelsfärd on a Thursday; the Friday after is a working day.
        (local(2017, 5, 24, 22, 0), local(2017, 5, 26, 7)),
        # A plain weeknight, and its last second.
        (local(2017, 5, 16, 23, 0), local(2017, 5, 17, 7)),
        (local(2017, 5, 17, 6, 59, 59), local(2017, 5, 17, 7)),
        # A Saturday afternoon.
        (local(2017, 5, 20, 14, 0), local(2017, 5, 22, 7)),
    ],
)
def test_off_hours_last_until_the_next_working_morning(at: datetime, until: datetime) -> None:
    assert muted_until(OFF_HOURS, at) == until
    assert is_muted(OFF_HOURS, at)


@pytest.mark.parametrize(
    "at",
    [
        local(2017, 5, 16, 7, 0),  # opening time is not muted
        local(2017, 5, 16, 12, 0),
        local(2017, 5, 16, 21, 59, 59),
        local(2017, 5, 26, 10, 0),  # the Friday after Kristi himmelsfärd
    ],
)
def test_office_hours_are_not_muted(at: datetime) -> None:
    assert muted_until(OFF_HOURS, at) is None
    assert not is_muted(OFF_HOURS, at)


def test_the_answer_does_not_depend_on_the_zone_the_question_is_asked_in() -> None:
    friday_night_utc = local(2017, 5, 19, 23, 10).astimezone(UTC)
    assert muted_until(OFF_HOURS, friday_night_utc) == local(2017, 5, 22, 7)


def test_a_naive_time_is_refused_rather_than_guessed() -> None:
    with pytest.raises(ValueError, match="no time zone"):
        muted_until(OFF_HOURS, datetime(2017, 5, 19, 23, 10))  # noqa: DTZ001 - the point


def test_seven_in_the_morning_stays_seven_when_summer_time_begins() -> None:
    # Clocks went from 02:00 to 03:00 on Sunday 26 March 2017: the night was an hour short.
    night = [interval(times=[{"start": "22:00", "end": "07:00"}])]
    saturday_night = local(2017, 3, 25, 23, 0)

    until = muted_until(night, saturday_night)

    assert until == local(2017, 3, 26, 7, 0)
    assert until is not None
    assert until.astimezone(UTC).hour == 5  # 07:00 CEST
    assert until - saturday_night == timedelta(hours=7)


def test_seven_in_the_morning_stays_seven_when_summer_time_ends() -> None:
    # Clocks went from 03:00 back to 02:00 on Sunday 29 October 2017: an hour longer.
    night = [interval(times=[{"start": "22:00", "end": "07:00"}])]
    saturday_night = local(2017, 10, 28, 23, 0)

    until = muted_until(night, saturday_night)

    assert until is not None
    assert until.astimezone(UTC) == datetime(2017, 10, 29, 6, 0, tzinfo=UTC)  # 07:00 CET
    assert until.astimezone(UTC) - saturday_night.astimezone(UTC) == timedelta(hours=9)


def test_a_night_belongs_to_the_day_it_starts_on() -> None:
    friday_nights = [interval(weekdays=["friday"], times=[{"start": "22:00", "end": "07:00"}])]

    assert muted_until(friday_nights, local(2017, 5, 20, 6, 0)) == local(2017, 5, 20, 7, 0)  # Sat
    assert muted_until(friday_nights, local(2017, 5, 19, 6, 0)) is None  # Friday morning


def test_entries_combine_their_fields_and_intervals_any_entry() -> None:
    weekday_evenings = interval(
        weekdays=["monday:friday"], times=[{"start": "18:00", "end": "22:00"}]
    )
    holidays_only = interval(public_holidays=True)

    assert muted_until([weekday_evenings], local(2017, 5, 16, 19, 0)) == local(2017, 5, 16, 22, 0)
    assert muted_until([weekday_evenings], local(2017, 5, 20, 19, 0)) is None  # a Saturday
    assert muted_until([holidays_only], local(2017, 6, 6, 9, 0)) == local(2017, 6, 7, 0, 0)
    assert muted_until([holidays_only], local(2017, 6, 23, 9, 0)) is None  # de facto only
    both = [weekday_evenings, holidays_only]
    # The national day, a Tuesday, is muted to midnight; its evening adds nothing after.
    assert muted_until(both, local(2017, 6, 6, 19, 0)) == local(2017, 6, 7, 0, 0)


def test_a_mute_that_never_ends_gives_up_after_a_year() -> None:
    always = [interval()]
    at = local(2017, 5, 16, 12, 0)

    until = muted_until(always, at)

    assert until is not None
    assert timedelta(days=400) < until - at < timedelta(days=402)
