"""`GET /v1/events/{source}/{id}`: the receipt of one event (see `receipts`)."""

from typing import Annotated

from fastapi import APIRouter, Path, Request

from services.activities import receipts
from services.activities.handlers import Ingest
from services.activities.metrics_lookup import MetricsLookup
from shared.access import Principal
from shared.access.http import Caller
from shared.contracts.receipts import Receipt
from shared.http.event_address import event_address
from shared.http.problems import ProblemError

PREFIX = "/v1/events"
router = APIRouter()
Part = Annotated[str, Path(description="percent-encoded, a / as %2F")]


async def _receipt(request: Request, principal: Principal) -> Receipt:
    source, event_id = event_address(request, PREFIX)
    async with request.app.state.pool.acquire() as connection:
        found = await receipts.find(connection, source, event_id)
    if found is None:
        raise ProblemError(
            404,
            f"no event {event_id!r} of source {source!r} was ever received: "
            "none was registered and none refused under this source and id",
        )
    ingest: Ingest = request.app.state.ingest
    if not receipts.may_read(principal, found, ingest.catalogue):
        raise ProblemError(
            403,
            "a receipt is for the organisation that sent the event and the staff of its promise",
        )
    lookup: MetricsLookup = request.app.state.metrics_lookup
    return await receipts.compose(found, request.app.state.domain_topic, lookup.applied)


@router.get(
    PREFIX + "/{source}/{event_id}",
    summary="What became of one event: registered, published, applied (counted towards "
    "which KPIs), retracted, or refused and why",
    responses={
        403: {"description": "Another organisation's event"},
        404: {"description": "Never received under this source and id (or not source/id)"},
    },
)
async def event_receipt(
    request: Request, principal: Caller, source: Part, event_id: Part
) -> Receipt:
    """`source` and `event_id` each percent-encoded as one path segment (a / as %2F):
    `/v1/events/urn%3Alofte%3Apartner%3Apolisen/walk-2017-04-12`. When the metrics service
    cannot be asked, `unknown` says so and the rest is answered."""
    return await _receipt(request, principal)


@router.get(PREFIX + "/{address:path}", include_in_schema=False)
async def event_receipt_any(request: Request, principal: Caller, address: str) -> Receipt:
    # Reached when a decoded part holds a /: the address is read from the path as sent.
    return await _receipt(request, principal)
