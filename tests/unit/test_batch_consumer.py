"""The batch consumer reads each record as a CloudEvent and hands it to the service's decode;
what cannot be read, or what the service's rules fail on with an unexpected error, is parked
with the reason, and the rest of the batch is applied."""

import contextlib
from collections.abc import AsyncIterator, Sequence
from typing import Any

from aiokafka import ConsumerRecord
from prometheus_client import CollectorRegistry

from shared.contracts.cloudevents import (
    CloudEvent,
    encoded,
    parse_structured,
    to_kafka_headers,
    to_kafka_value,
)
from shared.messaging.applied import Applied
from shared.messaging.consumer import BatchConsumer, ConsumerMetrics
from tests.factories import activity_completed


class Connection:
    @contextlib.asynccontextmanager
    async def transaction(self) -> AsyncIterator[None]:
        yield


class Pool:
    @contextlib.asynccontextmanager
    async def acquire(self) -> AsyncIterator[Connection]:
        yield Connection()


class DeadLetters:
    def __init__(self) -> None:
        self.parked: dict[bytes, str] = {}

    async def park(self, record: Any, reason: str) -> None:
        self.parked[record.value] = reason


def record(offset: int, value: bytes, headers: list[tuple[str, bytes]]) -> Any:
    return ConsumerRecord("t", 0, offset, 0, 0, None, value, None, len(value), len(value), headers)


def binary(offset: int, document: dict[str, Any]) -> Any:
    event = parse_structured(document)
    return record(offset, to_kafka_value(event), encoded(to_kafka_headers(event)))


async def test_a_record_the_rules_fail_on_is_parked_and_the_others_are_applied() -> None:
    first, exploding, last = (activity_completed() for _ in range(3))
    applied: list[str] = []

    def decode(event: CloudEvent) -> str:
        if event.id == exploding["id"]:
            raise RuntimeError("a bug in a rule")
        return event.id

    async def apply(_connection: Any, ids: Sequence[str]) -> Applied:
        applied.extend(ids)
        return Applied(new=len(ids), duplicates=0)

    dead_letters = DeadLetters()
    consumer: BatchConsumer[str] = BatchConsumer(
        topic="t",
        group_id="g",
        pool=Pool(),  # type: ignore[arg-type]
        decode=decode,
        apply=apply,
        dead_letters=dead_letters,  # type: ignore[arg-type]
        metrics=ConsumerMetrics(CollectorRegistry()),
    )
    broken = record(1, b'{"commitment": ', [("ce_id", b"broken-json")])
    boom = binary(2, exploding)

    await consumer.process([binary(0, first), broken, boom, binary(3, last)])

    assert applied == [first["id"], last["id"]]
    assert "not valid JSON" in dead_letters.parked[broken.value]
    assert dead_letters.parked[boom.value] == (
        "could not be checked (RuntimeError): a fault in Löfte, see its log"
    )
