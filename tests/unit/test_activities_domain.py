from datetime import UTC, datetime, timedelta

import pytest

from services.activities.domain import accept, accept_all
from shared.contracts.errors import InvalidEvent
from tests.factories import activity_completed, event, incident_recorded

NOW = datetime(2017, 6, 1, 12, 0, tzinfo=UTC)


def test_commitment_events_are_keyed_by_their_commitment() -> None:
    accepted = accept(event(activity_completed("volontarinsatser")), NOW)

    assert accepted.event.subject == "volontarinsatser"
    assert accepted.event.key == "volontarinsatser"
    assert accepted.organisations == ["polisen", "kommunen"]


def test_an_incident_keeps_the_subject_it_was_sent_with() -> None:
    document = incident_recorded()
    document["subject"] = "lund"

    accepted = accept(event(document), NOW)

    assert accepted.event.key == "lund"
    assert accepted.organisations == []


def test_a_subject_that_contradicts_the_commitment_is_refused() -> None:
    document = activity_completed("sno-mote")
    document["subject"] = "volontarinsatser"

    with pytest.raises(InvalidEvent, match="subject: must be the commitment"):
        accept(event(document), NOW)


def test_up_to_a_day_ahead_is_accepted_for_clock_skew_but_no_more() -> None:
    accept(event(activity_completed(time=NOW + timedelta(hours=23))), NOW)

    with pytest.raises(InvalidEvent, match="time: is more than a day in the future"):
        accept(event(activity_completed(time=NOW + timedelta(days=1, minutes=1))), NOW)


def test_a_batch_reports_every_bad_event_at_its_index() -> None:
    good = event(activity_completed())
    unknown = activity_completed()
    unknown["type"] = "activity.finished"
    future = activity_completed(time=NOW + timedelta(days=3))

    with pytest.raises(InvalidEvent) as error:
        accept_all([good, event(unknown), event(future)], NOW)

    assert [p.location for p in error.value.problems] == ["[1].type", "[2].time"]
