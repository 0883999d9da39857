"""Schemathesis against the notifications service's own OpenAPI document: no input is a 5xx.

As for the activities service (`test_openapi_fuzz`): requests generated from `/openapi.json`,
valid ones and, in negative mode, ones that break the schema, go to the running app
in-process on the real broker and database; `not_a_server_error` judges every answer. The
API asks for no key, so none is sent.
"""

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import given
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.schemas import OpenApiSchema

from services.notifications.main import create_app
from tests.answering import answering
from tests.databases import fresh_database
from tests.notifications_harness import Clock, local, routing_file, settings
from tests.openapi_fuzzing import FUZZ_SETTINGS, NEGATIVE, POSITIVE, described, runs, send
from tests.processes import free_port

# Every operation the document describes (`test_every_operation_is_fuzzed` keeps this honest),
# with the modes it has inputs for. Schemathesis makes no request whose path breaks a path
# parameter's schema, so an operation with nothing else to break has no negative mode.
OPERATIONS = {
    ("GET", "/v1/kpi-events"): (POSITIVE, NEGATIVE),
    ("GET", "/v1/notifications"): (POSITIVE, NEGATIVE),
    ("GET", "/v1/notifications/{key}"): (POSITIVE,),
    ("POST", "/v1/notifications/{key}/ack"): (POSITIVE, NEGATIVE),
    ("GET", "/v1/ack"): (POSITIVE, NEGATIVE),
    ("POST", "/v1/ack"): (POSITIVE, NEGATIVE),
    ("GET", "/v1/deliveries"): (POSITIVE, NEGATIVE),
    ("GET", "/v1/silences"): (POSITIVE, NEGATIVE),
    ("POST", "/v1/silences"): (POSITIVE, NEGATIVE),
    ("GET", "/v1/silences/{silence_id}"): (POSITIVE,),
    ("DELETE", "/v1/silences/{silence_id}"): (POSITIVE,),
    ("POST", "/v1/routing/dry-run"): (POSITIVE, NEGATIVE),
    ("GET", "/health"): (POSITIVE,),
    ("GET", "/ready"): (POSITIVE,),
}
RUNS = runs(OPERATIONS)


@dataclass(frozen=True)
class Service:
    client: httpx.AsyncClient
    schema: OpenApiSchema
    document: dict[str, Any]


@pytest.fixture(scope="module")
async def service(
    kafka_bootstrap: str, server_database_url: str, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Service]:
    """One service for the whole file: starting one takes longer than its examples, and what
    one operation stored (silences) is there for the others to find."""
    namespace = f"t{uuid.uuid4().hex[:10]}."
    routing = routing_file(tmp_path_factory.mktemp("routing"))
    async with fresh_database(server_database_url) as database_url:
        # Nothing is delivered (no notification exists), so no relay listens on the port.
        config = settings(kafka_bootstrap, database_url, namespace, routing, free_port())
        app = create_app(config, clock=Clock(local(2017, 5, 16, 10, 0)))
        async with answering(app) as client:
            document: dict[str, Any] = (await client.get("/openapi.json")).json()
            yield Service(client, schemathesis.openapi.from_dict(document), document)


@FUZZ_SETTINGS
@given(data=st.data())
@pytest.mark.parametrize(("method", "path", "mode"), RUNS, ids=[f"{m} {p} {g}" for m, p, g in RUNS])
async def test_no_generated_request_is_a_server_error(
    service: Service, method: str, path: str, mode: GenerationMode, data: st.DataObject
) -> None:
    case = data.draw(
        service.schema[path][method].as_strategy(generation_mode=mode), label="request"
    )

    response = await send(service.client, case)

    case.validate_response(response, checks=[not_a_server_error])


async def test_every_operation_is_fuzzed(service: Service) -> None:
    assert described(service.document) == set(OPERATIONS)
