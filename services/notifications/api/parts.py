"""What every route of the notifications API shares: the parts the composition root sets,
whose organisation a listing is limited to, and the shapes of path and query values."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated

from fastapi import Path, Query, Request

from services.notifications.domain import RoutingConfig
from services.notifications.domain.ack_links import AckLinks
from shared.access import Principal
from shared.access.http import require_acts_for

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
    wake_planner: Callable[[], None]


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
