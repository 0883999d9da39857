"""Kafka ingest: partner events produced to `lofte.ingest.v1`, registered by the activities
service, against a bare aiokafka consumer that only fetches and decodes the same records.

The records are produced first (as a partner's backfill would be), then read from the
beginning by each in a consumer group of its own. Each is timed from its first record to its
last, so that joining the group and starting up are left out for both alike. The service's
figure is what a partner waits for: an event counts once it is registered, its outbox record
committed in the same transaction (`lofte_consumer_records_total`, applied or duplicate).
Afterwards the register must hold every distinct event produced.
"""

import asyncio
import time

import httpx

from bench.harness import Bench, Result
from bench.processes import service
from bench.register import DataLost, Register
from bench.replay import POLL_SECONDS, produce, progress_of, raw_consumer
from bench.workload import accepted_records
from shared.contracts import topics
from shared.messaging.admin import ensure_topics
from shared.messaging.connection import KafkaConnection
from tests.processes import service_env

QUICK_EVENTS, EVENTS = 10_000, 100_000


async def run(bench: Bench) -> Result:
    result = Result("kafka-ingest")
    count = QUICK_EVENTS if bench.quick else EVENTS
    namespace = bench.namespace()
    topic = topics.INGEST.qualified(namespace)
    await ensure_topics(KafkaConnection(bench.kafka), [topics.INGEST], namespace)
    started = time.perf_counter()
    await produce(bench.kafka, topic, count)
    result.add("events", count, "events")
    result.add("produce", count / (time.perf_counter() - started), "events/s")
    distinct = len(
        {(r.headers["ce_source"], r.headers["ce_id"]) for r in accepted_records(count, topic)}
    )

    raw = await raw_consumer(bench.kafka, topic, count)
    result.add("raw aiokafka decode", raw, "events/s")
    async with bench.database() as database_url:
        registered = await activities_ingest(bench, namespace, database_url, count)
        in_register = await Register(database_url).count()
    if in_register != distinct:
        raise DataLost(f"the register holds {in_register} events; {distinct} were produced")
    result.add("activities service registered", registered, "events/s")
    result.add("ratio service/raw", registered / raw, "")
    result.notes.append(
        f"{count:,} records ({distinct:,} distinct events) on six partitions; the service's"
        " consumer reads batches of up to 500 records"
    )
    return result


async def activities_ingest(bench: Bench, namespace: str, database_url: str, count: int) -> float:
    """Events/s of the activities service from its first registered event to its last."""
    env = service_env(bench.kafka, database_url, namespace)
    async with service("activities", env, bench.logs) as activities, httpx.AsyncClient() as client:
        first = 0.0
        while True:
            progress = await progress_of(client, activities.url)
            now = time.perf_counter()
            if progress.processed and not first:
                first = now
            if progress.processed >= count:
                return count / (now - first)
            await asyncio.sleep(POLL_SECONDS)
