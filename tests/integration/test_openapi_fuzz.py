"""Schemathesis against the activities service's own OpenAPI document: no input is a 5xx.

Schemathesis generates the requests (valid ones and, in negative mode, ones that break the
schema) from `/openapi.json`; they go to the running app in-process, on the test's event
loop, with a valid API key, and `not_a_server_error` judges every answer.
"""

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import given
from hypothesis import strategies as st
from pydantic import PostgresDsn
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.schemas import OpenApiSchema

from services.activities.main import create_app
from services.activities.settings import ActivitiesSettings
from tests.answering import answering
from tests.keys import create_key
from tests.openapi_fuzzing import FUZZ_SETTINGS, NEGATIVE, POSITIVE, described, runs, send

# Every operation the document describes (`test_every_operation_is_fuzzed` keeps this honest),
# with the modes it has inputs for: without a constrained parameter or body nothing can break
# the schema, so negative mode has nothing to generate.
OPERATIONS = {
    ("POST", "/v1/events"): (POSITIVE, NEGATIVE),
    ("GET", "/v1/activities"): (POSITIVE, NEGATIVE),
    ("GET", "/v1/events/{source}/{event_id}"): (POSITIVE,),
    ("GET", "/v1/promises"): (POSITIVE,),
    ("GET", "/v1/promises/{promise_id}"): (POSITIVE,),
    ("GET", "/health"): (POSITIVE,),
    ("GET", "/ready"): (POSITIVE,),
    ("GET", "/asyncapi.json"): (POSITIVE,),
    ("GET", "/asyncapi"): (POSITIVE,),
    ("GET", "/schemas/{name}.json"): (POSITIVE,),
}
RUNS = runs(OPERATIONS)


@dataclass(frozen=True)
class Service:
    client: httpx.AsyncClient
    key: str
    schema: OpenApiSchema
    document: dict[str, Any]


@pytest.fixture
async def service(
    kafka_bootstrap: str, database_url: str, namespace: str
) -> AsyncIterator[Service]:
    settings_ = ActivitiesSettings(
        kafka_bootstrap_servers=kafka_bootstrap,
        database_url=PostgresDsn(database_url),
        topic_namespace=namespace,
        consumer_group=f"{namespace}activities",
    )
    async with answering(create_app(settings_)) as client:
        document: dict[str, Any] = (await client.get("/openapi.json")).json()
        schema = schemathesis.openapi.from_dict(document)
        yield Service(client, await create_key(database_url, "polisen"), schema, document)


@FUZZ_SETTINGS
@given(data=st.data())
@pytest.mark.parametrize(("method", "path", "mode"), RUNS, ids=[f"{m} {p} {g}" for m, p, g in RUNS])
async def test_no_generated_request_is_a_server_error(
    service: Service, method: str, path: str, mode: GenerationMode, data: st.DataObject
) -> None:
    case = data.draw(
        service.schema[path][method].as_strategy(generation_mode=mode), label="request"
    )

    response = await send(service.client, case, {"authorization": f"Bearer {service.key}"})

    case.validate_response(response, checks=[not_a_server_error])


async def test_every_operation_is_fuzzed(service: Service) -> None:
    assert described(service.document) == set(OPERATIONS)


@pytest.mark.parametrize(
    "params",
    [
        {"commitment": "sno\x00mote"},  # found by the fuzzer: PostgreSQL's text has no U+0000
        {"type": "\x00"},
        {"from": "0001-01-01T00:00:00+14:00"},  # an instant PostgreSQL could not be given
        {"to": "9999-12-31T23:59:59-14:00"},
    ],
    ids=["nul-in-commitment", "nul-in-type", "from-before-year-1-in-utc", "to-after-year-9999"],
)
async def test_register_filters_postgresql_cannot_take_are_a_422(
    service: Service, params: dict[str, str]
) -> None:
    response = await service.client.get(
        "/v1/activities", params=params, headers={"authorization": f"Bearer {service.key}"}
    )

    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["location"] == f"query.{next(iter(params))}"
