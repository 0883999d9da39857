import json

import pytest

from shared.contracts.cloudevents import (
    encoded,
    from_kafka,
    parse_structured,
    to_kafka_headers,
    to_kafka_value,
    to_structured,
)
from shared.contracts.errors import InvalidEvent
from tests.factories import activity_completed, event


def test_structured_round_trip_keeps_every_attribute() -> None:
    original = event(activity_completed(place="Stortorget"))

    assert parse_structured(to_structured(original)) == original
    assert to_structured(original)["data"]["place"] == "Stortorget"


def test_binary_mode_carries_attributes_as_ce_headers_and_data_as_value() -> None:
    original = event(activity_completed()).model_copy(update={"subject": "sno-mote"})

    headers = to_kafka_headers(original)
    value = to_kafka_value(original)

    assert headers["ce_type"] == "activity.completed"
    assert headers["ce_specversion"] == "1.0"
    assert headers["ce_subject"] == "sno-mote"
    assert headers["content-type"] == "application/json"
    assert json.loads(value) == original.data
    restored = from_kafka(value, encoded(headers))
    assert restored == original


def test_key_is_the_subject_so_a_commitment_stays_on_one_partition() -> None:
    with_subject = event(activity_completed()).model_copy(update={"subject": "sno-mote"})
    without_subject = event(activity_completed())

    assert with_subject.key == "sno-mote"
    assert without_subject.key == "activity.completed"


@pytest.mark.parametrize(
    ("value", "headers", "expected"),
    [
        (b"{not json", [("ce_id", b"1")], "value: is not valid JSON"),
        (b"\xff\xfe", [("ce_id", b"1")], "value: is not valid UTF-8"),
        (None, [("ce_id", b"1")], "value: the record has no value"),
        (b"{}", [("ce_id", b"\xff")], "header ce_id: is not valid UTF-8"),
    ],
)
def test_unreadable_records_say_why(
    value: bytes | None, headers: list[tuple[str, bytes]], expected: str
) -> None:
    with pytest.raises(InvalidEvent, match=expected):
        from_kafka(value, headers)


def test_missing_attributes_are_each_named() -> None:
    with pytest.raises(InvalidEvent) as error:
        from_kafka(b"{}", [("ce_id", b"1")])

    locations = {problem.location for problem in error.value.problems}
    assert {"specversion", "source", "type", "time"} <= locations


def test_naive_time_is_refused() -> None:
    document = activity_completed()
    document["time"] = "2017-03-06T09:00:00"

    with pytest.raises(InvalidEvent) as error:
        parse_structured(document)

    assert [p.location for p in error.value.problems] == ["time"]


def test_unknown_attribute_is_refused_rather_than_silently_dropped() -> None:
    document = activity_completed()
    document["personnummer"] = "x"

    with pytest.raises(InvalidEvent, match="personnummer"):
        parse_structured(document)


def test_problems_never_echo_the_offending_input() -> None:
    document = activity_completed()
    document["source"] = ""
    document["id"] = 19121212_1212

    with pytest.raises(InvalidEvent) as error:
        parse_structured(document)

    assert "191212121212" not in str(error.value)
