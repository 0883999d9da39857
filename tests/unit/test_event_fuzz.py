"""Property-based tests of the contracts and of what the activities service accepts.

Round trips: every event data model and the envelope survive structured JSON and Kafka's
binary mode unchanged. Robustness: whatever a partner sends, the rules answer with an
accepted event or an `InvalidEvent` saying why, never with another exception (which over
HTTP was a 500 and on the ingest topic a record redelivered forever).
"""

import json
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from services.activities.domain import AcceptedEvent, Catalogue, accept
from services.activities.domain.acceptance import MAX_AHEAD
from shared.contracts.cloudevents import (
    CloudEvent,
    encoded,
    from_kafka,
    parse_structured,
    to_kafka_headers,
    to_kafka_value,
    to_structured,
)
from shared.contracts.errors import InvalidEvent
from shared.contracts.events import EVENT_TYPES, EventData, parse_data
from shared.privacy.personnummer import fields_with_personnummer
from shared.promises import default_promises
from tests.corpus_wire import binary_mode
from tests.event_strategies import (
    DATA_MODELS,
    clocks,
    event_like_documents,
    json_documents,
    valid_events,
)

CATALOGUE = Catalogue(default_promises())
ROUND_TRIPS = settings(
    max_examples=75,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
FUZZING = settings(
    max_examples=400,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def verdict(check: Callable[[], AcceptedEvent]) -> AcceptedEvent | InvalidEvent:
    """What the rules made of an event: accepted, or the refusal with its reasons."""
    try:
        return check()
    except InvalidEvent as refused:
        return refused


def through_json(document: Any) -> Any:
    return json.loads(json.dumps(document))


def binary(event: CloudEvent) -> tuple[bytes, list[tuple[str, bytes]]]:
    return to_kafka_value(event), encoded(to_kafka_headers(event))


@ROUND_TRIPS
@given(data=st.data())
@pytest.mark.parametrize("model", list(DATA_MODELS), ids=lambda model: model.TYPE)
def test_every_data_model_survives_json(model: type[EventData], data: st.DataObject) -> None:
    original = data.draw(DATA_MODELS[model], label=model.TYPE)

    assert model.model_validate(through_json(original.model_dump(mode="json"))) == original
    assert model.model_validate_json(original.model_dump_json()) == original


def test_there_is_a_strategy_for_every_event_type() -> None:
    assert set(DATA_MODELS) == set(EVENT_TYPES.values())


@ROUND_TRIPS
@given(event=valid_events())
def test_structured_json_round_trip_keeps_the_event(event: CloudEvent) -> None:
    document = through_json(to_structured(event))

    assert parse_structured(document) == event
    assert to_structured(parse_structured(document)) == document


@ROUND_TRIPS
@given(event=valid_events())
def test_binary_kafka_round_trip_keeps_the_event_and_its_data(event: CloudEvent) -> None:
    restored = from_kafka(*binary(event))

    assert restored == event
    assert parse_data(restored) == parse_data(event)


def strings(value: Any) -> Iterator[str]:
    """Every string in a JSON value, keys included: PostgreSQL's jsonb holds none with NUL,
    whereas the text `\\u0000` (a backslash and five characters) is as good as any."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings(item)


def assert_accepted_or_refused_with_reasons(
    outcome: AcceptedEvent | InvalidEvent, now: datetime
) -> None:
    if isinstance(outcome, InvalidEvent):
        assert outcome.problems, "a refusal says why"
        return
    assert outcome.event.time <= now + MAX_AHEAD
    assert outcome.data == parse_data(outcome.event)
    # What is accepted is stored as JSON and read back the same, and PostgreSQL can hold it.
    stored = json.dumps(to_structured(outcome.event), allow_nan=False)
    assert parse_structured(json.loads(stored)) == outcome.event
    assert not any("\x00" in text for text in strings(json.loads(stored)))
    assert not list(fields_with_personnummer(outcome.event.data))
    if outcome.placement is not None:
        commitment = outcome.placement.commitment
        assert outcome.event.subject == commitment.id
        assert set(outcome.organisations) <= set(commitment.responsible)


@FUZZING
@given(document=json_documents, now=clocks)
def test_any_json_document_is_accepted_or_refused_with_reasons(
    document: Any, now: datetime
) -> None:
    outcome = verdict(lambda: accept(parse_structured(document), now, CATALOGUE))

    assert_accepted_or_refused_with_reasons(outcome, now)


@FUZZING
@given(document=event_like_documents(), now=clocks)
def test_any_nearly_valid_event_is_accepted_or_refused_with_reasons(
    document: dict[str, Any], now: datetime
) -> None:
    outcome = verdict(lambda: accept(parse_structured(document), now, CATALOGUE))

    assert_accepted_or_refused_with_reasons(outcome, now)


raw_headers = st.lists(
    st.tuples(
        st.sampled_from(["ce_specversion", "ce_id", "ce_source", "ce_type", "ce_time"])
        | st.text(max_size=12),
        st.binary(max_size=32),
    ),
    max_size=8,
)
raw_records = st.tuples(
    st.none() | st.binary(max_size=64) | json_documents.map(lambda d: json.dumps(d).encode()),
    raw_headers,
)
nearly_right_records = (
    event_like_documents().map(binary_mode).map(lambda message: (message.value, message.headers))
)


@FUZZING
@given(record=raw_records | nearly_right_records, now=clocks)
def test_any_kafka_record_is_accepted_or_refused_with_reasons(
    record: tuple[bytes | None, list[tuple[str, bytes]]], now: datetime
) -> None:
    value, headers = record

    outcome = verdict(lambda: accept(from_kafka(value, headers), now, CATALOGUE))

    assert_accepted_or_refused_with_reasons(outcome, now)
