"""The metrics service consuming the domain topic on the real broker and database."""

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import asyncpg
import httpx
import pytest
from aiokafka import AIOKafkaProducer, ConsumerRecord
from pydantic import PostgresDsn

from services.metrics.handlers import ApplyEvents, decode
from services.metrics.main import create_app
from services.metrics.settings import MetricsSettings
from shared.contracts import topics
from shared.contracts.cloudevents import to_kafka_headers, to_kafka_value
from shared.db.migrations import migrate
from shared.messaging.consumer import Applied
from tests.asgi import serving
from tests.factories import activity_completed, event
from tests.kafka_records import header, read_topic
from tests.polling import eventually

MIGRATIONS = Path(__file__).parents[2] / "services" / "metrics" / "migrations"


@pytest.fixture
async def metrics(
    kafka_bootstrap: str, database_url: str, namespace: str
) -> AsyncIterator[httpx.AsyncClient]:
    settings = MetricsSettings(
        kafka_bootstrap_servers=kafka_bootstrap,
        database_url=PostgresDsn(database_url),
        topic_namespace=namespace,
        consumer_group=f"{namespace}metrics",
    )
    async with serving(create_app(settings)) as client:
        yield client


async def produce(bootstrap: str, topic: str, records: list[tuple[bytes, dict[str, str]]]) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap)
    await producer.start()
    try:
        for value, headers in records:
            await producer.send_and_wait(
                topic,
                value,
                key=b"sno-mote",
                headers=[(name, text.encode()) for name, text in headers.items()],
            )
    finally:
        await producer.stop()


def binary(document: dict[str, Any]) -> tuple[bytes, dict[str, str]]:
    sent = event(document).model_copy(update={"subject": document["data"]["commitment"]})
    return to_kafka_value(sent), to_kafka_headers(sent)


async def done_in_2017(client: httpx.AsyncClient) -> int:
    periods = (await client.get("/v1/tallies/sno-mote")).json()["periods"]
    return sum(p["done"] for p in periods if p["period"]["start"] == "2017-01-01")


async def test_poison_goes_to_the_dead_letter_topic_and_the_next_event_counts(
    metrics: httpx.AsyncClient, kafka_bootstrap: str, namespace: str
) -> None:
    first, unknown, last = activity_completed(), activity_completed(), activity_completed()
    unknown_value, unknown_headers = binary(unknown)
    unknown_headers["ce_type"] = "activity.finished"
    await produce(
        kafka_bootstrap,
        topics.ACTIVITIES.qualified(namespace),
        [
            binary(first),
            (b"{this is not json", {"ce_id": "poison-1"}),
            (unknown_value, unknown_headers),
            binary(last),
        ],
    )

    assert await eventually(lambda: done_in_2017(metrics), lambda done: done == 2) == 2
    parked = await read_topic(
        kafka_bootstrap, topics.dead_letter(topics.ACTIVITIES).qualified(namespace), at_least=2
    )
    reasons = {header(r, "ce_id"): header(r, "dlq_reason") for r in parked}
    assert "value: is not valid JSON" in (reasons["poison-1"] or "")
    assert "unknown event type 'activity.finished'" in (reasons[unknown["id"]] or "")
    assert {r.value for r in parked} == {b"{this is not json", unknown_value}
    assert {header(r, "dlq_source_topic") for r in parked} == {
        topics.ACTIVITIES.qualified(namespace)
    }


async def test_a_redelivered_batch_counts_once(database_url: str) -> None:
    """As after a crash between the database commit and the offset commit."""
    records = [as_record(binary(activity_completed())) for _ in range(3)]
    apply = ApplyEvents("unused.topic", ZoneInfo("Europe/Stockholm"))
    connection = await asyncpg.connect(database_url, server_settings={"search_path": "metrics"})
    try:
        await migrate(connection, "metrics", MIGRATIONS)
        outcomes: list[Applied] = []
        for _delivery in range(2):
            async with connection.transaction():
                outcomes.append(await apply(connection, [decode(r) for r in records]))
        done = await connection.fetchval(
            "SELECT done FROM commitment_tallies WHERE commitment = 'sno-mote'"
        )
    finally:
        await connection.close()

    assert outcomes == [Applied(new=3, duplicates=0), Applied(new=0, duplicates=3)]
    assert done == 3


def as_record(binary_record: tuple[bytes, dict[str, str]]) -> "ConsumerRecord[bytes, bytes]":
    value, headers = binary_record
    return ConsumerRecord(
        topic="t",
        partition=0,
        offset=0,
        timestamp=0,
        timestamp_type=0,
        key=b"sno-mote",
        value=value,
        checksum=None,
        serialized_key_size=8,
        serialized_value_size=len(value),
        headers=[(name, text.encode()) for name, text in headers.items()],
    )
