"""Pushing partner events through the whole pipeline, and knowing when they have gone through.

Events go in the way a partner's system may send them without HTTP: produced in binary mode
to the ingest topic. The activities service registers them, its relay publishes them, the
metrics service applies them and the notifications service hears of what changed.
"""

import asyncio
import time
from collections.abc import Sequence
from typing import Any

import asyncpg
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition

from shared.contracts import topics
from shared.contracts.cloudevents import parse_structured
from tests.kafka_records import send

Event = dict[str, Any]

COUNTS = {
    "registered": "SELECT count(*) FROM activities.register",
    "applied": "SELECT count(*) FROM metrics.applied_events",
    "metrics outbox": "SELECT count(*) FROM metrics.outbox",
    "activities outbox": "SELECT count(*) FROM activities.outbox",
}


async def produce(kafka: str, namespace: str, events: Sequence[Event]) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=kafka, linger_ms=20)
    await producer.start()
    try:
        sent = []
        for document in events:
            event = parse_structured(document)
            sent.append(await send(producer, event, topics.INGEST.qualified(namespace)))
        await asyncio.gather(*sent)
    finally:
        await producer.stop()


async def counts(database_url: str) -> dict[str, int]:
    connection = await asyncpg.connect(database_url)
    try:
        return {name: await connection.fetchval(query) for name, query in COUNTS.items()}
    finally:
        await connection.close()


async def unread(kafka: str, group: str, topic: str) -> int:
    """Records of `topic` the consumer group has not committed yet."""
    consumer = AIOKafkaConsumer(bootstrap_servers=kafka, group_id=group, enable_auto_commit=False)
    await consumer.start()
    try:
        partitions = [TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic) or ()]
        ends = await consumer.end_offsets(partitions)
        return sum([ends[p] - (await consumer.committed(p) or 0) for p in partitions])
    finally:
        await consumer.stop()


async def through(
    database_url: str, kafka: str, env: dict[str, str], accepted: int, within: float
) -> float:
    """Seconds until every accepted event is registered, published and applied, and what the
    metrics service announced about them has left its outbox and been read by notifications."""
    started = time.monotonic()
    announced = topics.METRICS.qualified(env["TOPIC_NAMESPACE"])
    while True:
        now = await counts(database_url)
        done = (
            now["registered"] == now["applied"] == accepted
            and not now["activities outbox"]
            and not now["metrics outbox"]
            and not await unread(kafka, env["CONSUMER_GROUP"], announced)
        )
        if done:
            return time.monotonic() - started
        if time.monotonic() - started > within:
            raise TimeoutError(f"the pipeline has not caught up after {within:.0f}s: {now}")
        await asyncio.sleep(0.5)
