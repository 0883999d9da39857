"""HTTP API of the notifications service: notifications, answers, the delivery log.

Keys hold slashes (`<event id>/<organisation>`, `digest/lund-2017/polisen/2017-W12`), so they are
written into paths as they are.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import HTMLResponse

from services.notifications import queries, repository
from services.notifications.ack_links import AckLinks, AckTarget, InvalidToken
from services.notifications.domain import RoutingConfig
from services.notifications.repository import State
from shared.access import Principal
from shared.access.http import Staff, require_acts_for
from shared.http.problems import ProblemError

router = APIRouter(prefix="/v1")
Limit = Annotated[int, Query(ge=1, le=1000)]
# PostgreSQL text cannot hold NUL; refused as input rather than failing in the database.
NO_NUL = r"^[^\x00]*$"
Filter = Annotated[str | None, Query(max_length=200, pattern=NO_NUL)]
Key = Annotated[str, Path(max_length=500, pattern=NO_NUL)]


@dataclass(frozen=True, slots=True)
class ApiParts:
    """What the routes need besides the pool, set by the composition root."""

    config: RoutingConfig
    clock: Callable[[], datetime]
    links: AckLinks
    wake_dispatcher: Callable[[], None]


def parts(request: Request) -> ApiParts:
    found: ApiParts = request.app.state.notifications
    return found


def own_organisation(principal: Principal, asked: str | None) -> str | None:
    """The organisation a listing is limited to: the one asked for, which staff may only ask
    for if it is their own; for staff who ask for none, their own (an admin: all)."""
    if asked is not None:
        require_acts_for(principal, asked, "what is listed")
        return asked
    return principal.scope()


@router.get("/kpi-events", summary="The latest KPI events received from the metrics service")
async def list_kpi_events(
    request: Request, principal: Staff, limit: Limit = 100
) -> list[dict[str, Any]]:
    """Staff see the events about their own organisation."""
    async with request.app.state.pool.acquire() as connection:
        return await repository.latest_received(connection, limit, principal.scope())


@router.get("/notifications", summary="Notifications, newest first")
async def list_notifications(
    request: Request,
    principal: Staff,
    organisation: Filter = None,
    commitment: Filter = None,
    state: State | None = None,
    kind: Filter = None,
    limit: Limit = 100,
) -> list[dict[str, Any]]:
    async with request.app.state.pool.acquire() as connection:
        return await queries.notifications(
            connection,
            organisation=own_organisation(principal, organisation),
            commitment=commitment,
            state=state,
            kind=kind,
            limit=limit,
        )


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
async def acknowledge(request: Request, principal: Staff, key: Key) -> dict[str, Any]:
    """Who answers is whoever signed in (or holds the key): it is recorded and shown."""
    api = parts(request)
    async with request.app.state.pool.acquire() as connection:
        async with connection.transaction():
            owner = await repository.owner(connection, key)
            if owner is None:
                raise ProblemError(404, f"no notification {key!r}")
            require_acts_for(principal, owner, f"notification {key!r}")
            await repository.acknowledge(connection, key, principal.name, "api", api.clock())
        found = await queries.notification(connection, key)
    api.wake_dispatcher()
    return found or {}


@router.get(
    "/ack",
    summary="The page a message's acknowledge link opens: it asks, it does not acknowledge",
    response_class=HTMLResponse,
    responses={400: {"description": "the link is not valid, or has expired"}},
)
async def confirm_by_link(
    request: Request, token: Annotated[str, Query(max_length=8000)]
) -> HTMLResponse:
    """Mail filters and link previews open every link in a message; were opening the link
    enough, they would silence the repeats and the escalation nobody chose to stop. The page
    asks the reader to press a button, which POSTs the same link."""
    api = parts(request)
    _link_target(api, token, api.clock())
    return HTMLResponse(_CONFIRM)


@router.post(
    "/ack",
    summary="Acknowledge by the signed link in a message (the button of its page)",
    response_class=HTMLResponse,
    responses={400: {"description": "the link is not valid, or has expired"}},
)
async def acknowledge_by_link(
    request: Request, token: Annotated[str, Query(max_length=8000)]
) -> HTMLResponse:
    api = parts(request)
    now = api.clock()
    target = _link_target(api, token, now)
    async with request.app.state.pool.acquire() as connection, connection.transaction():
        keys = (
            [target.ref]
            if target.kind == "notification"
            else await repository.delivered_keys(connection, target.ref)
        )
        for key in keys:
            await repository.acknowledge(connection, key, "acknowledge link", "link", now)
    api.wake_dispatcher()
    return HTMLResponse(_THANKS)


def _link_target(api: ApiParts, token: str, now: datetime) -> AckTarget:
    try:
        return api.links.verify(token, now)
    except InvalidToken as error:
        raise ProblemError(400, f"this acknowledge link cannot be used: {error}") from None


@router.get("/deliveries", summary="The delivery log, newest first")
async def list_deliveries(
    request: Request,
    principal: Staff,
    status: Literal["queued", "sending", "retrying", "delivered", "failed"] | None = None,
    organisation: Filter = None,
    notification: Filter = None,
    limit: Limit = 100,
) -> list[dict[str, Any]]:
    async with request.app.state.pool.acquire() as connection:
        return await queries.deliveries(
            connection,
            notification_key=notification,
            status=status,
            organisation=own_organisation(principal, organisation),
            limit=limit,
        )


# The form posts to the page's own address, the signed link, so the token is never copied
# into the page.
_CONFIRM = """<!DOCTYPE html>
<html lang="sv"><head><meta charset="utf-8"><title>Kvittera</title>
<meta name="robots" content="noindex"></head>
<body style="font-family:Arial,Helvetica,sans-serif;max-width:40em;margin:3em auto;">
<h1>Kvittera notisen?</h1>
<p>En kvitterad notis skickas inte igen och eskaleras inte. / An acknowledged notification is
not repeated and not escalated.</p>
<form method="post"><button type="submit" style="font-size:1.2em;padding:.5em 1.5em;">
Kvittera / Acknowledge</button></form>
</body></html>
"""

_THANKS = """<!DOCTYPE html>
<html lang="sv"><head><meta charset="utf-8"><title>Kvitterat</title></head>
<body style="font-family:Arial,Helvetica,sans-serif;max-width:40em;margin:3em auto;">
<h1>Tack, kvitterat</h1>
<p>Notisen är kvitterad och skickas inte igen. / The notification is acknowledged and will
not be repeated.</p>
</body></html>
"""
