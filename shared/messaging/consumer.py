"""Batch consumption with an exactly-once effect on PostgreSQL.

A batch of records is decoded; what cannot be decoded is parked on the dead-letter topic.
The rest is applied in ONE database transaction by the service's `apply`, which writes the
dedup record together with the state change; `on_committed` then runs for whatever may only
follow a durable change (say, updating a cache). Offsets are committed only after that
transaction, so a crash anywhere redelivers the batch and the dedup records make the second
delivery a no-op.

While the database is unreachable the batch is retried with backoff rather than skipped. An
error that is not about reachability means some event in the batch cannot be applied; the
batch is then applied one event at a time, and the event that still fails is parked with
the reason, so one bad event never blocks or drops the good ones around it.

Services see events, not records: each record is read as a CloudEvent here, and a service's
`decode` takes it from there. A record that cannot be read, or that a service's rules fail
on with an unexpected error (a fault in Löfte), is parked with the reason: redelivering it
would fail the same way forever, and the partition must go on. A service that keeps its own
account of what it refused (the activities service's receipts) gives `on_parked`, which runs
before the record is parked: should it fail, the batch comes again and nothing goes untold.
"""

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

import asyncpg
from aiokafka import TopicPartition
from faststream import AckPolicy
from faststream.kafka import KafkaBroker
from faststream.kafka.annotations import KafkaMessage
from faststream.kafka.subscriber.usecase import BatchSubscriber
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

from shared.contracts.cloudevents import CloudEvent, from_kafka
from shared.contracts.errors import InvalidEvent
from shared.db import UNREACHABLE, Connection
from shared.messaging.applied import Applied
from shared.messaging.assignment import Assignment
from shared.messaging.dead_letter import DeadLetters
from shared.messaging.progress import HandledPositions, Positions, Progress
from shared.messaging.readable_headers import Record, readable_headers, undecoded

log = logging.getLogger(__name__)

T = TypeVar("T")

# How long a poll waits for records. After a poll that found none, faststream's batch
# subscriber sleeps as long again before the next, and a record that arrives meanwhile waits
# for the sleep to end: at its default of 200 ms, a quiet moment in a stream added up to
# 200 ms to the next event's way to the KPIs. An idle poll costs next to nothing.
POLL_MS = 20
# How long the broker holds a fetch that finds nothing new. Kafka answers one request of a
# connection at a time, and asking where the partitions end (the evaluator does every round)
# goes over the fetch's connection: at the default 500 ms, a quiet moment in a stream held
# that answer, and the round with it, for up to half a second.
FETCH_WAIT_MS = 50


@dataclass(frozen=True, slots=True)
class Decoded(Generic[T]):
    record: Record
    item: T


Decode = Callable[[CloudEvent], T]
Apply = Callable[[Connection, Sequence[T]], Awaitable[Applied]]
# Told of each record before it is parked, with the reason it is parked with.
OnParked = Callable[[Record, str], Awaitable[None]]


class ConsumerMetrics:
    def __init__(self, registry: CollectorRegistry) -> None:
        self.records = Counter(
            "lofte_consumer_records_total",
            "Records consumed, by topic and outcome (applied, duplicate, dead_letter).",
            ["topic", "outcome"],
            registry=registry,
        )
        self.batch_seconds = Histogram(
            "lofte_consumer_batch_duration_seconds",
            "Time from receiving a batch to committing its effect.",
            ["topic"],
            registry=registry,
            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
        )
        self.retries = Counter(
            "lofte_consumer_database_retries_total",
            "Batches retried because the database was unreachable.",
            ["topic"],
            registry=registry,
        )
        self.lag = Gauge(
            "lofte_consumer_lag",
            "Records on the partition after the last one processed (high watermark - next).",
            ["topic", "partition"],
            registry=registry,
        )


class BatchConsumer(Generic[T]):
    def __init__(
        self,
        *,
        topic: str,
        group_id: str,
        pool: asyncpg.Pool,
        decode: Decode[T],
        apply: Apply[T],
        dead_letters: DeadLetters,
        metrics: ConsumerMetrics,
        max_records: int = 500,
        on_committed: Callable[[], None] | None = None,
        group_instance_id: str | None = None,
        on_parked: OnParked | None = None,
    ) -> None:
        self.topic = topic
        self.group_id = group_id
        self._pool = pool
        self._decode = decode
        self._apply = apply
        self._dead_letters = dead_letters
        self._metrics = metrics
        self._max_records = max_records
        self._on_committed = on_committed
        self._on_parked = on_parked
        self._subscriber: BatchSubscriber | None = None
        self._group_instance_id = group_instance_id
        self.progress = Progress(topic, metrics.lag, self._positions)
        self.assignment = Assignment(topic)
        self.assignment.when_revoked(self.progress.forget_lag)
        # How far each partition's batches were handled, since it was last assigned.
        self._handled: dict[TopicPartition, int] = {}
        self.assignment.when_revoked(self._forget_handled)
        self.failure_pause_seconds = 1.0

    def subscribe(self, broker: KafkaBroker) -> None:
        # Series exist from the start at zero, so that a first dead letter is an increase
        # Prometheus can see, and dashboards never show "No data" for a quiet pipeline.
        for outcome in ("applied", "duplicate", "dead_letter"):
            self._metrics.records.labels(self.topic, outcome)
        self._metrics.retries.labels(self.topic)
        self._metrics.batch_seconds.labels(self.topic)
        subscriber = broker.subscriber(
            self.topic,
            group_id=self.group_id,
            batch=True,
            max_records=self._max_records,
            batch_timeout_ms=POLL_MS,
            fetch_max_wait_ms=FETCH_WAIT_MS,
            auto_offset_reset="earliest",
            ack_policy=AckPolicy.MANUAL,
            listener=self.assignment,
            # Static membership: an instance restarted under the same id gets its partitions
            # back at once, instead of after the session timeout and two rebalances.
            group_instance_id=self._group_instance_id,
            parser=readable_headers,
            decoder=undecoded,
        )

        @subscriber
        async def on_batch(message: KafkaMessage) -> None:
            try:
                await self.process(message.raw_message)
                self._handled_up_to(message.raw_message)
            except Exception:
                # Nothing of this batch may be committed: rewind and let it come again, after
                # a pause so that a lasting fault (say, Kafka refusing the dead letter) does
                # not spin.
                log.exception("batch on %s failed; it will be redelivered", self.topic)
                await asyncio.sleep(self.failure_pause_seconds)
                await message.nack()
                return
            await message.ack()

        self._subscriber = subscriber

    def _positions(self) -> Positions | None:
        consumer = self._subscriber.consumer if self._subscriber is not None else None
        return HandledPositions(consumer, self._handled) if consumer is not None else None

    def _handled_up_to(self, records: Sequence[Record]) -> None:
        for record in records:
            partition = TopicPartition(record.topic, record.partition)
            self._handled[partition] = max(self._handled.get(partition, 0), record.offset + 1)

    def _forget_handled(self, partitions: frozenset[int]) -> None:
        for partition in [p for p in self._handled if p.partition in partitions]:
            del self._handled[partition]

    async def process(self, records: Sequence[Record]) -> None:
        started = time.perf_counter()
        decoded: list[Decoded[T]] = []
        for record in records:
            try:
                decoded.append(
                    Decoded(record, self._decode(from_kafka(record.value, record.headers)))
                )
            except InvalidEvent as error:
                await self._park(record, str(error))
            except Exception as error:
                log.exception(
                    "could not read %s[%d]@%d", record.topic, record.partition, record.offset
                )
                await self._park(
                    record,
                    f"could not be checked ({type(error).__name__}): a fault in Löfte, see its log",
                )
        if decoded:
            await self._apply_all(decoded)
        self._metrics.batch_seconds.labels(self.topic).observe(time.perf_counter() - started)

    async def _apply_all(self, decoded: Sequence[Decoded[T]]) -> None:
        try:
            await self._apply_with_retry([entry.item for entry in decoded])
        except asyncpg.PostgresError as error:
            log.warning("batch on %s failed (%s); applying one by one", self.topic, error)
            for entry in decoded:
                try:
                    await self._apply_with_retry([entry.item])
                except asyncpg.PostgresError as single_error:
                    await self._park(entry.record, f"could not be applied: {single_error}")

    async def _apply_with_retry(self, items: Sequence[T]) -> None:
        delay = 0.1
        while True:
            try:
                async with self._pool.acquire() as connection, connection.transaction():
                    outcome = await self._apply(connection, items)
            except UNREACHABLE as error:
                self._metrics.retries.labels(self.topic).inc()
                log.warning("database unreachable (%s); retrying in %.1fs", error, delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 10.0)
                continue
            self._metrics.records.labels(self.topic, "applied").inc(outcome.new)
            self._metrics.records.labels(self.topic, "duplicate").inc(outcome.duplicates)
            if self._on_committed is not None:
                self._on_committed()
            return

    async def _park(self, record: Record, reason: str) -> None:
        log.warning(
            "dead-lettering %s[%d]@%d: %s", record.topic, record.partition, record.offset, reason
        )
        if self._on_parked is not None:
            await self._on_parked(record, reason)
        await self._dead_letters.park(record, reason)
        self._metrics.records.labels(self.topic, "dead_letter").inc()
