"""The activities service serves the contract documents partners build against: the same
files as are committed, a page to read, and the OpenAPI request body naming each data schema."""

import json
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from shared.contracts.schemas import PARTNER_TYPES
from tests.activities_service import activities_client

CONTRACTS = Path(__file__).parents[2] / "docs" / "contracts"


@pytest.fixture
async def client(
    kafka_bootstrap: str, database_url: str, namespace: str
) -> AsyncIterator[httpx.AsyncClient]:
    async with activities_client(kafka_bootstrap, database_url, namespace) as client:
        yield client


async def test_the_committed_documents_are_served_without_credentials(
    client: httpx.AsyncClient,
) -> None:
    asyncapi = await client.get("/asyncapi.json")
    schema = await client.get("/schemas/activity.completed.json")
    envelope = await client.get("/schemas/cloudevent.json")

    assert asyncapi.status_code == schema.status_code == envelope.status_code == 200
    assert asyncapi.text == (CONTRACTS / "asyncapi.json").read_text(encoding="utf-8")
    assert schema.headers["content-type"] == "application/schema+json"
    assert schema.text == (CONTRACTS / "schemas/activity.completed.json").read_text("utf-8")
    assert envelope.json()["title"] == "CloudEvent"


async def test_an_unknown_schema_is_a_404_naming_the_known_ones(client: httpx.AsyncClient) -> None:
    response = await client.get("/schemas/activity.done.json")

    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert "known: activity.cancelled, activity.completed" in response.json()["detail"]


async def test_the_page_shows_each_topic_and_type_with_its_fields(
    client: httpx.AsyncClient,
) -> None:
    page = await client.get("/asyncapi")

    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    for text in ("lofte.ingest.v1", "lofte.ingest.v1.dlq", "dlq_reason", "ce_type", "place"):
        assert text in page.text
    assert '<a href="/schemas/activity.completed.json">JSON Schema</a>' in page.text


async def test_the_openapi_request_body_names_each_event_types_data_schema(
    client: httpx.AsyncClient,
) -> None:
    document = (await client.get("/openapi.json")).json()

    body = document["paths"]["/v1/events"]["post"]["requestBody"]["content"]
    single = body["application/cloudevents+json"]["schema"]
    assert body["application/cloudevents-batch+json"]["schema"]["items"] == single
    mapping = single["discriminator"]["mapping"]
    assert set(mapping) == set(PARTNER_TYPES)
    schemas = document["components"]["schemas"]
    completed = schemas[mapping["activity.completed"].rsplit("/", 1)[-1]]
    data = completed["allOf"][1]["properties"]["data"]
    assert data == {"$ref": "#/components/schemas/ActivityCompleted"}
    assert "place" in schemas["ActivityCompleted"]["properties"]
    assert json.dumps(schemas).count("#/$defs/") == 0  # every reference resolves in the document
