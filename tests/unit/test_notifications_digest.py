"""The weekly digest by the calendar: when it is due, for whom, and by which key it is made
once."""

from datetime import UTC, date, datetime, time, timedelta

import pytest

from services.notifications.domain.digest import (
    STOCKHOLM,
    digest_facts,
    digest_key,
    digest_notification,
    digest_parties,
    digest_week,
)
from shared.contracts.kpis import PromiseKpisView
from shared.promises import default_promises, school_holiday_calendars

LUND = default_promises()
HALF_PAST_SIX = time(6, 30)
MORNING = timedelta(hours=12)


def at(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=STOCKHOLM)


@pytest.mark.parametrize(
    ("now", "monday"),
    [
        (at(2017, 3, 20, 6, 30), date(2017, 3, 20)),  # winter time
        (at(2017, 3, 27, 6, 30), date(2017, 3, 27)),  # the day after summer time began
        (at(2017, 3, 27, 18, 29), date(2017, 3, 27)),
        (datetime(2017, 3, 27, 4, 30, tzinfo=UTC), date(2017, 3, 27)),  # 06:30 CEST
    ],
)
def test_the_digest_is_due_monday_at_half_past_six_in_stockholm(
    now: datetime, monday: date
) -> None:
    week = digest_week(now, HALF_PAST_SIX, MORNING)

    assert week is not None
    assert week[0] == monday
    assert week[1] == at(monday.year, monday.month, monday.day, 6, 30)


@pytest.mark.parametrize(
    "now",
    [
        at(2017, 3, 20, 6, 29),
        at(2017, 3, 20, 18, 30),  # past the catch-up time
        at(2017, 3, 21, 6, 30),
        at(2017, 3, 19, 6, 30),
    ],
)
def test_outside_monday_morning_no_digest_is_due(now: datetime) -> None:
    assert digest_week(now, HALF_PAST_SIX, MORNING) is None


def test_the_digest_key_names_the_promise_the_organisation_and_the_iso_week() -> None:
    assert digest_key("lund-2017", "polisen", date(2017, 3, 20)) == (
        "digest/lund-2017/polisen/2017-W12"
    )
    assert digest_key("lund-2017", "polisen", date(2018, 12, 31)) == (
        "digest/lund-2017/polisen/2019-W01"
    )


def test_every_party_to_a_promise_in_force_gets_a_digest() -> None:
    assert {org for _, org in digest_parties(LUND, date(2017, 3, 20))} == {
        "polisen",
        "kommunen",
        "raddningstjansten",
    }
    assert digest_parties(LUND, date(2017, 2, 20)) == []  # before the promise


def test_a_party_to_two_promises_gets_a_digest_of_each_routed_by_its_promise() -> None:
    [lund] = LUND
    dalby = lund.model_copy(update={"id": "dalby-2017", "title": "Medborgarlöfte Dalby"})
    monday = date(2017, 3, 20)
    due = at(2017, 3, 20, 6, 30)

    digests = [
        digest_notification(promise, organisation, monday, due, {})
        for promise, organisation in digest_parties([lund, dalby], monday)
    ]

    polisen = [d for d in digests if d.organisation == "polisen"]
    assert sorted(d.key for d in polisen) == [
        "digest/dalby-2017/polisen/2017-W12",
        "digest/lund-2017/polisen/2017-W12",
    ]
    assert sorted(d.labels["promise"] for d in polisen) == ["dalby-2017", "lund-2017"]
    assert len({d.key for d in digests}) == 6


def test_a_week_the_school_holiday_calendar_does_not_know_still_gets_its_digest() -> None:
    [lund] = LUND
    monday = date(2026, 12, 7)  # the shipped calendar knows 2017 to 2019
    kpis = PromiseKpisView.model_validate(
        {
            "promise": "lund-2017",
            "at": "2026-12-07T06:30:00+01:00",
            "commitments": [
                {
                    "id": "omradeskontroller-skollov",
                    "kind": "recurring",
                    "focus_area": "skadegorelse",
                    "responsible": ["raddningstjansten"],
                    "status": "on-track",
                    "period": {"start": "2026-01-01", "end": "2027-01-01"},
                }
            ],
            "outcomes": [],
        }
    )

    facts = digest_facts(lund, kpis, "raddningstjansten", monday, school_holiday_calendars())

    assert facts["week"] == "2026-W50"
    assert facts["due_this_week"] == []  # nothing it can tell, rather than no digest at all
