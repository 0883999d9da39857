"""The contract documents, served where partners send their events.

`/asyncapi.json` (the Kafka side), `/asyncapi` (the same as a page), `/schemas/{name}.json`
(the envelope as `cloudevent`, each event type's data by its type). They describe the
contract, never any data, so they are open to anyone, like `/openapi.json`. What is served
is what `make contracts` commits under `docs/contracts/`.
"""

import json
from functools import cache
from typing import Any

from fastapi import APIRouter, FastAPI
from fastapi.responses import HTMLResponse, Response

from shared.contract_documents.asyncapi_page import render_page
from shared.contract_documents.documents import contract_files
from shared.contracts.schemas import OPENAPI_REF, component_schemas, event_schemas
from shared.http.problems import ProblemError

router = APIRouter(tags=["contracts"])
JSON = "application/json"
SCHEMA_JSON = "application/schema+json"


@cache
def _page() -> str:
    document: dict[str, Any] = json.loads(contract_files()["asyncapi.json"])
    return render_page(document)


@router.get(
    "/asyncapi.json",
    summary="The AsyncAPI 3 document of every topic Löfte consumes and produces",
    response_class=Response,
    responses={200: {"content": {JSON: {}}}},
)
async def asyncapi_json() -> Response:
    return Response(contract_files()["asyncapi.json"], media_type=JSON)


@router.get(
    "/asyncapi",
    summary="The AsyncAPI document as a page to read",
    response_class=HTMLResponse,
)
async def asyncapi_page() -> HTMLResponse:
    return HTMLResponse(_page())


@router.get(
    "/schemas/{name}.json",
    summary="JSON Schema of an event type's data (by type), or of the envelope (cloudevent)",
    response_class=Response,
    responses={200: {"content": {SCHEMA_JSON: {}}}, 404: {"description": "No such schema"}},
)
async def schema(name: str) -> Response:
    text = contract_files().get(f"schemas/{name}.json")
    if text is None:
        known = sorted(
            path.removeprefix("schemas/").removesuffix(".json")
            for path in contract_files()
            if path.startswith("schemas/")
        )
        raise ProblemError(404, f"no schema {name!r}; known: {', '.join(known)}")
    return Response(text, media_type=SCHEMA_JSON)


def with_contract_schemas(app: FastAPI) -> FastAPI:
    """The OpenAPI document with the envelope and every event type's data among its schemas,
    which the request body of `POST /v1/events` refers to by name."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            document = generate()
            schemas = document.setdefault("components", {}).setdefault("schemas", {})
            schemas.update(component_schemas(OPENAPI_REF))
            schemas.update(event_schemas(OPENAPI_REF))
        return app.openapi_schema or {}

    app.openapi = openapi  # type: ignore[method-assign]
    return app
