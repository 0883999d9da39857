"""Silences in PostgreSQL: created with an author and a reason, listed, expired early (by
someone, recorded too).

An expired silence keeps its row (who silenced what, and why, stays on record); from its
`expired_at` on it holds nothing back: `ENDS` is when a silence really ends, for every query.
"""

from datetime import datetime
from typing import Any

from services.notifications.domain import Silence
from services.notifications.repository.pages import Page, page_of
from shared.db import Connection

SilencePosition = tuple[datetime, str]  # starts_at, id
ENDS = "LEAST(ends_at, COALESCE(expired_at, ends_at))"


async def create(connection: Connection, silence: Silence, now: datetime) -> None:
    await connection.execute(
        "INSERT INTO silences (id, matchers, starts_at, ends_at, created_by, comment,"
        " created_at, organisation) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        silence.id,
        [str(matcher) for matcher in silence.matchers],
        silence.starts_at,
        silence.ends_at,
        silence.created_by,
        silence.comment,
        now,
        silence.organisation,
    )


async def expire(
    connection: Connection, silence_id: str, by: str, now: datetime
) -> dict[str, Any] | None:
    """End the silence at `now` (if it has not ended already); None when there is none."""
    await connection.execute(
        "UPDATE silences SET expired_at = $2, expired_by = $3"
        " WHERE id = $1 AND expired_at IS NULL AND ends_at > $2",
        silence_id,
        now,
        by,
    )
    return await one(connection, silence_id, now)


async def one(connection: Connection, silence_id: str, now: datetime) -> dict[str, Any] | None:
    row = await connection.fetchrow(
        f"SELECT *, {ENDS} AS ends FROM silences WHERE id = $1",  # noqa: S608 - a constant
        silence_id,
    )
    return None if row is None else _shown(row, now)


async def listed(
    connection: Connection,
    now: datetime,
    *,
    expired: bool,
    organisation: str | None = None,
    limit: int = 100,
    after: SilencePosition | None = None,
) -> Page:
    """Silences in force or to come (all with `expired`), the latest to start first (by start,
    then id), from after `after`; with `organisation`, only those pinned to it."""
    rows = await connection.fetch(
        f"""
        SELECT *, {ENDS} AS ends FROM silences
         WHERE ($2 OR {ENDS} > $1)
           AND ($3::text IS NULL OR organisation = $3)
           AND ($5::timestamptz IS NULL OR (starts_at, id) < ($5, $6::text))
         ORDER BY starts_at DESC, id DESC
         LIMIT $4
        """,  # noqa: S608 - a constant
        now,
        expired,
        organisation,
        limit + 1,
        *(after or (None, None)),
    )
    return page_of(
        rows, limit, lambda row: _shown(row, now), lambda row: (row["starts_at"], row["id"])
    )


async def in_force(connection: Connection, now: datetime) -> list[Silence]:
    """Silences that hold, or will hold, anything after `now`, as the planner applies them."""
    rows = await connection.fetch(
        f"""
        SELECT id, matchers, starts_at, {ENDS} AS ends, created_by, comment
          FROM silences
         WHERE {ENDS} > GREATEST(starts_at, $1)
         ORDER BY id
        """,  # noqa: S608 - a constant
        now,
    )
    return [
        Silence(
            id=row["id"],
            matchers=row["matchers"],
            starts_at=row["starts_at"],
            ends_at=row["ends"],
            created_by=row["created_by"],
            comment=row["comment"],
        )
        for row in rows
    ]


def _shown(row: Any, now: datetime) -> dict[str, Any]:
    """A silence as the API shows it, ending when it really ends."""
    expired_at, ends_at, starts_at = row["expired_at"], row["ends"], row["starts_at"]
    status = "expired" if ends_at <= now else "active" if starts_at <= now else "pending"
    return {
        "id": row["id"],
        "matchers": list(row["matchers"]),
        "starts_at": starts_at.isoformat(),
        "ends_at": ends_at.isoformat(),
        "created_by": row["created_by"],
        "comment": row["comment"],
        "organisation": row["organisation"],
        "created_at": row["created_at"].isoformat(),
        "expired_at": None if expired_at is None else expired_at.isoformat(),
        "expired_by": row["expired_by"],
        "status": status,
    }
