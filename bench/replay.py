"""Replay throughput: the metrics service rebuilding its KPI state from the activities topic,
against a bare aiokafka consumer that only decodes the same records.

Both read the same topic (six partitions) from the beginning in a consumer group of their
own. Each is timed from its first record to its last, so that joining the group and
starting up are left out for both alike. The service's figure includes its exactly-once
guarantee: an event counts as replayed once its dedup record has committed in PostgreSQL.
"""

import asyncio
import json
import time
import uuid
from dataclasses import dataclass

import httpx
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from bench.harness import Bench, Result, Target
from bench.processes import peak_rss, service, status_bytes
from bench.workload import accepted_records
from shared.contracts import topics
from shared.messaging.admin import ensure_topics
from shared.messaging.connection import KafkaConnection
from tests.kafka_records import send_record

POLL_SECONDS = 0.25
MB = 2**20
MEMORY_MARK = 1_000_000


async def run(bench: Bench) -> Result:
    result = Result("replay")
    namespace = bench.namespace()
    topic = topics.ACTIVITIES.qualified(namespace)
    await ensure_topics(KafkaConnection(bench.kafka), [topics.ACTIVITIES], namespace)
    started = time.perf_counter()
    await produce(bench.kafka, topic, bench.events)
    result.add("events", bench.events, "events")
    result.add("produce", bench.events / (time.perf_counter() - started), "events/s")

    raw = await raw_consumer(bench.kafka, topic, bench.events)
    result.add("raw aiokafka decode", raw, "events/s")
    async with bench.database() as database_url:
        replay = await metrics_replay(bench, namespace, database_url)
    result.add("metrics service replay", replay.events_per_second, "events/s")
    result.add("ratio service/raw", replay.events_per_second / raw, "")
    result.add("KPIs evaluated after the last event", replay.kpis_seconds, "s")
    result.add("metrics RSS when ready", replay.ready_rss, "MB")
    for processed, rss in replay.peak_rss_at:
        result.add(f"metrics peak RSS after {processed:,} events", rss, "MB")
    result.add("metrics peak RSS", replay.peak_rss, "MB")
    first_mark = replay.peak_rss_at[0][1]
    result.add("peak RSS growth after the first mark", replay.peak_rss / first_mark, "")
    result.targets += [
        Target("ratio service/raw", 0.5, higher_is_better=True),
        Target("metrics peak RSS", 300, higher_is_better=False),
        Target("peak RSS growth after the first mark", 1.1, higher_is_better=False),
    ]
    return result


def memory_marks(events: int) -> list[int]:
    """Where the peak RSS is noted on the way: every million events (every fifth of a
    smaller run), so one run shows whether memory grows with the events replayed."""
    step = min(MEMORY_MARK, max(events // 5, 1))
    return list(range(step, events + 1, step))


async def produce(kafka: str, topic: str, count: int) -> int:
    """Produce `count` records; return how many distinct events they hold (a partner sends
    some twice)."""
    distinct: set[tuple[str, str]] = set()
    producer = AIOKafkaProducer(
        bootstrap_servers=kafka, linger_ms=20, max_batch_size=512 * 1024, acks="all"
    )
    await producer.start()
    try:
        pending = []
        for record in accepted_records(count, topic):
            distinct.add((record.headers["ce_source"], record.headers["ce_id"]))
            pending.append(await send_record(producer, record))
            if len(pending) >= 20_000:
                await asyncio.gather(*pending)
                pending.clear()
        await asyncio.gather(*pending)
    finally:
        await producer.stop()
    return len(distinct)


# The floor fetches in large batches, as a bare consumer written for speed would.
RAW_RECORDS_PER_CALL = 2_000


async def raw_consumer(kafka: str, topic: str, count: int) -> float:
    """Events/s of the floor: fetch each record and decode its headers and JSON value,
    nothing else."""
    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=kafka,
        group_id=f"bench-raw-{uuid.uuid4().hex[:8]}",
        auto_offset_reset="earliest",
        enable_auto_commit=False,
    )
    await consumer.start()
    try:
        seen = 0
        first = 0.0
        while seen < count:
            batches = await consumer.getmany(timeout_ms=1000, max_records=RAW_RECORDS_PER_CALL)
            for records in batches.values():
                if not first:
                    first = time.perf_counter()
                for record in records:
                    {name: value.decode() for name, value in record.headers}
                    json.loads(record.value or b"null")
                seen += len(records)
            await consumer.commit()
        return count / (time.perf_counter() - first)
    finally:
        await consumer.stop()


@dataclass(frozen=True, slots=True)
class Replay:
    events_per_second: float  # from the first applied event to the last
    kpis_seconds: float  # from then until the KPIs show every event
    ready_rss: float  # MB
    peak_rss_at: list[tuple[int, float]]  # events processed, peak RSS so far in MB
    peak_rss: float  # MB, once the KPIs show every event


async def metrics_replay(bench: Bench, namespace: str, database_url: str) -> Replay:
    env = {
        "KAFKA_BOOTSTRAP_SERVERS": bench.kafka,
        "DATABASE_URL": database_url,
        "TOPIC_NAMESPACE": namespace,
        "CONSUMER_GROUP": f"{namespace}metrics",
    }
    async with service("metrics", env, bench.logs) as metrics, httpx.AsyncClient() as client:
        pid = metrics.process.pid
        ready = status_bytes(pid, "VmRSS") / MB
        marks = memory_marks(bench.events)
        peaks: list[tuple[int, float]] = []
        first = last = 0.0
        while True:
            progress = await progress_of(client, metrics.url)
            now = time.perf_counter()
            if progress.processed and not first:
                first = now
            while marks and progress.processed >= marks[0]:
                peaks.append((marks.pop(0), peak_rss(pid) / MB))
            if progress.processed >= bench.events:
                last = now
                break
            await asyncio.sleep(POLL_SECONDS)
        while progress.evaluated < progress.applied:
            await asyncio.sleep(POLL_SECONDS)
            progress = await progress_of(client, metrics.url)
        kpis = time.perf_counter() - last
        return Replay(bench.events / (last - first), kpis, ready, peaks, peak_rss(pid) / MB)


@dataclass(frozen=True, slots=True)
class Progress:
    processed: float  # records whose effect has committed: applied, or known duplicates
    applied: float
    evaluated: float  # applied events the latest KPIs come from


async def progress_of(client: httpx.AsyncClient, url: str) -> Progress:
    response = await client.get(f"{url}/metrics")
    applied = duplicates = evaluated = 0.0
    for line in response.text.splitlines():
        value = line.rsplit(" ", 1)[-1]
        if line.startswith("lofte_consumer_records_total{"):
            if 'outcome="applied"' in line:
                applied += float(value)
            elif 'outcome="duplicate"' in line:
                duplicates += float(value)
        elif line.startswith("lofte_kpi_evaluated_events "):
            evaluated = float(value)
    return Progress(applied + duplicates, applied, evaluated)
