"""What the relay puts on a topic: each record as it was queued (key, value, headers in the
order a faststream publish gives them), each key's records in the order they were queued,
and a backlog in rounds of thousands, not hundreds."""

import json

import asyncpg
import pytest

from services.metrics import SCHEMA
from shared.contracts import topics
from shared.db.leader import leader_lock
from shared.messaging.admin import ensure_topics
from shared.messaging.connection import KafkaConnection
from shared.messaging.outbox_rows import OutgoingRecord, enqueue
from tests.kafka_records import read_all
from tests.relays import relay_for

KEYS = (b"trygghetsvandringar", b"snoe-moten", "mötesplatser".encode())
BACKLOG = 1_200  # more than a round relayed before rounds grew


@pytest.fixture
async def topic(kafka_bootstrap: str, namespace: str) -> str:
    """The topic the relay publishes to, created."""
    await ensure_topics(KafkaConnection(kafka_bootstrap), [topics.METRICS], namespace)
    return topics.METRICS.qualified(namespace)


def queued(topic: str, n: int) -> OutgoingRecord:
    key = KEYS[n % len(KEYS)]
    headers = {"ce_id": f"r{n}", "ce_source": "urn:test", "content-type": "application/json"}
    return OutgoingRecord(topic, key, json.dumps({"n": n, "ort": "Lund"}).encode(), headers)


async def test_a_backlog_lands_in_one_round_each_record_as_queued_and_each_key_in_order(
    metrics_pool: asyncpg.Pool, topic: str, database_url: str, kafka_bootstrap: str,
) -> None:  # fmt: skip
    records = [queued(topic, n) for n in range(BACKLOG)]
    async with metrics_pool.acquire() as connection, connection.transaction():
        await enqueue(connection, SCHEMA, records)
    relay = relay_for(database_url, SCHEMA, metrics_pool, kafka_bootstrap)

    try:
        async with leader_lock(database_url, SCHEMA, f"outbox:{SCHEMA}") as leader:
            relayed = await relay.relay_once(leader.pid)
    finally:
        await relay.close()

    assert relayed == BACKLOG
    assert await metrics_pool.fetchval("SELECT count(*) FROM outbox") == 0
    landed = await read_all(kafka_bootstrap, topic)
    by_value = {bytes(r.value): r for r in landed}
    assert sorted(by_value) == sorted(r.value for r in records)
    for record in records:
        found = by_value[record.value]
        assert found.key == record.key
        names = [name for name, _ in found.headers]
        assert names == ["content-type", "correlation_id", "ce_id", "ce_source"]
        values = {name: bytes(value).decode() for name, value in found.headers}
        assert {n: values[n] for n in record.headers} == dict(record.headers)
    for key in KEYS:
        in_order = [json.loads(r.value)["n"] for r in landed if r.key == key]
        assert in_order == [json.loads(r.value)["n"] for r in records if r.key == key]
