"""One outbox relay per schema, whatever the number of instances: a relay whose lock went with
its connection publishes nothing more until it has the lock again, so it never publishes
beside its successor, and each record reaches Kafka once."""

import asyncio
import json

import asyncpg
import pytest

from services.metrics import SCHEMA
from shared.contracts import topics
from shared.db.leader import LeadershipLost
from shared.messaging.admin import ensure_topics
from shared.messaging.connection import KafkaConnection
from shared.messaging.outbox_rows import OutgoingRecord
from shared.messaging.outbox_rows import enqueue as enqueue_records
from tests.kafka_records import read_all
from tests.polling import eventually
from tests.relays import relay_for


@pytest.fixture
async def topic(kafka_bootstrap: str, namespace: str) -> str:
    """The topic the relay publishes to, created."""
    await ensure_topics(KafkaConnection(kafka_bootstrap), [topics.METRICS], namespace)
    return topics.METRICS.qualified(namespace)


def record(topic: str, n: int) -> OutgoingRecord:
    return OutgoingRecord(topic, b"key", json.dumps({"n": n}).encode(), {"ce_id": f"r{n}"})


async def lock_holder(pool: asyncpg.Pool) -> int | None:
    holder: int | None = await pool.fetchval(
        "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted"
    )
    return holder


async def test_a_relay_whose_lock_connection_died_publishes_nothing_beside_its_successor(
    metrics_pool: asyncpg.Pool,
    topic: str,
    database_url: str,
    kafka_bootstrap: str,
) -> None:
    relay = relay_for(database_url, SCHEMA, metrics_pool, kafka_bootstrap)
    running = asyncio.create_task(relay.run())
    try:
        first = await eventually(lambda: lock_holder(metrics_pool), lambda pid: pid is not None)
        assert first is not None
        await metrics_pool.execute("SELECT pg_terminate_backend($1)", first)
        async with metrics_pool.acquire() as connection, connection.transaction():
            await enqueue_records(connection, SCHEMA, [record(topic, 1)])
        with pytest.raises(LeadershipLost):
            await relay.relay_once(first)
        waiting = await metrics_pool.fetchval("SELECT count(*) FROM outbox")
        successor = await eventually(
            lambda: lock_holder(metrics_pool), lambda pid: pid not in (None, first)
        )
        await eventually(
            lambda: metrics_pool.fetchval("SELECT count(*) FROM outbox"), lambda n: n == 0
        )
    finally:
        running.cancel()
        await asyncio.gather(running, return_exceptions=True)

    assert waiting == 1
    assert successor != first
    published = await read_all(kafka_bootstrap, topic)
    assert [json.loads(r.value) for r in published] == [{"n": 1}]
