from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from services.metrics.domain.tallies import KnownEvent, Period, completed_activities
from shared.contracts.events import parse_data
from tests.factories import activity_completed, event, incident_recorded

STOCKHOLM = ZoneInfo("Europe/Stockholm")


def known(document: dict[str, Any]) -> KnownEvent:
    envelope = event(document)
    return KnownEvent(envelope, parse_data(envelope))


def test_the_year_is_the_year_in_stockholm_not_in_utc() -> None:
    new_year_in_lund = datetime(2016, 12, 31, 23, 30, tzinfo=UTC)

    assert Period.year_of(new_year_in_lund, STOCKHOLM) == Period(date(2017, 1, 1), date(2018, 1, 1))


def test_completed_activities_are_counted_per_commitment_and_year() -> None:
    events = [
        known(activity_completed("sno-mote", time=datetime(2017, 3, 6, 9, tzinfo=UTC))),
        known(activity_completed("sno-mote", time=datetime(2017, 3, 13, 9, tzinfo=UTC))),
        known(activity_completed("sno-mote", time=datetime(2018, 1, 8, 9, tzinfo=UTC))),
        known(activity_completed("volontarinsatser")),
        known(incident_recorded()),
    ]

    gained = completed_activities(events, STOCKHOLM)

    year_2017 = Period(date(2017, 1, 1), date(2018, 1, 1))
    year_2018 = Period(date(2018, 1, 1), date(2019, 1, 1))
    assert gained == {
        ("sno-mote", year_2017): 2,
        ("sno-mote", year_2018): 1,
        ("volontarinsatser", year_2017): 1,
    }
