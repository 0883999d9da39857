"""Rebuilds the KPI state from the beginning of the domain topic into a fresh schema, and
proves it equals the live state.

The topic is kept forever for exactly this. Records that cannot be decoded are skipped and
counted (they went to the dead-letter topic when they first arrived).
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from aiokafka import AIOKafkaConsumer, TopicPartition

from services.metrics import kpi_buckets, repository
from services.metrics.bucket_cache import BucketCache
from services.metrics.domain.engine import evaluate_log
from services.metrics.domain.facts import KnownEvent
from services.metrics.handlers import decode
from services.metrics.kpi_views import promise_view
from shared.contracts.cloudevents import from_kafka
from shared.contracts.errors import InvalidEvent
from shared.db import Connection
from shared.db.migrations import migrate, quote_ident
from shared.messaging.connection import KafkaConnection
from shared.promises import Promise, SchoolHolidayCalendar

Progress = Callable[[int, int], None]


@dataclass(frozen=True, slots=True)
class Rebuilt:
    records: int
    applied: int
    skipped: int


async def rebuild(
    *,
    kafka: KafkaConnection,
    topic: str,
    connection: Connection,
    schema: str,
    migrations: Path,
    progress: Progress,
    batch_size: int = 1000,
) -> Rebuilt:
    await connection.execute(f"DROP SCHEMA IF EXISTS {quote_ident(schema)} CASCADE")
    await migrate(connection, schema, migrations)
    await connection.execute(f"SET search_path = {quote_ident(schema)}")
    consumer = AIOKafkaConsumer(**kafka.aiokafka_options(), enable_auto_commit=False)
    await consumer.start()
    try:
        # The consumer's own metadata only covers topics it subscribed to; ask the cluster.
        cluster = await consumer._client.fetch_all_metadata()
        numbers = sorted(cluster.partitions_for_topic(topic) or ())
        partitions = [TopicPartition(topic, number) for number in numbers]
        if not partitions:
            raise RuntimeError(f"topic {topic} does not exist")
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        ends = await consumer.end_offsets(partitions)
        starts = await consumer.beginning_offsets(partitions)
        total = sum(ends[tp] - starts[tp] for tp in partitions)
        seen = applied = skipped = 0
        while await _behind(consumer, partitions, ends):
            batches = await consumer.getmany(timeout_ms=1000, max_records=batch_size)
            decoded: list[KnownEvent] = []
            for tp, records in batches.items():
                for record in records:
                    if record.offset >= ends[tp]:
                        continue
                    seen += 1
                    try:
                        decoded.append(decode(from_kafka(record.value, record.headers)))
                    except InvalidEvent:
                        skipped += 1
            if decoded:
                async with connection.transaction():
                    new = await repository.record_applied(connection, decoded)
                    await kpi_buckets.fold_in(connection, sorted(new.values()))
                applied += len(new)
            progress(seen, total)
        return Rebuilt(records=seen, applied=applied, skipped=skipped)
    finally:
        await consumer.stop()


async def kpis_of_schema(
    connection: Connection,
    schema: str,
    promises: list[Promise],
    calendars: Mapping[str, SchoolHolidayCalendar],
    at: datetime,
) -> dict[str, object]:
    await connection.execute(f"SET search_path = {quote_ident(schema)}")
    cache = BucketCache(p.zone for p in promises)
    await cache.catch_up(connection)
    kpis: dict[str, object] = {}
    for promise in promises:
        facts = await cache.log_at(connection, promise.zone, at)
        evaluated = evaluate_log(promise, facts, at, calendars=calendars, promises=promises)
        kpis[promise.id] = promise_view(evaluated).model_dump(mode="json")
    return kpis


async def _behind(
    consumer: AIOKafkaConsumer, partitions: list[TopicPartition], ends: dict[TopicPartition, int]
) -> bool:
    for partition in partitions:
        if await consumer.position(partition) < ends[partition]:
            return True
    return False


async def event_set(connection: Connection, schema: str) -> set[tuple[str, str, str]]:
    """The state itself: every applied event, as (source, id, content)."""
    await connection.execute(f"SET search_path = {quote_ident(schema)}")
    rows = await connection.fetch(
        "SELECT source, id, jsonb_build_array(type, subject, occurred_at, data)::text AS content"
        " FROM applied_events"
    )
    return {(row["source"], row["id"], row["content"]) for row in rows}
