"""Records sent as they are: bytes already encoded go to Kafka without faststream's encoding.

The outbox holds each record's value and headers exactly as they are to be published, so the
relay hands them to an aiokafka producer of its own (the service's connection and security,
`acks=all` and idempotence, as the broker's) instead of publishing each through faststream,
whose command objects, codec and middlewares cost more than the send itself. What lands on
the topic is what `KafkaBroker.publish` sent: the same key, value and headers, in the same
order, `content-type` first and a `correlation_id` of the record's own, as faststream gives
every record.
"""

import asyncio
import uuid
from collections.abc import Mapping, Sequence

from aiokafka import AIOKafkaProducer

from shared.messaging.connection import KafkaConnection
from shared.messaging.outbox_rows import OutgoingRecord

CONTENT_TYPE = "content-type"
# Records handed to the producer between two chances for the event loop to run others.
YIELD_EVERY = 250


def kafka_headers(headers: Mapping[str, str]) -> list[tuple[str, bytes]]:
    """Headers in the order and form `KafkaBroker.publish` gives them."""
    sent = [
        (CONTENT_TYPE, headers.get(CONTENT_TYPE, "").encode()),
        ("correlation_id", str(uuid.uuid4()).encode()),
    ]
    sent.extend((name, value.encode()) for name, value in headers.items() if name != CONTENT_TYPE)
    return sent


class RecordProducer:
    """The producer: started with the service (`start`), or when first needed if that
    failed, and again after a failed start.

    A start cut short leaks a connection (aiokafka closes its bootstrap connection only when
    the metadata request ends), so a service starts it while it starts, not in a background
    task that a quick stop may cancel halfway."""

    def __init__(self, kafka: KafkaConnection, client_id: str) -> None:
        self._kafka = kafka
        self._client_id = client_id
        self._producer: AIOKafkaProducer | None = None

    async def start(self) -> None:
        await self._started()

    async def _started(self) -> AIOKafkaProducer:
        if self._producer is None:
            producer = AIOKafkaProducer(
                **self._kafka.aiokafka_options(),
                client_id=self._client_id,
                acks="all",
                enable_idempotence=True,
            )
            try:
                await producer.start()
            except BaseException:
                await producer.stop()
                raise
            self._producer = producer
        return self._producer

    async def close(self) -> None:
        producer, self._producer = self._producer, None
        if producer is not None:
            await producer.stop()

    async def send_all(self, records: Sequence[OutgoingRecord]) -> None:
        """Send every record, then wait until Kafka acknowledged them all.

        Sending all before waiting lets the producer fill its batches; it keeps the order of
        the records of each partition, so of each key, as they are given. One flush waits for
        all their batches, cheaper than a gather over thousands of futures; awaiting each
        future after it (done by then) raises the first failure, as the gather would."""
        producer = await self._started()
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
            # Handing a record over does not wait, so a round of thousands would hold the
            # event loop (and every request the service is answering) for a tenth of a second.
            await asyncio.sleep(0)
        await producer.flush()
        for sent in acknowledged:
            await sent
