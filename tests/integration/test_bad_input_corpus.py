"""Every case of the bad input corpus (`tests/corpus/`) against the running activities service.

One service (real PostgreSQL, real Kafka, in-process ASGI) takes the whole corpus by each path
a case names. Over HTTP, case after case: the expected 4xx with a reason in a problem document,
never a 5xx, nothing registered, and the next valid event accepted. Over Kafka, every case's
record followed by a valid event, all on one partition: the dead letter with its reason for
each, nothing registered but the followers, every follower registered. A case of valid text
that merely looks dangerous (SQL, templates, markup) is instead stored exactly as sent. A
personal identity number is never repeated in an answer or a reason, and the service is still
ready at the end.
"""

import contextlib
import json
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import asyncpg
import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRecord, TopicPartition
from pydantic import PostgresDsn

from services.activities import SCHEMA
from services.activities.main import create_app
from services.activities.settings import ActivitiesSettings
from shared.contracts import topics
from shared.contracts.cloudevents import CloudEvent
from shared.contracts.events import EVENT_TYPES
from tests.answering import answering
from tests.bad_input import (
    Case,
    NamedCase,
    alternatives,
    load_corpus,
    problem_reasons,
    secret_spellings,
)
from tests.corpus_service import MARKER, Service
from tests.corpus_wire import (
    SINGLE,
    KafkaMessage,
    binary_mode,
    http_request,
    kafka_message,
    new_unique,
)
from tests.databases import fresh_database
from tests.factories import activity_completed
from tests.kafka_records import header
from tests.keys import create_key
from tests.polling import eventually

CASES = load_corpus()
HTTP_CASES = [named for named in CASES if named.case.http]
KAFKA_CASES = [named for named in CASES if named.case.over_kafka]


@pytest.fixture(scope="module")
async def service(kafka_bootstrap: str, server_database_url: str) -> AsyncIterator[Service]:
    namespace = f"t{uuid.uuid4().hex[:10]}."
    async with fresh_database(server_database_url) as database_url:
        settings = ActivitiesSettings(
            kafka_bootstrap_servers=kafka_bootstrap,
            database_url=PostgresDsn(database_url),
            topic_namespace=namespace,
            consumer_group=f"{namespace}activities",
        )
        producer = AIOKafkaProducer(bootstrap_servers=kafka_bootstrap)
        dead_letters = AIOKafkaConsumer(
            bootstrap_servers=kafka_bootstrap,
            enable_auto_commit=False,
            auto_offset_reset="earliest",
        )
        async with answering(create_app(settings)) as client, contextlib.AsyncExitStack() as stack:
            database = await asyncpg.connect(database_url, server_settings={"search_path": SCHEMA})
            stack.push_async_callback(database.close)
            await producer.start()
            stack.push_async_callback(producer.stop)
            await dead_letters.start()
            stack.push_async_callback(dead_letters.stop)
            dead_letters.assign(
                [TopicPartition(topics.dead_letter(topics.INGEST).qualified(namespace), 0)]
            )
            yield Service(
                client=client,
                key=await create_key(database_url, "polisen"),
                database=database,
                producer=producer,
                dead_letters=dead_letters,
                ingest_topic=topics.INGEST.qualified(namespace),
            )


def next_valid_event() -> dict[str, Any]:
    return activity_completed("volontarinsatser", organisations=("polisen",))


def assert_stored_verbatim(sent: dict[str, Any], stored: dict[str, Any] | None) -> None:
    assert stored is not None, "the event was not stored"
    assert stored["data"] == sent["data"]
    for name in ("id", "source", "type", "subject", "dataschema"):
        if name in sent:
            assert stored[name] == sent[name], name
    assert datetime.fromisoformat(stored["time"]) == datetime.fromisoformat(sent["time"])


def assert_unechoed(case: Case, text: str) -> None:
    if case.expect.secret is not None:
        for spelling in secret_spellings(case.expect.secret):
            assert spelling not in text, f"{spelling!r} repeated in {text!r}"


def assert_reason(expected: list[str], reasons: list[str]) -> None:
    assert any(want in reason for want in expected for reason in reasons), (
        f"none of {expected} in {reasons}"
    )


@pytest.mark.parametrize("named", HTTP_CASES, ids=str)
async def test_over_http(service: Service, named: NamedCase) -> None:
    case, expect = named.case, named.case.expect
    request = http_request(case, new_unique())
    before = await service.registered()

    response = await service.post(request.headers, request.body)

    assert response.status_code < 500, response.text
    assert_unechoed(case, response.text)
    if expect.stored:
        assert response.status_code == 202, response.text
        assert response.json() == {"accepted": [e["id"] for e in request.events]}
        for sent in request.events:
            assert_stored_verbatim(sent, await service.stored(sent["source"], sent["id"]))
        assert await service.registered() == before + len(request.events)
    else:
        statuses = [expect.status] if isinstance(expect.status, int) else expect.status or []
        assert response.status_code in statuses, response.text
        assert response.headers["content-type"] == "application/problem+json"
        problem = response.json()
        assert_reason(alternatives(expect.reason), list(problem_reasons(problem)))
        if expect.location is not None:
            assert expect.location in [e["location"] for e in problem.get("errors", [])]
        assert await service.registered() == before, "a refused request stored something"
    after = await service.registered()
    follower = next_valid_event()
    accepted = await service.post({"content-type": SINGLE}, json.dumps(follower).encode())
    assert accepted.status_code == 202, accepted.text
    assert await service.registered() == after + 1


@dataclass(frozen=True)
class Sent:
    marker: str
    message: KafkaMessage
    follower: dict[str, Any]


@dataclass(frozen=True)
class KafkaRun:
    """What the whole corpus did over Kafka, each case's record followed by a valid event."""

    sent: dict[str, Sent]  # by case
    registered: set[tuple[str, str]]  # (source, id) of everything registered meanwhile
    parked: dict[str, "ConsumerRecord[bytes, bytes]"]  # by marker


@pytest.fixture(scope="module")
async def kafka_run(service: Service) -> KafkaRun:
    """Every Kafka case's record, each followed by a valid event, on one partition, in order.

    Sent in one go and checked case by case: a record that stops the consumer shows as the
    first case whose follower never arrived.
    """
    before = await service.identities()
    sent: dict[str, Sent] = {}
    for named in KAFKA_CASES:
        unique = new_unique()
        marker = f"{named.name}/{unique}"
        message = kafka_message(named.case, unique)
        follower = next_valid_event()
        await service.produce(message.value, [*message.headers, (MARKER, marker.encode())])
        follower_record = binary_mode(follower)
        await service.produce(follower_record.value, follower_record.headers)
        sent[named.name] = Sent(marker, message, follower)
    last = list(sent.values())[-1].follower
    with contextlib.suppress(AssertionError):  # each case below says what did not arrive
        await eventually(
            lambda: service.stored(last["source"], last["id"]),
            lambda stored: stored is not None,
            within=60,
        )
    refused = sum(not named.case.expect.stored for named in KAFKA_CASES)
    with contextlib.suppress(AssertionError):
        await service.read_dead_letters(at_least=refused)
    return KafkaRun(sent, await service.identities() - before, dict(service.parked))


@pytest.mark.parametrize("named", KAFKA_CASES, ids=str)
async def test_over_kafka(kafka_run: KafkaRun, service: Service, named: NamedCase) -> None:
    case, expect = named.case, named.case.expect
    sent = kafka_run.sent[named.name]
    follower = (sent.follower["source"], sent.follower["id"])
    identity = _identity(sent.message.event)

    assert follower in kafka_run.registered, (
        "the next valid event was not registered: a record from this case on stopped the consumer"
    )
    if expect.stored:
        assert sent.message.event is not None
        assert identity is not None
        assert identity in kafka_run.registered
        assert_stored_verbatim(sent.message.event, await service.stored(*identity))
    else:
        assert identity not in kafka_run.registered, "a refused record was stored"
        parked = kafka_run.parked.get(sent.marker)
        assert parked is not None, "no dead letter for this record"
        reason = header(parked, "dlq_reason") or ""
        assert_reason(alternatives(expect.dlq), [reason])
        assert_unechoed(case, reason)
        assert parked.value == (sent.message.value or b"")


async def test_over_kafka_nothing_else_was_registered(kafka_run: KafkaRun) -> None:
    followers = {(s.follower["source"], s.follower["id"]) for s in kafka_run.sent.values()}
    stored = {
        _identity(kafka_run.sent[named.name].message.event)
        for named in KAFKA_CASES
        if named.case.expect.stored
    }

    assert kafka_run.registered == followers | stored


def _identity(event: dict[str, Any] | None) -> tuple[str, str] | None:
    if event is None or not isinstance(event.get("source"), str):
        return None
    if not isinstance(event.get("id"), str):
        return None
    return event["source"], event["id"]


async def test_the_service_is_ready_after_the_whole_corpus(service: Service) -> None:
    await service.assert_ready()
    follower = next_valid_event()
    response = await service.post({"content-type": SINGLE}, json.dumps(follower).encode())
    assert response.status_code == 202


def free_text_fields(schema: dict[str, Any]) -> set[str]:
    """The string properties of a JSON schema that are not ids, dates or choices."""

    def free(option: dict[str, Any]) -> bool:
        constrained = {"pattern", "enum", "const"} & set(option)
        return (
            option.get("type") == "string"
            and not constrained
            and "date" not in option.get("format", "")
        )

    return {
        name
        for name, prop in schema["properties"].items()
        if any(free(option) for option in prop.get("anyOf", [prop]))
    }


def test_the_corpus_puts_a_personnummer_in_every_free_text_field_of_every_type() -> None:
    located = {
        (_event_type(named.case), named.case.expect.location)
        for named in CASES
        if named.case.expect.secret
    }

    for event_type, model in EVENT_TYPES.items():
        for field in free_text_fields(model.model_json_schema()):
            assert (event_type, f"data.{field}") in located, (event_type, field)
    for attribute in free_text_fields(CloudEvent.model_json_schema()):
        assert attribute in {location for _, location in located}, attribute


def _event_type(case: Case) -> str | None:
    event = case.request.event if case.request else None
    return event.get("type") if event else None
