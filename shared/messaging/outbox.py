"""The transactional outbox: publish to Kafka exactly what a database transaction committed.

A service writes the records it wants published into its `outbox` table in the same
transaction as the state they describe, and NOTIFYs the relay (`outbox_rows`, which knows
no Kafka, so that the use cases that write them need not either). The relay claims rows in
order (`FOR UPDATE`), publishes them, waits for the broker's acknowledgement and deletes them
in the same transaction. When Kafka is down the rows simply wait.

A leader lock (`shared.db.leader`) makes one relay per schema active, whatever the number of
instances, which keeps the order per key: `position` order. Rows of one key whose positions
are taken by concurrent transactions may commit in the other order, and the relay may have
published the later position by then; a writer that needs its keys' records in commit order
takes each key's positions only after the key's earlier transactions ended (the activities
register locks its keys first, see `services.activities.repository.store`).

Each round confirms the leader's lock in its own transaction (the fence), so a successor that
took the lock meanwhile waits on the rows of the round in flight instead of skipping past
them. The rounds, and their backoff while the database or Kafka is away, are
`shared.background`'s.

A service that wants to know when each record went out (the activities service's receipts)
gives `on_published`: it runs in the transaction that deletes the rows, after the broker
acknowledged them, so the record of publishing commits exactly with the publishing.
"""

import contextlib
import json
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence

import asyncpg
from prometheus_client import CollectorRegistry, Counter, Gauge

from shared.background import Round, Rounds
from shared.db import Connection
from shared.db.leader import confirm_leader, leader_lock
from shared.messaging.connection import KafkaConnection
from shared.messaging.outbox_rows import OutgoingRecord, notify_channel
from shared.messaging.producer import RecordProducer

log = logging.getLogger(__name__)


# Told the headers of the records a round published, inside the round's transaction.
OnPublished = Callable[[Connection, Sequence[Mapping[str, str]]], Awaitable[None]]


# Rows a round relays. Each round pays its transaction, the leader's fence, a read, a delete
# and the broker's acknowledgement once, so a backlog drains in large rounds; a round also
# holds its rows locked until Kafka acknowledged them all, which at this size is well under
# a second.
BATCH_SIZE = 5000

# Counting the outbox reads all of it: while a backlog of a million drains, a count after every
# round would make draining quadratic. A round that found it short counts always.
RECOUNT_EVERY = 20


class OutboxMetrics:
    def __init__(self, registry: CollectorRegistry) -> None:
        self.published = Counter(
            "lofte_outbox_published_records_total",
            "Records relayed from the outbox to Kafka.",
            registry=registry,
        )
        self.failures = Counter(
            "lofte_outbox_publish_failures_total",
            "Relay rounds that failed to publish (the records stay and are retried).",
            registry=registry,
        )
        self.pending = Gauge(
            "lofte_outbox_pending_records",
            "Records waiting in the outbox, as last counted (while a backlog drains, every "
            f"{RECOUNT_EVERY} rounds).",
            registry=registry,
        )


class OutboxRelay:
    def __init__(
        self,
        *,
        dsn: str,
        schema: str,
        pool: asyncpg.Pool,
        kafka: KafkaConnection,
        client_id: str,
        metrics: OutboxMetrics,
        batch_size: int = BATCH_SIZE,
        idle_poll_seconds: float = 5.0,
        on_published: OnPublished | None = None,
    ) -> None:
        self._dsn = dsn
        self._schema = schema
        self._pool = pool
        self._producer = RecordProducer(kafka, client_id)
        self._metrics = metrics
        self._batch_size = batch_size
        self._idle_poll_seconds = idle_poll_seconds
        self._on_published = on_published
        self._rounds = 0

    async def run(self) -> None:
        """Relay until cancelled, surviving database and broker outages."""
        rounds = Rounds(
            f"outbox relay of {self._schema}",
            log,
            on_failure=lambda _error: self._metrics.failures.inc(),
        )
        try:
            await rounds.run_sessions(lambda: self._leading(rounds))
        finally:
            await self.close()

    async def start(self) -> None:
        """Start its producer now rather than in its first round (see `RecordProducer`);
        should Kafka be away again already, its first round starts it."""
        try:
            await self._producer.start()
        except Exception as error:
            log.warning("outbox relay of %s: producer not started yet (%r)", self._schema, error)

    async def close(self) -> None:
        """Stop its producer (a relay used again starts a new one)."""
        await self._producer.close()

    @contextlib.asynccontextmanager
    async def _leading(self, rounds: Rounds) -> AsyncIterator[Round]:
        async with leader_lock(self._dsn, self._schema, f"outbox:{self._schema}") as leader:
            await leader.listen(notify_channel(self._schema), rounds.wake)

            async def relay() -> float:
                relayed = await self.relay_once(leader.pid)
                # A full batch: more are waiting. The poll is a safety net for a lost
                # notification, not the main path.
                return 0 if relayed == self._batch_size else self._idle_poll_seconds

            yield relay

    async def relay_once(self, leader: int) -> int:
        """Publish one batch of pending records in order, if the backend `leader` still holds
        the relay's lock; return how many were relayed."""
        async with self._pool.acquire() as connection, connection.transaction():
            await confirm_leader(connection, leader, f"outbox:{self._schema}")
            rows = await connection.fetch(
                "SELECT position, topic, key, value, headers FROM outbox"
                " ORDER BY position LIMIT $1 FOR UPDATE",
                self._batch_size,
            )
            if not rows:
                self._metrics.pending.set(0)
                return 0
            records = [
                OutgoingRecord(row["topic"], row["key"], row["value"], json.loads(row["headers"]))
                for row in rows
            ]
            await self._producer.send_all(records)
            if self._on_published is not None:
                await self._on_published(connection, [record.headers for record in records])
            await connection.execute(
                "DELETE FROM outbox WHERE position = ANY($1::bigint[])",
                [row["position"] for row in rows],
            )
            self._rounds += 1
            counted = len(rows) < self._batch_size or self._rounds % RECOUNT_EVERY == 0
            if counted:
                remaining = await connection.fetchval("SELECT count(*) FROM outbox")
        self._metrics.published.inc(len(rows))
        if counted:
            self._metrics.pending.set(remaining)
        return len(rows)
