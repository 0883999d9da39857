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
"""

import asyncio
import contextlib
import dataclasses
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import asyncpg
from aiokafka import ConsumerRecord
from aiokafka.errors import KafkaError
from faststream import AckPolicy
from faststream.kafka import KafkaBroker
from faststream.kafka.annotations import KafkaMessage
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

from shared.contracts.errors import InvalidEvent
from shared.db import UNREACHABLE, Connection
from shared.messaging.assignment import Assignment
from shared.messaging.dead_letter import DeadLetters

log = logging.getLogger(__name__)

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Decoded(Generic[T]):
    record: "ConsumerRecord[bytes, bytes]"
    item: T


@dataclass(frozen=True, slots=True)
class Applied:
    new: int
    duplicates: int


Decode = Callable[["ConsumerRecord[bytes, bytes]"], T]
Apply = Callable[[Connection, Sequence[T]], Awaitable[Applied]]


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


async def _undecoded(_message: Any) -> None:
    # Records are decoded by the consumer itself, so that a malformed one reaches the
    # dead-letter topic instead of failing inside the framework before any handler runs.
    return None


async def _readable_headers(
    records: tuple["ConsumerRecord[bytes, bytes]", ...],
    parse: Callable[[tuple["ConsumerRecord[bytes, bytes]", ...]], Awaitable[Any]],
) -> Any:
    # The framework reads every header as UTF-8 and, when one is not, drops the whole batch
    # without a word, valid records included. It is given text it can read; the consumer's
    # `decode` still gets the records as they came, and parks the one it cannot read.
    readable = tuple(record if _utf8_headers(record) else _readable(record) for record in records)
    message = await parse(readable)
    message.raw_message = records
    return message


def _utf8_headers(record: "ConsumerRecord[bytes, bytes]") -> bool:
    try:
        for _, raw in record.headers:
            raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _readable(record: "ConsumerRecord[bytes, bytes]") -> "ConsumerRecord[bytes, bytes]":
    return dataclasses.replace(
        record,
        headers=[
            (name, raw.decode("utf-8", errors="backslashreplace").encode())
            for name, raw in record.headers
        ],
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
        self._subscriber: object | None = None
        self._ends_when_asked: dict[Any, int] = {}
        self._group_instance_id = group_instance_id
        self.assignment = Assignment(topic)
        self.assignment.when_revoked(self._forget_lag)
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
            auto_offset_reset="earliest",
            ack_policy=AckPolicy.MANUAL,
            listener=self.assignment,
            # Static membership: an instance restarted under the same id gets its partitions
            # back at once, instead of after the session timeout and two rebalances.
            group_instance_id=self._group_instance_id,
            parser=_readable_headers,
            decoder=_undecoded,
        )

        @subscriber
        async def on_batch(message: KafkaMessage) -> None:
            try:
                await self.process(message.raw_message)
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

    async def caught_up(self) -> bool:
        """Whether every assigned partition is caught up (see `caught_up_partitions`)."""
        consumer = getattr(self._subscriber, "consumer", None)
        assigned = {tp.partition for tp in consumer.assignment()} if consumer else set()
        return bool(assigned) and await self.caught_up_partitions() == assigned

    async def caught_up_partitions(self) -> frozenset[int]:
        """The assigned partitions this consumer has processed everything of that they held
        when last asked (the first time: when asked now).

        Until then, state built from a partition is incomplete: a consumer catching up after
        downtime must not make anyone announce that something never happened. Comparing with
        the ends seen at the previous question rather than with today's keeps a consumer of a
        steady stream, always a few records short of the end, counted as live. While Kafka
        cannot say (it is away), none is.
        """
        consumer = getattr(self._subscriber, "consumer", None)
        if consumer is None:
            return frozenset()
        assigned = list(consumer.assignment())
        if not assigned:
            return frozenset()
        caught_up = set()
        try:
            ends = await consumer.end_offsets(assigned)
            earlier, self._ends_when_asked = self._ends_when_asked, ends
            for partition in assigned:
                if await consumer.position(partition) >= earlier.get(partition, ends[partition]):
                    caught_up.add(partition.partition)
        except KafkaError as error:
            log.warning("how far %s has been read is not known now: %s", self.topic, error)
            return frozenset()
        return frozenset(caught_up)

    def partition_count(self) -> int | None:
        """How many partitions the topic has, as the consumer's metadata last said."""
        consumer = getattr(self._subscriber, "consumer", None)
        found = consumer.partitions_for_topic(self.topic) if consumer is not None else None
        return len(found) if found else None

    async def process(self, records: Sequence["ConsumerRecord[bytes, bytes]"]) -> None:
        started = time.perf_counter()
        decoded: list[Decoded[T]] = []
        for record in records:
            try:
                decoded.append(Decoded(record, self._decode(record)))
            except InvalidEvent as error:
                await self._park(record, str(error))
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

    async def report_lag(self) -> None:
        """Export the lag of every assigned partition: end offset minus position.

        Run on a timer, not after batches: a stuck consumer processes no batch, and its lag
        must still be seen to grow.
        """
        consumer = getattr(self._subscriber, "consumer", None)
        if consumer is None:
            return
        assigned = list(consumer.assignment())
        if not assigned:
            return
        ends = await consumer.end_offsets(assigned)
        for partition in assigned:
            lag = max(ends[partition] - await consumer.position(partition), 0)
            self._metrics.lag.labels(self.topic, str(partition.partition)).set(lag)

    def _forget_lag(self, revoked: frozenset[int]) -> None:
        # Another instance reports these partitions now: two series for one would add up.
        for partition in revoked:
            with contextlib.suppress(KeyError):
                self._metrics.lag.remove(self.topic, str(partition))

    async def watch_lag(self, every_seconds: float = 5.0) -> None:
        """Report lag until cancelled; a failed look-up (Kafka away) just waits for the next."""
        while True:
            try:
                await self.report_lag()
            except Exception as error:
                log.debug("lag of %s not known now: %s", self.topic, error)
            await asyncio.sleep(every_seconds)

    async def _park(self, record: "ConsumerRecord[bytes, bytes]", reason: str) -> None:
        log.warning(
            "dead-lettering %s[%d]@%d: %s", record.topic, record.partition, record.offset, reason
        )
        await self._dead_letters.park(record, reason)
        self._metrics.records.labels(self.topic, "dead_letter").inc()
