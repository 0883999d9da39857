"""HTTP API of routing decisions people make or ask about: silences, and the dry run."""

import uuid
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from services.notifications import silences
from services.notifications.api import NO_NUL, parts
from services.notifications.domain import LABEL_NAMES, Silence, dry_run
from shared.contracts.cloudevents import Instant
from shared.contracts.errors import InvalidEvent, Problem
from shared.http.problems import ProblemError

router = APIRouter(prefix="/v1")
SilenceId = Annotated[str, Path(max_length=200, pattern=NO_NUL)]


class SilenceRequest(BaseModel):
    """Every field is required: whoever wonders why nothing arrived must be able to ask whom,
    and read why."""

    model_config = ConfigDict(extra="forbid")

    matchers: Annotated[
        list[Annotated[str, Field(max_length=500, pattern=NO_NUL)]],
        Field(min_length=1, examples=[['commitment="sno-mote"', 'organisation="polisen"']]),
    ]
    starts_at: Instant
    ends_at: Instant
    created_by: Annotated[str, Field(min_length=1, max_length=200, pattern=NO_NUL)]
    comment: Annotated[str, Field(min_length=1, max_length=2000, pattern=NO_NUL)]


class DryRunRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    labels: dict[str, str] = Field(
        examples=[{"organisation": "polisen", "severity": "critical", "kind": "occurrence.missed"}]
    )
    at: Instant | None = Field(
        default=None, description="say also whether mute timings hold at this time"
    )


@router.get("/silences", summary="Silences in force or to come (with `expired=true`: all)")
async def list_silences(request: Request, expired: bool = False) -> list[dict[str, Any]]:
    async with request.app.state.pool.acquire() as connection:
        return await silences.listed(connection, parts(request).clock(), expired=expired)


@router.post("/silences", status_code=201, summary="Hold back matching notifications for a time")
async def create_silence(request: Request, body: SilenceRequest) -> dict[str, Any]:
    api = parts(request)
    try:
        silence = Silence.model_validate({"id": str(uuid.uuid4()), **body.model_dump()})
    except ValidationError as error:
        problems = InvalidEvent.from_validation_error(error, "body").problems
        raise ProblemError(422, "the silence is not valid", problems) from None
    now = api.clock()
    async with request.app.state.pool.acquire() as connection:
        await silences.create(connection, silence, now)
        shown = await silences.one(connection, silence.id, now)
    api.wake_dispatcher()
    return shown or {}


@router.get("/silences/{silence_id}", summary="One silence")
async def get_silence(request: Request, silence_id: SilenceId) -> dict[str, Any]:
    async with request.app.state.pool.acquire() as connection:
        shown = await silences.one(connection, silence_id, parts(request).clock())
    if shown is None:
        raise ProblemError(404, f"no silence {silence_id!r}")
    return shown


@router.delete("/silences/{silence_id}", summary="Expire a silence now; it stays on record")
async def expire_silence(request: Request, silence_id: SilenceId) -> dict[str, Any]:
    api = parts(request)
    async with request.app.state.pool.acquire() as connection:
        shown = await silences.expire(connection, silence_id, api.clock())
    if shown is None:
        raise ProblemError(404, f"no silence {silence_id!r}")
    api.wake_dispatcher()
    return shown


@router.post(
    "/routing/dry-run",
    summary="Which routes and contact points a notification with these labels would reach",
)
async def routing_dry_run(request: Request, body: DryRunRequest) -> dict[str, Any]:
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
