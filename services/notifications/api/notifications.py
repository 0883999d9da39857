"""HTTP API of the notifications service: notifications, answers, the delivery log.

Keys hold slashes (`<event id>/<organisation>`, `digest/lund-2017/polisen/2017-W12`), so they are
written into paths as they are.
"""

from typing import Any, Literal

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from services.notifications.api.parts import Filter, Key, own_organisation, parts
from services.notifications.repository import notifications, queries, received_events
from services.notifications.repository.notifications import State
from shared.access.http import Staff, require_acts_for
from shared.http.paging import (
    PAGED,
    Cursor,
    PageSize,
    a_uuid,
    instant,
    page_response,
    position_of,
    text,
)
from shared.http.problems import ProblemError
from shared.privacy.personnummer import contains_personnummer

router = APIRouter(prefix="/v1")


class Answer(BaseModel):
    """What the answerer says with an acknowledgement; the body may be left out. Who answers
    is never taken from the body but from the credentials; other fields are ignored, as they
    always were."""

    model_config = ConfigDict(extra="ignore")

    comment: str | None = Field(
        None,
        min_length=1,
        max_length=500,
        description="why, or what is done about it, in a few words (no personal details)",
        examples=["Mötet hölls, rapporten kommer i morgon"],
    )


@router.get(
    "/kpi-events",
    summary="KPI events received from the metrics service, the latest first, a page at a time",
    response_model=None,
    responses=PAGED,
)
async def list_kpi_events(
    request: Request, principal: Staff, limit: PageSize = 100, cursor: Cursor = None
) -> JSONResponse:
    """Staff see the events about their own organisation. Pages follow the order (received,
    occurred, source, id), newest first: an event received meanwhile shows in a new reading."""
    after = position_of(request, cursor, instant, instant, text, text)
    async with request.app.state.pool.acquire() as connection:
        page = await received_events.latest_received(connection, limit, principal.scope(), after)
    return page_response(request, page.items, page.last)


@router.get(
    "/notifications",
    summary="Notifications, newest first, a page at a time",
    response_model=None,
    responses=PAGED,
)
async def list_notifications(
    request: Request,
    principal: Staff,
    organisation: Filter = None,
    commitment: Filter = None,
    state: State | None = None,
    kind: Filter = None,
    limit: PageSize = 100,
    cursor: Cursor = None,
) -> JSONResponse:
    """Staff see their own organisation's. Pages follow the order (created, key), newest
    first: a notification created meanwhile shows in a new reading. `state` is as of each
    page: one answered meanwhile may leave a list of `state=sent`."""
    after = position_of(request, cursor, instant, text)
    async with request.app.state.pool.acquire() as connection:
        page = await queries.notifications(
            connection,
            organisation=own_organisation(principal, organisation),
            commitment=commitment,
            state=state,
            kind=kind,
            limit=limit,
            after=after,
        )
    return page_response(request, page.items, page.last)


@router.get("/notifications/{key:path}", summary="One notification and its deliveries")
async def get_notification(request: Request, principal: Staff, key: Key) -> dict[str, Any]:
    async with request.app.state.pool.acquire() as connection:
        found = await queries.notification(connection, key)
    if found is None:
        raise ProblemError(404, f"no notification {key!r}")
    require_acts_for(principal, found["organisation"], f"notification {key!r}")
    return found


@router.post(
    "/notifications/{key:path}/ack",
    summary="Acknowledge a notification: it is neither repeated nor escalated any more",
)
async def acknowledge(
    request: Request, principal: Staff, key: Key, answer: Answer | None = None
) -> dict[str, Any]:
    """Who answers is whoever signed in (or holds the key): it is recorded and shown, with
    the answer's comment when one is given (the first answer counts)."""
    api = parts(request)
    comment = answer.comment if answer else None
    if comment is not None and contains_personnummer(comment):
        raise ProblemError(422, "the comment carries a personal identity number; leave it out")
    async with request.app.state.pool.acquire() as connection:
        async with connection.transaction():
            owner = await notifications.owner(connection, key)
            if owner is None:
                raise ProblemError(404, f"no notification {key!r}")
            require_acts_for(principal, owner, f"notification {key!r}")
            await notifications.acknowledge(
                connection, key, principal.name, "api", api.clock(), comment
            )
        found = await queries.notification(connection, key)
    api.wake_planner()
    return found or {}


@router.get(
    "/deliveries",
    summary="The delivery log, newest first, a page at a time",
    response_model=None,
    responses=PAGED,
)
async def list_deliveries(
    request: Request,
    principal: Staff,
    status: Literal["queued", "sending", "retrying", "delivered", "failed"] | None = None,
    organisation: Filter = None,
    notification: Filter = None,
    limit: PageSize = 100,
    cursor: Cursor = None,
) -> JSONResponse:
    """Staff see their own organisation's. Pages follow the order (planned, id), newest
    first: a delivery planned meanwhile shows in a new reading. `status` is as of each page."""
    after = position_of(request, cursor, instant, a_uuid)
    async with request.app.state.pool.acquire() as connection:
        page = await queries.deliveries(
            connection,
            notification_key=notification,
            status=status,
            organisation=own_organisation(principal, organisation),
            limit=limit,
            after=after,
        )
    return page_response(request, page.items, page.last)
