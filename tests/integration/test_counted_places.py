"""A place is registered, and published, as the promise spells it; a place that would count
for nothing is refused over HTTP (422) and dead-lettered over Kafka, naming those that count."""

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
from tests.keys import bearer, create_key
from tests.polling import eventually

VISITS = "motesplatser-besok"


@pytest.fixture
async def client(
    kafka_bootstrap: str, database_url: str, namespace: str
) -> AsyncIterator[httpx.AsyncClient]:
    async with activities_client(kafka_bootstrap, database_url, namespace) as client:
        yield client


def visit(place: str) -> dict[str, Any]:
    return activity_completed(VISITS, organisations=("polisen",), place=place)


async def registered_places(client: httpx.AsyncClient, key: str) -> dict[str, str]:
    response = await client.get(
        "/v1/activities", params={"commitment": VISITS}, headers=bearer(key)
    )
    assert response.status_code == 200, response.text
    return {entry["id"]: entry["data"]["place"] for entry in response.json()["items"]}


async def test_over_http_a_place_in_another_spelling_is_registered_as_the_promise_spells_it(
    client: httpx.AsyncClient, database_url: str, kafka_bootstrap: str, namespace: str
) -> None:
    key = await create_key(database_url, "polisen")
    headers = {**bearer(key), "content-type": "application/cloudevents+json"}
    spelt, aliased, elsewhere = visit("  ungdomens HUS "), visit("UH"), visit("Stortorget")

    answers = [
        await client.post("/v1/events", content=json.dumps(sent), headers=headers)
        for sent in (spelt, aliased, elsewhere)
    ]

    assert [answer.status_code for answer in answers] == [202, 202, 422]
    refusal = answers[2].json()
    assert answers[2].headers["content-type"] == "application/problem+json"
    [error] = refusal["errors"]
    assert error["location"] == "data.place"
    assert error["message"] == (
        "'Stortorget' is none of the places motesplatser-besok counts: Fritidsgården Arken; "
        "Ungdomens hus; Mötesplats Norra Fäladen; Fritidsgården Linero (case and surrounding "
        "spaces do not matter; the promise may list other names)"
    )
    assert await registered_places(client, key) == {
        spelt["id"]: "Ungdomens hus",
        aliased["id"]: "Ungdomens hus",
    }
    published = await read_topic(
        kafka_bootstrap, topics.ACTIVITIES.qualified(namespace), at_least=2
    )
    assert [json.loads(r.value)["place"] for r in published] == ["Ungdomens hus"] * 2


async def test_over_kafka_the_same_place_is_registered_and_one_that_counts_nothing_parked(
    client: httpx.AsyncClient, database_url: str, kafka_bootstrap: str, namespace: str
) -> None:
    spelt, elsewhere, missing = visit("fritidsgården arken "), visit("Stortorget"), visit("x")
    del missing["data"]["place"]
    producer = AIOKafkaProducer(bootstrap_servers=kafka_bootstrap)
    await producer.start()
    try:
        for document in (elsewhere, missing, spelt):
            event = parse_structured(document)
            await producer.send_and_wait(
                topics.INGEST.qualified(namespace),
                to_kafka_value(event),
                key=VISITS.encode(),
                headers=encoded(to_kafka_headers(event)),
            )
    finally:
        await producer.stop()
    key = await create_key(database_url, "polisen")

    places = await eventually(lambda: registered_places(client, key), lambda found: bool(found))

    assert places == {spelt["id"]: "Fritidsgården Arken"}
    parked = await read_topic(
        kafka_bootstrap, topics.dead_letter(topics.INGEST).qualified(namespace), at_least=2
    )
    reasons = {header(r, "ce_id"): header(r, "dlq_reason") or "" for r in parked}
    assert reasons[elsewhere["id"]].startswith(
        "data.place: 'Stortorget' is none of the places motesplatser-besok counts: "
        "Fritidsgården Arken; Ungdomens hus"
    )
    assert reasons[missing["id"]].startswith("data.place: is required: motesplatser-besok")
