"""The pages a message's acknowledge link opens: one that asks, and the button's answer."""

from datetime import datetime
from typing import Annotated
from urllib.parse import parse_qs

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from services.notifications.api.parts import ApiParts, parts
from services.notifications.domain.ack_links import AckTarget, InvalidToken
from services.notifications.repository import notifications
from shared.http.problems import ProblemError
from shared.privacy.personnummer import contains_personnummer

router = APIRouter(prefix="/v1")
MAX_BY = 100
MAX_COMMENT = 500


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
    """The page's form may say who answers (a name or a role) and why; both are optional,
    and neither may hold a personal identity number."""
    api = parts(request)
    now = api.clock()
    target = _link_target(api, token, now)
    by, comment = await _answer(request)
    async with request.app.state.pool.acquire() as connection, connection.transaction():
        keys = (
            [target.ref]
            if target.kind == "notification"
            else await notifications.delivered_keys(connection, target.ref)
        )
        for key in keys:
            await notifications.acknowledge(connection, key, by, "link", now, comment)
    api.wake_planner()
    return HTMLResponse(_THANKS)


async def _answer(request: Request) -> tuple[str, str | None]:
    """(who, why) from the page's form: who defaults to the link itself."""
    form = parse_qs((await request.body()).decode("utf-8", errors="replace"))
    by = form.get("by", [""])[0].strip()[:MAX_BY]
    comment = form.get("comment", [""])[0].strip()[:MAX_COMMENT]
    if contains_personnummer(by) or contains_personnummer(comment):
        raise ProblemError(422, "leave personal identity numbers out: a name or a role is enough")
    return by or "acknowledge link", comment or None


def _link_target(api: ApiParts, token: str, now: datetime) -> AckTarget:
    try:
        return api.links.verify(token, now)
    except InvalidToken as error:
        raise ProblemError(400, f"this acknowledge link cannot be used: {error}") from None


# The form posts to the page's own address, the signed link, so the token is never copied
# into the page.
_CONFIRM = """<!DOCTYPE html>
<html lang="sv"><head><meta charset="utf-8"><title>Kvittera</title>
<meta name="robots" content="noindex"></head>
<body style="font-family:Arial,Helvetica,sans-serif;max-width:40em;margin:3em auto;">
<h1>Kvittera notisen?</h1>
<p>En kvitterad notis skickas inte igen och eskaleras inte. / An acknowledged notification is
not repeated and not escalated.</p>
<form method="post">
<p><label for="by">Vem kvitterar? Namn eller roll, valfritt / Who acknowledges? A name or a role,
optional</label><br><input id="by" name="by" maxlength="100" autocomplete="name"
style="font-size:1em;width:100%;"></p>
<p><label for="comment">Kommentar, valfri: varför, eller vad som görs / Comment, optional: why,
or what is being done</label><br><textarea id="comment" name="comment" maxlength="500" rows="3"
style="font-size:1em;width:100%;"></textarea></p>
<p>Inga personnummer. / No personal identity numbers.</p>
<button type="submit" style="font-size:1.2em;padding:.5em 1.5em;">Kvittera / Acknowledge</button>
</form>
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
