"""The activities service's use cases."""

import logging
from collections.abc import Callable, Sequence
from datetime import datetime

import asyncpg

from services.activities import SCHEMA, repository
from services.activities.domain import AcceptedEvent, accept, accept_all
from shared.contracts.cloudevents import CloudEvent, to_kafka_headers, to_kafka_value
from shared.messaging.outbox import OutgoingRecord, enqueue

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]


class Ingest:
    """Accept partner events: validate, register once, and queue them for publishing."""

    def __init__(self, pool: asyncpg.Pool, domain_topic: str, clock: Clock) -> None:
        self._pool = pool
        self._topic = domain_topic
        self._clock = clock

    async def submit_one(self, event: CloudEvent) -> list[str]:
        return await self._register([accept(event, self._clock())])

    async def submit_batch(self, events: Sequence[CloudEvent]) -> list[str]:
        return await self._register(accept_all(list(events), self._clock()))

    async def _register(self, accepted: list[AcceptedEvent]) -> list[str]:
        async with self._pool.acquire() as connection, connection.transaction():
            new = await repository.store(connection, accepted)
            fresh = list(
                {
                    (a.event.source, a.event.id): a
                    for a in reversed(accepted)
                    if (a.event.source, a.event.id) in new
                }.values()
            )[::-1]
            await enqueue(connection, SCHEMA, [self._record(a) for a in fresh])
        for a in accepted:
            log.info(
                "registered" if (a.event.source, a.event.id) in new else "duplicate",
                extra={"event_id": a.event.id, "event_source": a.event.source},
            )
        # A duplicate is answered exactly like the first delivery: the partner's retry is safe.
        return [a.event.id for a in accepted]

    def _record(self, accepted: AcceptedEvent) -> OutgoingRecord:
        return OutgoingRecord(
            topic=self._topic,
            key=accepted.event.key.encode(),
            value=to_kafka_value(accepted.event),
            headers=to_kafka_headers(accepted.event),
        )
