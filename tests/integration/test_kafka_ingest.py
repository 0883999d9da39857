"""Partner systems producing straight to the ingest topic get the same rules as over HTTP."""

import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from aiokafka import AIOKafkaProducer

from shared.contracts import topics
from shared.contracts.cloudevents import encoded, parse_structured, to_kafka_headers, to_kafka_value
from tests.activities_service import activities_client
from tests.factories import activity_completed
from tests.kafka_records import header, read_topic
from tests.keys import create_key
from tests.polling import eventually


@pytest.fixture
async def client(
    kafka_bootstrap: str, database_url: str, namespace: str
) -> AsyncIterator[httpx.AsyncClient]:
    async with activities_client(kafka_bootstrap, database_url, namespace) as client:
        yield client


def binary(document: dict[str, Any]) -> tuple[bytes, list[tuple[str, bytes]]]:
    event = parse_structured(document)
    return to_kafka_value(event), encoded(to_kafka_headers(event))


async def test_valid_records_are_registered_and_the_rest_dead_lettered_with_reasons(
    client: httpx.AsyncClient, kafka_bootstrap: str, database_url: str, namespace: str
) -> None:
    first = activity_completed("sno-mote")
    unknown_commitment = activity_completed("sno-moten")
    with_personnummer = activity_completed("sno-mote", notes="ringde 191212121212")
    last = activity_completed("sno-mote")
    records = [
        binary(first),
        (b'{"commitment": ', [("ce_id", b"broken-json")]),
        binary(unknown_commitment),
        binary(with_personnummer),
        binary(last),
    ]
    producer = AIOKafkaProducer(bootstrap_servers=kafka_bootstrap)
    await producer.start()
    try:
        for value, headers in records:
            await producer.send_and_wait(
                topics.INGEST.qualified(namespace), value, key=b"sno-mote", headers=headers
            )
    finally:
        await producer.stop()
    key = await create_key(database_url, "kommunen")

    async def registered() -> list[Any]:
        response = await client.get(
            "/v1/activities",
            params={"commitment": "sno-mote"},
            headers={"authorization": f"Bearer {key}"},
        )
        body: list[Any] = response.json()["items"]
        return body

    entries = await eventually(registered, lambda found: len(found) >= 2)
    assert {e["id"] for e in entries} == {first["id"], last["id"]}
    parked = await read_topic(
        kafka_bootstrap, topics.dead_letter(topics.INGEST).qualified(namespace), at_least=3
    )
    reasons = {header(r, "ce_id"): header(r, "dlq_reason") or "" for r in parked}
    assert "not valid JSON" in reasons["broken-json"]
    assert "unknown commitment" in reasons[unknown_commitment["id"]]
    assert "personal identity number" in reasons[with_personnummer["id"]]
    assert "191212121212" not in reasons[with_personnummer["id"]]
    published = await read_topic(
        kafka_bootstrap, topics.ACTIVITIES.qualified(namespace), at_least=2
    )
    assert [header(r, "ce_id") for r in published] == [first["id"], last["id"]]
    assert json.loads(published[0].value)["commitment"] == "sno-mote"
