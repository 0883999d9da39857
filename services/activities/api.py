"""HTTP API of the activities service: ingest, the register and the loaded promises."""

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse

from services.activities import repository
from services.activities.bodies import BATCH, decode_json, media_type, read_limited, refusing
from services.activities.domain import Forbidden
from services.activities.handlers import Ingest
from shared.access import Principal
from shared.access.http import Caller, caller
from shared.contracts.cloudevents import WithinCalendar, nul_free, parse_batch, parse_structured
from shared.contracts.errors import InvalidEvent
from shared.contracts.schemas import OPENAPI_REF, PARTNER_TYPES, event_component
from shared.http.paging import (
    PAGED,
    Cursor,
    PageSize,
    decode_cursor,
    filters_of,
    instant,
    page_response,
    position_of,
    text,
)
from shared.http.problems import ProblemError, as_problem
from shared.privacy.personnummer import text_is_clean

SINGLE = "application/cloudevents+json"
PLAIN_JSON = "application/json"

# One event of any type, each type's data named by its schema (the components are added to
# the document by `contracts_api.with_contract_schemas`).
_EVENT_SCHEMA: dict[str, Any] = {
    "oneOf": [{"$ref": OPENAPI_REF.format(model=event_component(t))} for t in PARTNER_TYPES],
    "discriminator": {
        "propertyName": "type",
        "mapping": {t: OPENAPI_REF.format(model=event_component(t)) for t in PARTNER_TYPES},
    },
}
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


async def reporting_organisation(principal: Annotated[Principal, Depends(caller)]) -> str:
    """Events come from systems with an API key of an organisation (the partner ingest keeps
    its key authentication); the organisation is the reporter."""
    if principal.via != "key" or principal.organisation is None:
        raise ProblemError(403, "events are reported with an API key of an organisation")
    return principal.organisation


Organisation = Annotated[str, Depends(reporting_organisation)]
# What PostgreSQL can compare with: text without U+0000, instants it can convert.
TextFilter = Annotated[str | None, Query(pattern=r"^[^\x00]*$")]
TimeFilter = Annotated[datetime, WithinCalendar]


@router.post(
    "/events",
    status_code=202,
    summary="Report one event or a batch of events (CloudEvents 1.0, structured mode)",
    openapi_extra=_REQUEST_BODY,
    responses={
        400: {"description": "The body is not JSON"},
        401: {"description": "No API key, or an unknown or revoked one"},
        403: {"description": "The organisation may not report this, or no organisation's key"},
        413: {"description": "The body is over 1 MiB, or a batch holds over 1,000 events"},
        415: {"description": "Not a CloudEvents media type"},
        422: {"description": "An event breaks the contract; `errors` says where"},
        503: {
            "description": "The database cannot be reached now: send the same again after "
            "`Retry-After` seconds (what was stored already is answered as a duplicate)"
        },
    },
)
async def post_events(request: Request, organisation: Organisation) -> JSONResponse:
    ingest: Ingest = request.app.state.ingest
    kind = media_type(request)
    if kind not in (SINGLE, BATCH, PLAIN_JSON):
        raise ProblemError(415, f"send {SINGLE} for one event or {BATCH} for a batch")
    body = await read_limited(request, request.app.state.max_body_bytes)
    document = decode_json(body)
    # One look over the whole text; each field is looked at only when it shows something.
    screened = text_is_clean(body)
    without_nul = nul_free(body)
    try:
        if kind == BATCH:
            if not isinstance(document, list) or not document:
                raise ProblemError(422, "a batch is a non-empty JSON array of events")
            most = request.app.state.max_batch_events
            if len(document) > most:
                raise ProblemError(
                    413,
                    f"a batch holds at most {most} events; this one has {len(document)}:"
                    " send it in parts",
                )
            events = parse_batch(document, from_nul_free_text=without_nul)
            ids = await ingest.submit_batch(events, organisation, screened=screened)
        else:
            ids = await ingest.submit_one(
                parse_structured(document, from_nul_free_text=without_nul),
                organisation,
                screened=screened,
            )
    except Forbidden as error:
        forbidden = ProblemError(403, str(error))
        raise await refusing(request, document, kind, organisation, forbidden) from None
    except (InvalidEvent, ProblemError) as error:
        raise await refusing(request, document, kind, organisation, as_problem(error)) from None
    return JSONResponse({"accepted": ids}, status_code=202)


@router.get(
    "/activities",
    summary="Events in the activity register, oldest first, a page at a time",
    response_model=None,
    responses=PAGED,
)
async def list_activities(
    request: Request,
    principal: Caller,
    promise: TextFilter = None,
    commitment: TextFilter = None,
    organisation: TextFilter = None,
    type: TextFilter = None,
    occurred_from: Annotated[TimeFilter | None, Query(alias="from")] = None,
    occurred_to: Annotated[TimeFilter | None, Query(alias="to")] = None,
    limit: PageSize = 100,
    cursor: Cursor = None,
) -> JSONResponse:
    """Only the promises the caller's organisation is a party to are visible (to an
    admin: all). Pages follow the order (time, source, id): an event registered meanwhile
    shows on a later page if it falls after the cursor, and in a new reading otherwise."""
    ingest: Ingest = request.app.state.ingest
    visible = tuple(
        p.id
        for p in ingest.catalogue.promises
        if principal.is_admin or principal.organisation in p.organisation_ids
    )
    query = repository.ActivityQuery(
        visible_promises=visible,
        promise=promise,
        commitment=commitment,
        organisation=organisation,
        type=type,
        occurred_from=occurred_from,
        occurred_to=occurred_to,
        limit=limit,
        after=position_of(request, cursor, instant, text, text),
    )
    async with request.app.state.pool.acquire() as connection:
        page = await repository.find(connection, query)
    return page_response(request, page.events, page.last)


@router.get(
    "/promises",
    summary="The promises loaded, in short, a page at a time",
    response_model=None,
    responses=PAGED,
)
async def list_promises(
    request: Request,
    _: Caller,
    limit: PageSize = 100,
    cursor: Cursor = None,
) -> JSONResponse:
    ingest: Ingest = request.app.state.ingest
    # In the order they were loaded (the shipped ones first), which a running service keeps.
    promises = list(ingest.catalogue.promises)
    if cursor is not None:
        (after,) = decode_cursor(cursor, filters_of(request), 1, request.url.path)
        ids = [p.id for p in promises]
        if after not in ids:
            raise ProblemError(400, f"the cursor's promise {after!r} is no longer loaded")
        promises = promises[ids.index(after) + 1 :]
    shown = promises[:limit]
    items = [
        {
            "id": p.id,
            "title": p.title,
            "area": p.area,
            "valid_from": p.valid_from.isoformat(),
            "valid_to": p.valid_to.isoformat() if p.valid_to else None,
            "commitments": [c.id for c in p.commitments],
        }
        for p in shown
    ]
    return page_response(request, items, [shown[-1].id] if len(promises) > limit else None)


@router.get("/promises/{promise_id}", summary="One promise with its commitments and outcomes")
async def get_promise(request: Request, _: Caller, promise_id: str) -> dict[str, Any]:
    ingest: Ingest = request.app.state.ingest
    promise = ingest.catalogue.get(promise_id)
    if promise is None:
        raise ProblemError(404, f"no promise {promise_id!r} is loaded")
    return promise.model_dump(mode="json")
