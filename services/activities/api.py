"""HTTP API of the activities service: ingest (`POST /v1/events`) and the register."""

import json
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse

from services.activities import repository
from services.activities.handlers import Ingest
from shared.contracts.cloudevents import CloudEvent, parse_structured
from shared.contracts.errors import validate_each
from shared.http.problems import ProblemError

SINGLE = "application/cloudevents+json"
BATCH = "application/cloudevents-batch+json"
PLAIN_JSON = "application/json"

_EVENT_SCHEMA = CloudEvent.model_json_schema()
_REQUEST_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            SINGLE: {"schema": _EVENT_SCHEMA},
            BATCH: {"schema": {"type": "array", "items": _EVENT_SCHEMA, "minItems": 1}},
        },
    }
}

router = APIRouter(prefix="/v1")


async def read_limited(request: Request, limit: int) -> bytes:
    """The request body, refusing (413) anything over `limit` bytes before reading it all."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise ProblemError(413, f"the body is larger than {limit} bytes")
    body = bytearray()
    async for chunk in request.stream():
        body.extend(chunk)
        if len(body) > limit:
            raise ProblemError(413, f"the body is larger than {limit} bytes")
    return bytes(body)


def decode_json(body: bytes) -> Any:
    try:
        return json.loads(body)
    except UnicodeDecodeError:
        raise ProblemError(400, "the body is not valid UTF-8") from None
    except json.JSONDecodeError as error:
        raise ProblemError(
            400,
            f"the body is not valid JSON: {error.msg} (line {error.lineno}, column {error.colno})",
        ) from None
    except RecursionError:
        raise ProblemError(400, "the body is nested too deeply") from None


def media_type(request: Request) -> str:
    return request.headers.get("content-type", "").split(";")[0].strip().lower()


@router.post(
    "/events",
    status_code=202,
    summary="Report one event or a batch of events (CloudEvents 1.0, structured mode)",
    openapi_extra=_REQUEST_BODY,
    responses={
        400: {"description": "The body is not JSON"},
        413: {"description": "The body is over the size limit"},
        415: {"description": "Not a CloudEvents media type"},
        422: {"description": "An event breaks the contract; `errors` says where"},
    },
)
async def post_events(request: Request) -> JSONResponse:
    ingest: Ingest = request.app.state.ingest
    kind = media_type(request)
    if kind not in (SINGLE, BATCH, PLAIN_JSON):
        raise ProblemError(415, f"send {SINGLE} for one event or {BATCH} for a batch")
    document = decode_json(await read_limited(request, request.app.state.max_body_bytes))
    if kind == BATCH:
        if not isinstance(document, list) or not document:
            raise ProblemError(422, "a batch is a non-empty JSON array of events")
        ids = await ingest.submit_batch(validate_each(document, parse_structured))
    else:
        ids = await ingest.submit_one(parse_structured(document))
    return JSONResponse({"accepted": ids}, status_code=202)


@router.get("/activities", summary="Events in the activity register, oldest first")
async def list_activities(
    request: Request,
    commitment: str | None = None,
    organisation: str | None = None,
    type: str | None = None,
    occurred_from: Annotated[datetime | None, Query(alias="from")] = None,
    occurred_to: Annotated[datetime | None, Query(alias="to")] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> list[dict[str, Any]]:
    query = repository.ActivityQuery(
        commitment=commitment,
        organisation=organisation,
        type=type,
        occurred_from=occurred_from,
        occurred_to=occurred_to,
        limit=limit,
    )
    async with request.app.state.pool.acquire() as connection:
        return await repository.find(connection, query)
