"""The activities service's HTTP edge on the real broker and database."""

import json
from collections.abc import AsyncIterator

import httpx
import pytest
from pydantic import PostgresDsn

from services.activities.main import create_app
from services.activities.settings import ActivitiesSettings
from shared.contracts import topics
from tests.asgi import serving
from tests.factories import activity_completed, incident_recorded
from tests.kafka_records import header, read_topic

SINGLE = {"content-type": "application/cloudevents+json"}
BATCH = {"content-type": "application/cloudevents-batch+json"}


@pytest.fixture
async def client(
    kafka_bootstrap: str, database_url: str, namespace: str
) -> AsyncIterator[httpx.AsyncClient]:
    settings = ActivitiesSettings(
        kafka_bootstrap_servers=kafka_bootstrap,
        database_url=PostgresDsn(database_url),
        topic_namespace=namespace,
    )
    async with serving(create_app(settings)) as client:
        yield client


def domain_topic(namespace: str) -> str:
    return topics.ACTIVITIES.qualified(namespace)


async def post(client: httpx.AsyncClient, body: object, headers: dict[str, str]) -> httpx.Response:
    return await client.post("/v1/events", content=json.dumps(body), headers=headers)


async def test_an_accepted_event_is_registered_and_published_keyed_by_commitment(
    client: httpx.AsyncClient, kafka_bootstrap: str, namespace: str
) -> None:
    sent = activity_completed("volontarinsatser", organisations=("polisen",))

    response = await post(client, sent, SINGLE)

    assert response.status_code == 202
    assert response.json() == {"accepted": [sent["id"]]}
    register = (
        await client.get("/v1/activities", params={"commitment": "volontarinsatser"})
    ).json()
    assert [entry["id"] for entry in register] == [sent["id"]]
    [record] = await read_topic(kafka_bootstrap, domain_topic(namespace), at_least=1)
    assert record.key == b"volontarinsatser"
    assert header(record, "ce_id") == sent["id"]
    assert header(record, "ce_type") == "activity.completed"
    assert json.loads(record.value) == sent["data"]


async def test_a_duplicate_gets_the_same_answer_and_is_stored_and_published_once(
    client: httpx.AsyncClient, kafka_bootstrap: str, namespace: str
) -> None:
    sent = activity_completed("sno-mote")
    later = activity_completed("sno-mote")

    first = await post(client, sent, SINGLE)
    again = await post(client, sent, SINGLE)
    await post(client, later, SINGLE)

    assert again.status_code == first.status_code == 202
    assert again.json() == first.json()
    register = (await client.get("/v1/activities", params={"commitment": "sno-mote"})).json()
    assert sorted(entry["id"] for entry in register) == sorted([sent["id"], later["id"]])
    # One key, one partition, in order: had the duplicate been published it would sit
    # between the two.
    records = await read_topic(kafka_bootstrap, domain_topic(namespace), at_least=2)
    assert [header(r, "ce_id") for r in records] == [sent["id"], later["id"]]


async def test_malformed_json_is_a_400_that_says_where(client: httpx.AsyncClient) -> None:
    response = await client.post("/v1/events", content=b'{"id": ', headers=SINGLE)

    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"
    assert "not valid JSON" in response.json()["detail"]
    assert "line 1" in response.json()["detail"]


async def test_an_unknown_type_is_a_422_naming_the_known_ones(client: httpx.AsyncClient) -> None:
    sent = activity_completed()
    sent["type"] = "activity.finished"

    response = await post(client, sent, SINGLE)

    assert response.status_code == 422
    [error] = response.json()["errors"]
    assert error["location"] == "type"
    assert "activity.completed" in error["message"]


async def test_a_body_over_64_kib_is_refused_with_413(client: httpx.AsyncClient) -> None:
    sent = activity_completed(notes="x" * 2000)
    too_big = [sent] * 40

    response = await post(client, too_big, BATCH)

    assert response.status_code == 413
    assert "65536 bytes" in response.json()["detail"]


async def test_other_media_types_are_refused_with_415(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/v1/events", content=b"id=1", headers={"content-type": "text/plain"}
    )

    assert response.status_code == 415


async def test_a_batch_is_all_or_nothing_with_a_reason_per_item(
    client: httpx.AsyncClient,
) -> None:
    good = activity_completed("foreningsliv")
    bad = activity_completed("foreningsliv", organisations=())

    refused = await post(client, [good, bad], BATCH)

    assert refused.status_code == 422
    assert [e["location"] for e in refused.json()["errors"]] == ["[1].data.organisations"]
    register = (await client.get("/v1/activities", params={"commitment": "foreningsliv"})).json()
    assert register == []

    accepted = await post(client, [good, incident_recorded()], BATCH)

    assert accepted.status_code == 202
    assert accepted.json()["accepted"][0] == good["id"]


async def test_the_next_good_event_is_accepted_after_bad_ones(client: httpx.AsyncClient) -> None:
    await client.post("/v1/events", content=b"][", headers=SINGLE)
    await post(client, {"specversion": "1.0"}, SINGLE)

    response = await post(client, activity_completed("mbu-lundamodell"), SINGLE)

    assert response.status_code == 202


async def test_ready_reports_both_dependencies(client: httpx.AsyncClient) -> None:
    response = await client.get("/ready")

    assert response.status_code == 200
    assert response.json()["checks"] == {"postgres": "ok", "kafka": "ok"}
