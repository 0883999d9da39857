"""Two instances register events of one commitment at once: one inside a transaction that is
still open (an import, a batch from the ingest topic), the other an HTTP request on another
instance. Whatever the outbox relay publishes meanwhile, the commitment's records reach
`lofte.activities.v1` in register order, each with its place in it, which the event's
receipt shows too."""

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

import asyncpg
import pytest
from aiokafka import ConsumerRecord
from pydantic import PostgresDsn

from services.activities import SCHEMA
from services.activities.domain import Catalogue, accept
from services.activities.handlers import Ingest, register
from services.activities.main import MIGRATIONS, create_app
from services.activities.settings import ActivitiesSettings
from shared.contracts import topics
from shared.contracts.cloudevents import parse_structured
from shared.db.leader import leader_lock
from shared.messaging.admin import ensure_topics
from shared.messaging.connection import KafkaConnection
from shared.promises import default_promises
from shared.runtime import open_database
from tests.asgi import serving
from tests.factories import activity_completed
from tests.kafka_records import header, read_all, read_topic
from tests.keys import bearer, create_key
from tests.polling import eventually
from tests.relays import relay_for

COMMITMENT = "sno-mote"
ORGANISATION = "polisen"


@pytest.fixture
async def instances(database_url: str) -> AsyncIterator[tuple[asyncpg.Pool, asyncpg.Pool]]:
    """The pools of two activities instances on the one register."""
    settings = ActivitiesSettings(database_url=PostgresDsn(database_url))
    first = await open_database(settings, SCHEMA, MIGRATIONS)
    second = await open_database(settings, SCHEMA, MIGRATIONS)
    try:
        yield first, second
    finally:
        await asyncio.gather(first.close(), second.close())


@pytest.fixture
async def topic(kafka_bootstrap: str, namespace: str) -> str:
    await ensure_topics(KafkaConnection(kafka_bootstrap), [topics.ACTIVITIES], namespace)
    return topics.ACTIVITIES.qualified(namespace)


async def waiting_for_a_lock(pool: asyncpg.Pool) -> bool:
    waiting: bool = await pool.fetchval(
        "SELECT EXISTS (SELECT FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"
        " AND database = (SELECT oid FROM pg_database WHERE datname = current_database()))"
    )
    return waiting


async def register_order(pool: asyncpg.Pool, event_ids: list[str]) -> dict[str, int]:
    rows = await pool.fetch(
        "SELECT id, register_seq FROM register WHERE id = ANY($1::text[])", event_ids
    )
    return {row["id"]: row["register_seq"] for row in rows}


def ids_and_seqs(records: list["ConsumerRecord[bytes, bytes]"]) -> list[tuple[str, int]]:
    return [
        (header(r, "ce_id") or "", int(header(r, topics.REGISTER_SEQ_HEADER) or "0"))
        for r in records
        if r.key == COMMITMENT.encode()
    ]


async def test_a_commitment_s_records_are_published_in_register_order_across_instances(
    instances: tuple[asyncpg.Pool, asyncpg.Pool],
    topic: str,
    database_url: str,
    kafka_bootstrap: str,
) -> None:
    importing, serving = instances
    catalogue = Catalogue(default_promises())
    imported = parse_structured(activity_completed(COMMITMENT))
    posted = parse_structured(activity_completed(COMMITMENT))
    over_http = Ingest(serving, topic, lambda: datetime.now(UTC), catalogue)
    relay = relay_for(database_url, SCHEMA, serving, kafka_bootstrap)
    try:
        async with leader_lock(database_url, SCHEMA, f"outbox:{SCHEMA}") as leader:
            async with importing.acquire() as connection:
                transaction = connection.transaction()
                await transaction.start()
                await register(
                    connection,
                    [accept(imported, datetime.now(UTC), catalogue)],
                    ORGANISATION,
                    topic,
                )
                posting = asyncio.create_task(over_http.submit_one(posted, ORGANISATION))
                # The request has registered, or waits until it may.
                await eventually(
                    lambda: waiting_for_a_lock(serving),
                    lambda waiting: waiting or posting.done(),
                )
                await relay.relay_once(leader.pid)
                await transaction.commit()
            assert await posting == [posted.id]
            while await relay.relay_once(leader.pid):
                pass
    finally:
        await relay.close()

    published = ids_and_seqs(await read_all(kafka_bootstrap, topic))
    registered = await register_order(serving, [imported.id, posted.id])
    assert sorted(published) == sorted(registered.items()), "each record carries its place"
    assert [seq for _, seq in published] == sorted(registered.values()), (
        f"published out of register order: {published}"
    )
    assert [event_id for event_id, _ in published] == [imported.id, posted.id]


async def test_an_event_s_receipt_shows_the_place_its_record_carries(
    database_url: str, kafka_bootstrap: str, namespace: str
) -> None:
    settings = ActivitiesSettings(
        kafka_bootstrap_servers=kafka_bootstrap,
        database_url=PostgresDsn(database_url),
        topic_namespace=namespace,
        metrics_url="http://127.0.0.1:9",  # no metrics service: the receipt stops at published
    )
    sent = [activity_completed(COMMITMENT) for _ in range(3)]
    credentials = bearer(await create_key(database_url, ORGANISATION))
    async with serving(create_app(settings), credentials) as client:
        for event in sent:
            answer = await client.post(
                "/v1/events", json=event, headers={"content-type": "application/cloudevents+json"}
            )
            assert answer.status_code == 202, answer.text

        async def receipts() -> list[Any]:
            found = []
            for event in sent:
                address = f"/v1/events/{quote(event['source'], safe='')}/{event['id']}"
                found.append((await client.get(address)).json())
            return found

        published = await eventually(
            receipts, lambda found: all(r["status"] == "published" for r in found)
        )
    records = await read_topic(
        kafka_bootstrap, topics.ACTIVITIES.qualified(namespace), at_least=len(sent)
    )

    carried = {header(r, "ce_id"): header(r, topics.REGISTER_SEQ_HEADER) for r in records}
    shown = {r["id"]: str(r["registered"]["register_seq"]) for r in published}
    assert carried == shown
    assert len(set(shown.values())) == len(sent)
