import json

import pytest

from shared.contracts.cloudevents import (
    encoded,
    from_kafka,
    nul_free,
    parse_batch,
    parse_structured,
    to_kafka_headers,
    to_kafka_value,
    to_structured,
)
from shared.contracts.errors import InvalidEvent, Problem
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


def batch_text(documents: list[object]) -> bytes:
    return json.dumps(documents).encode()


def test_a_batch_is_refused_with_every_events_problems_at_its_index_in_the_single_words() -> None:
    naive = activity_completed()
    naive["time"] = "2017-03-06T09:00:00"
    with_nul = activity_completed()
    with_nul["data"]["notes"] = "trygghets\x00vandring"
    documents: list[object] = [activity_completed(), "not an event", naive, with_nul]

    with pytest.raises(InvalidEvent) as error:
        parse_batch(documents, from_nul_free_text=nul_free(batch_text(documents)))

    assert [p.location for p in error.value.problems] == ["[1]", "[2].time", "[3].data"]
    alone = [parse_error(d) for d in documents[1:]]
    assert [p.message for p in error.value.problems] == [p.message for p in alone]


def parse_error(document: object) -> Problem:
    with pytest.raises(InvalidEvent) as error:
        parse_structured(document)
    (problem,) = error.value.problems
    return problem


def test_a_batch_of_valid_events_is_each_event_as_parsed_alone() -> None:
    documents: list[object] = [activity_completed(), activity_completed("trygghetsvandringar")]

    parsed = parse_batch(documents, from_nul_free_text=nul_free(batch_text(documents)))

    assert parsed == [parse_structured(d) for d in documents]


def test_a_literal_backslash_u0000_is_text_and_a_nul_is_refused() -> None:
    literal = activity_completed(notes="written as \\u0000 in C")
    with_nul = activity_completed(notes="trygghets\x00vandring")
    assert nul_free(batch_text([activity_completed()]))
    assert not nul_free(batch_text([literal]))

    (parsed,) = parse_batch([literal], from_nul_free_text=nul_free(batch_text([literal])))
    with pytest.raises(InvalidEvent) as error:
        parse_batch([with_nul], from_nul_free_text=nul_free(batch_text([with_nul])))

    assert parsed.data["notes"] == "written as \\u0000 in C"
    assert [p.location for p in error.value.problems] == ["[0].data"]
