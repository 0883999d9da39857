from typing import Any

import pytest

from shared.contracts.errors import InvalidEvent
from shared.contracts.events import (
    EVENT_TYPES,
    ActivityCompleted,
    IncidentRecorded,
    parse_data,
    upcast,
)
from tests.factories import activity_completed, event, incident_recorded


def test_every_type_partners_send_is_known() -> None:
    assert set(EVENT_TYPES) == {
        "activity.completed",
        "activity.scheduled",
        "activity.cancelled",
        "incident.recorded",
        "survey.published",
        "deliverable.completed",
        "explanation.published",
        "event.retracted",
    }


def test_activity_data_is_typed() -> None:
    data = parse_data(event(activity_completed(participants={"youths": 12})))

    assert isinstance(data, ActivityCompleted)
    assert data.commitment_id() == "sno-mote"
    assert data.participants is not None
    assert data.participants.youths == 12


def test_incident_counts_default_to_one_and_never_name_anyone() -> None:
    data = parse_data(event(incident_recorded()))

    assert isinstance(data, IncidentRecorded)
    assert data.count == 1
    assert data.commitment_id() is None
    assert "name" not in IncidentRecorded.model_fields


def test_unknown_type_lists_the_known_ones() -> None:
    document = activity_completed()
    document["type"] = "activity.finished"

    with pytest.raises(InvalidEvent, match=r"unknown event type 'activity\.finished'; known: "):
        parse_data(event(document))


def test_data_problems_are_located_inside_data() -> None:
    document = activity_completed(commitment="Not A Slug", organisations=())

    with pytest.raises(InvalidEvent) as error:
        parse_data(event(document))

    assert {p.location for p in error.value.problems} == {"data.commitment", "data.organisations"}


def test_notes_are_limited_to_2000_characters() -> None:
    with pytest.raises(InvalidEvent, match=r"data\.notes"):
        parse_data(event(activity_completed(notes="x" * 2001)))


def test_a_version_newer_than_the_service_knows_is_refused() -> None:
    document = activity_completed()
    document["schemaversion"] = 2

    with pytest.raises(InvalidEvent, match="newer than this service knows"):
        parse_data(event(document))


def test_upcasting_applies_each_step_in_order() -> None:
    def v1_to_v2(data: dict[str, Any]) -> dict[str, Any]:
        rest = dict(data)
        organisation = rest.pop("organisation")
        return {**rest, "organisations": [organisation]}

    def v2_to_v3(data: dict[str, Any]) -> dict[str, Any]:
        return {**data, "notes": data.get("notes") or ""}

    steps = {("activity.completed", 1): v1_to_v2, ("activity.completed", 2): v2_to_v3}

    upcasted = upcast("activity.completed", 1, {"organisation": "polisen"}, 3, steps)

    assert upcasted == {"organisations": ["polisen"], "notes": ""}


def test_a_missing_upcaster_is_an_explained_rejection() -> None:
    with pytest.raises(InvalidEvent, match="no upgrade from version 1"):
        upcast("activity.completed", 1, {}, 2, {})
