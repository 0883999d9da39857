"""HTTP API of routing decisions people make or ask about: silences, and the dry run."""

import uuid
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from services.notifications.api.parts import NO_NUL, parts
from services.notifications.domain import LABEL_NAMES, Silence, dry_run
from services.notifications.repository import silences
from shared.access import Principal
from shared.access.http import Staff, require_acts_for
from shared.contracts.cloudevents import Instant
from shared.contracts.errors import InvalidEvent, Problem
from shared.http.paging import PAGED, Cursor, PageSize, instant, page_response, position_of, text
from shared.http.problems import ProblemError

router = APIRouter(prefix="/v1")
SilenceId = Annotated[str, Path(max_length=200, pattern=NO_NUL)]


class SilenceRequest(BaseModel):
    """Every field is required: whoever wonders why nothing arrived must be able to read why.
    Who made it is whoever signed in (or holds the key), recorded as `created_by`."""

    model_config = ConfigDict(extra="forbid")

    matchers: Annotated[
        list[Annotated[str, Field(max_length=500, pattern=NO_NUL)]],
        Field(min_length=1, examples=[['commitment="sno-mote"', 'organisation="polisen"']]),
    ]
    starts_at: Instant
    ends_at: Instant
    comment: Annotated[str, Field(min_length=1, max_length=2000, pattern=NO_NUL)]


class DryRunRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    labels: dict[str, str] = Field(
        examples=[{"organisation": "polisen", "severity": "critical", "kind": "occurrence.missed"}]
    )
    at: Instant | None = Field(
        default=None, description="say also whether mute timings hold at this time"
    )


@router.get(
    "/silences",
    summary="Silences in force or to come (with `expired=true`: all), a page at a time",
    response_model=None,
    responses=PAGED,
)
async def list_silences(
    request: Request,
    principal: Staff,
    expired: bool = False,
    limit: PageSize = 100,
    cursor: Cursor = None,
) -> JSONResponse:
    """Staff see the silences pinned to their organisation. Pages follow the order (start,
    id), the latest to start first: a silence made meanwhile shows later in the same reading
    if it starts before the page's last one, else in a new reading. Without `expired`, one
    that ends meanwhile leaves the list."""
    after = position_of(request, cursor, instant, text)
    async with request.app.state.pool.acquire() as connection:
        page = await silences.listed(
            connection,
            parts(request).clock(),
            expired=expired,
            organisation=principal.scope(),
            limit=limit,
            after=after,
        )
    return page_response(request, page.items, page.last)


@router.post("/silences", status_code=201, summary="Hold back matching notifications for a time")
async def create_silence(
    request: Request, principal: Staff, body: SilenceRequest
) -> dict[str, Any]:
    """Staff may silence only their own organisation's notifications: the matchers must
    include `organisation="<theirs>"`. An admin may silence anything."""
    api = parts(request)
    try:
        silence = Silence.model_validate(
            {"id": str(uuid.uuid4()), "created_by": principal.name, **body.model_dump()}
        )
    except ValidationError as error:
        problems = InvalidEvent.from_validation_error(error, "body").problems
        raise ProblemError(422, "the silence is not valid", problems) from None
    _may_silence(principal, silence)
    now = api.clock()
    async with request.app.state.pool.acquire() as connection:
        await silences.create(connection, silence, now)
        shown = await silences.one(connection, silence.id, now)
    api.wake_planner()
    return shown or {}


@router.get("/silences/{silence_id}", summary="One silence")
async def get_silence(request: Request, principal: Staff, silence_id: SilenceId) -> dict[str, Any]:
    async with request.app.state.pool.acquire() as connection:
        shown = await silences.one(connection, silence_id, parts(request).clock())
    if shown is None:
        raise ProblemError(404, f"no silence {silence_id!r}")
    require_acts_for(principal, shown["organisation"], f"silence {silence_id!r}")
    return shown


@router.delete("/silences/{silence_id}", summary="Expire a silence now; it stays on record")
async def expire_silence(
    request: Request, principal: Staff, silence_id: SilenceId
) -> dict[str, Any]:
    api = parts(request)
    now = api.clock()
    async with request.app.state.pool.acquire() as connection, connection.transaction():
        found = await silences.one(connection, silence_id, now)
        if found is None:
            raise ProblemError(404, f"no silence {silence_id!r}")
        require_acts_for(principal, found["organisation"], f"silence {silence_id!r}")
        shown = await silences.expire(connection, silence_id, principal.name, now)
    api.wake_planner()
    return shown or found


def _may_silence(principal: Principal, silence: Silence) -> None:
    if principal.is_admin or silence.organisation == principal.organisation:
        return
    raise ProblemError(
        403,
        f"staff silence only their own organisation's notifications: the matchers must "
        f'include organisation="{principal.organisation}"',
    )


@router.post(
    "/routing/dry-run",
    summary="Which routes and contact points a notification with these labels would reach",
)
async def routing_dry_run(request: Request, _: Staff, body: DryRunRequest) -> dict[str, Any]:
    unknown = sorted(set(body.labels) - LABEL_NAMES)
    if unknown:
        known = ", ".join(sorted(LABEL_NAMES))
        problems = [
            Problem(f"body.labels.{name}", f"unknown label; known: {known}") for name in unknown
        ]
        raise ProblemError(422, "notifications carry no such labels", problems)
    api = parts(request)
    at: datetime = body.at or api.clock()
    return dry_run(api.config, body.labels, at)
