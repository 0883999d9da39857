"""Accepted events wait in the outbox while Kafka is down and flow, in order, once it is back."""

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import asyncpg
import httpx
import pytest
from pydantic import PostgresDsn

from services.activities import SCHEMA
from services.activities.main import create_app
from services.activities.settings import ActivitiesSettings
from shared.contracts import topics
from tests.asgi import serving
from tests.factories import activity_completed
from tests.kafka_records import header, read_topic
from tests.keys import create_key
from tests.own_kafka import OwnKafka, own_kafka
from tests.polling import eventually


@pytest.fixture
def kafka(tmp_path: Path) -> Iterator[OwnKafka]:
    broker = own_kafka(tmp_path)
    broker.start()
    try:
        yield broker
    finally:
        broker.stop()


@pytest.fixture
async def client(
    kafka: OwnKafka, database_url: str, namespace: str
) -> AsyncIterator[httpx.AsyncClient]:
    settings = ActivitiesSettings(
        kafka_bootstrap_servers=kafka.bootstrap,
        database_url=PostgresDsn(database_url),
        topic_namespace=namespace,
    )
    async with serving(create_app(settings)) as client:
        yield client


async def outbox_size(database_url: str) -> int:
    connection = await asyncpg.connect(database_url, server_settings={"search_path": SCHEMA})
    try:
        size: int = await connection.fetchval("SELECT count(*) FROM outbox")
        return size
    finally:
        await connection.close()


@pytest.mark.timeout(300)
async def test_events_accepted_while_kafka_is_down_are_delivered_after_it_returns(
    client: httpx.AsyncClient, kafka: OwnKafka, database_url: str, namespace: str
) -> None:
    key = await create_key(database_url, "polisen")
    headers = {
        "content-type": "application/cloudevents+json",
        "authorization": f"Bearer {key}",
    }
    kafka.stop()
    sent = [activity_completed("volontarinsatser", organisations=("polisen",)) for _ in range(5)]

    answers = [await client.post("/v1/events", json=event, headers=headers) for event in sent]
    readiness = await client.get("/ready")

    assert [a.status_code for a in answers] == [202] * 5
    assert readiness.status_code == 503
    # Why, not just that: the operator sees whom the service tried and what happened.
    assert readiness.json()["checks"]["kafka"].startswith(
        f"unavailable: Kafka at {kafka.bootstrap}: "
    )
    assert await outbox_size(database_url) == 5

    kafka.start()

    await eventually(lambda: outbox_size(database_url), lambda size: size == 0, within=120)
    records = await read_topic(kafka.bootstrap, topics.ACTIVITIES.qualified(namespace), at_least=5)
    assert [header(r, "ce_id") for r in records] == [e["id"] for e in sent]
