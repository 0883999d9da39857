"""The delivery log: what is to be sent, to whom, and how each attempt ended.

Its rows are `LoggedDelivery`s, split from a planned delivery by `domain.messages`.

Row states: `queued` → `sending` (committed before the attempt) → `delivered`, or
`retrying` (a temporary failure, due again at `next_attempt_at`) or `failed`. A row found
`sending` by a sender taking over was cut off mid-attempt; it is sent again, under the same
id, which is what a receiver deduplicates by.
"""

import json
import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any, Literal

from services.notifications.domain.messages import LoggedDelivery
from services.notifications.repository.state_json import (
    load_notification_document,
    notification_document,
)
from shared.db import Connection

# Told when new deliveries commit, so that the one active sender, in whichever instance, wakes.
NEW_DELIVERIES = "notifications_new_deliveries"


async def insert(connection: Connection, rows: Sequence[LoggedDelivery]) -> None:
    """Log the deliveries in the caller's transaction; the sender hears of them at commit."""
    if rows:
        await connection.execute("SELECT pg_notify($1, '')", NEW_DELIVERIES)
    await connection.executemany(
        """
        INSERT INTO deliveries (id, planned_at, group_key, route_id, receiver, reason,
                                organisation, channel, recipients, notification_keys, new_keys,
                                notifications, next_attempt_at)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12::jsonb, $2)
        """,
        [
            (
                row.id,
                row.planned_at,
                row.group_key,
                row.route_id,
                row.receiver,
                row.reason,
                row.organisation,
                row.channel,
                list(row.recipients),
                row.keys,
                sorted(row.new_keys),
                json.dumps(
                    [notification_document(n) for n in row.notifications], ensure_ascii=False
                ),
            )
            for row in rows
        ],
    )


_COLUMNS = (
    "id, planned_at, group_key, route_id, receiver, reason, organisation, channel, recipients,"
    " new_keys, notifications, attempts, first_attempt_at"
)


def _logged(row: Any) -> LoggedDelivery:
    return LoggedDelivery(
        id=row["id"],
        planned_at=row["planned_at"],
        group_key=row["group_key"],
        route_id=row["route_id"],
        receiver=row["receiver"],
        reason=row["reason"],
        organisation=row["organisation"],
        channel=row["channel"],
        recipients=tuple(row["recipients"]),
        notifications=tuple(
            load_notification_document(entry) for entry in json.loads(row["notifications"])
        ),
        new_keys=frozenset(row["new_keys"]),
        attempts=row["attempts"],
        first_attempt_at=row["first_attempt_at"],
    )


async def resume_cut_off(connection: Connection, now: datetime) -> list[uuid.UUID]:
    """Rows left `sending` by a sender that stopped mid-attempt: due again at once."""
    rows = await connection.fetch(
        "UPDATE deliveries SET status = 'retrying', next_attempt_at = $1"
        " WHERE status = 'sending' RETURNING id",
        now,
    )
    return [row["id"] for row in rows]


async def claim_due(
    connection: Connection, now: datetime, limit: int, busy: Sequence[uuid.UUID]
) -> list[LoggedDelivery]:
    """Mark up to `limit` due rows `sending` (the caller commits before it sends)."""
    if limit <= 0:
        return []
    rows = await connection.fetch(
        f"""
        UPDATE deliveries SET status = 'sending', attempts = attempts + 1,
                              last_attempt_at = $1,
                              first_attempt_at = COALESCE(first_attempt_at, $1)
         WHERE id IN (SELECT id FROM deliveries
                       WHERE status IN ('queued', 'retrying') AND next_attempt_at <= $1
                         AND NOT (id = ANY($3::uuid[]))
                       ORDER BY next_attempt_at, planned_at
                       LIMIT $2 FOR UPDATE SKIP LOCKED)
        RETURNING {_COLUMNS}
        """,  # noqa: S608 - the columns are this module's constant
        now,
        limit,
        list(busy),
    )
    return [_logged(row) for row in rows]


async def next_due(connection: Connection) -> datetime | None:
    """When the earliest row waiting for an attempt is due."""
    due: datetime | None = await connection.fetchval(
        "SELECT min(next_attempt_at) FROM deliveries WHERE status IN ('queued', 'retrying')"
    )
    return due


async def finish(
    connection: Connection,
    delivery_id: uuid.UUID,
    status: Literal["delivered", "failed"],
    now: datetime,
    code: int | None,
    detail: str,
) -> None:
    await connection.execute(
        "UPDATE deliveries SET status = $2, finished_at = $3, code = $4, detail = $5 WHERE id = $1",
        delivery_id,
        status,
        now,
        code,
        detail[:2000],
    )


async def retry_at(
    connection: Connection, delivery_id: uuid.UUID, when: datetime, code: int | None, detail: str
) -> None:
    await connection.execute(
        "UPDATE deliveries SET status = 'retrying', next_attempt_at = $2, code = $3, detail = $4"
        " WHERE id = $1",
        delivery_id,
        when,
        code,
        detail[:2000],
    )
