"""The writing side of the transactional outbox (see `outbox`): the records a service wants
published, written into its `outbox` table inside the transaction of the state they describe.
SQL only: the use cases that write them know nothing of Kafka; the relay publishes them."""

import json
from collections.abc import Mapping
from dataclasses import dataclass

from shared.contracts.cloudevents import CloudEvent, to_kafka_headers, to_kafka_value
from shared.db import Connection


@dataclass(frozen=True, slots=True)
class OutgoingRecord:
    topic: str
    key: bytes | None
    value: bytes
    headers: Mapping[str, str]

    @classmethod
    def of(cls, event: CloudEvent, topic: str) -> "OutgoingRecord":
        """A CloudEvent in Kafka's binary mode, keyed so its subject keeps its order."""
        return cls(
            topic=topic,
            key=event.key.encode(),
            value=to_kafka_value(event),
            headers=to_kafka_headers(event),
        )


def notify_channel(schema: str) -> str:
    return f"{schema}_outbox"


async def enqueue(connection: Connection, schema: str, records: list[OutgoingRecord]) -> None:
    """Add records to the outbox inside the caller's transaction and wake the relay."""
    if not records:
        return
    # One statement for the lot: a batch of a thousand is one round trip, not a thousand.
    await connection.execute(
        "INSERT INTO outbox (topic, key, value, headers)"
        " SELECT topic, key, value, headers"
        " FROM unnest($1::text[], $2::bytea[], $3::bytea[], $4::jsonb[])"
        " WITH ORDINALITY AS r(topic, key, value, headers, n) ORDER BY n",
        [r.topic for r in records],
        [r.key for r in records],
        [r.value for r in records],
        [json.dumps(dict(r.headers)) for r in records],
    )
    await connection.execute("SELECT pg_notify($1, '')", notify_channel(schema))
