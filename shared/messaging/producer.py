"""Records sent as they are: bytes already encoded go to Kafka without faststream's encoding.

The outbox holds each record's value and headers exactly as they are to be published, so the
relay hands them to the broker's own aiokafka producer (its connection, security, `acks=all`
and idempotence) instead of publishing each through faststream, whose command objects,
codec and middlewares cost more than the send itself. What lands on the topic is what
`KafkaBroker.publish` sent: the same key, value and headers, in the same order, `content-type`
first and a `correlation_id` of the record's own, as faststream gives every record.
"""

import asyncio
import uuid
from collections.abc import Mapping, Sequence

from aiokafka import AIOKafkaProducer
from faststream.kafka import KafkaBroker

from shared.messaging.outbox_rows import OutgoingRecord

CONTENT_TYPE = "content-type"
# Records handed to the producer between two chances for the event loop to run others.
YIELD_EVERY = 250


def kafka_producer(broker: KafkaBroker) -> AIOKafkaProducer:
    """The connected broker's aiokafka producer (faststream keeps it in a private slot)."""
    producer: AIOKafkaProducer = broker.config.producer._producer.producer  # type: ignore[attr-defined]
    return producer


def kafka_headers(headers: Mapping[str, str]) -> list[tuple[str, bytes]]:
    """Headers in the order and form `KafkaBroker.publish` gives them."""
    sent = [
        (CONTENT_TYPE, headers.get(CONTENT_TYPE, "").encode()),
        ("correlation_id", str(uuid.uuid4()).encode()),
    ]
    sent.extend((name, value.encode()) for name, value in headers.items() if name != CONTENT_TYPE)
    return sent


async def send_all(producer: AIOKafkaProducer, records: Sequence[OutgoingRecord]) -> None:
    """Send every record, then wait until Kafka acknowledged them all.

    Sending all before waiting lets the producer fill its batches; it keeps the order of the
    records of each partition, so of each key, as they are given. One flush waits for all
    their batches, cheaper than a gather over thousands of futures; awaiting each future
    after it (done by then) raises the first failure, as the gather would."""
    acknowledged = []
    for start in range(0, len(records), YIELD_EVERY):
        acknowledged.extend(
            [
                await producer.send(
                    record.topic,
                    record.value,
                    key=record.key,
                    headers=kafka_headers(record.headers),
                )
                for record in records[start : start + YIELD_EVERY]
            ]
        )
        # Handing a record over does not wait, so a round of thousands would hold the event
        # loop (and every request the service is answering) for a tenth of a second or more.
        await asyncio.sleep(0)
    await producer.flush()
    for sent in acknowledged:
        await sent
