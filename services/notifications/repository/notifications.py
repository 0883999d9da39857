"""Notifications in PostgreSQL: each recorded once by its key, and what became of it (its
state, and the answer that acknowledged it)."""

import json
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Literal

from services.notifications.domain import Notification
from services.notifications.domain.digest_remarks import Answered
from shared.db import Connection

State = Literal["pending", "sent", "acknowledged", "suppressed", "failed"]
STATES: tuple[State, ...] = ("pending", "sent", "acknowledged", "suppressed", "failed")


async def insert_notifications(
    connection: Connection, notifications: Sequence[Notification], now: datetime
) -> list[Notification]:
    """Record the notifications whose keys are new; return those, in the order given."""
    if not notifications:
        return []
    rows = await connection.fetch(
        """
        INSERT INTO notifications (key, kind, organisation, promise, commitment, indicator,
                                   severity, labels, facts, source_event_id, occurred_at,
                                   created_at, updated_at)
        SELECT k, kind, org, promise, commitment, indicator, severity, labels, facts, source,
               occurred, $12, $12
          FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[],
                      $7::text[], $8::jsonb[], $9::jsonb[], $10::text[], $11::timestamptz[])
               AS n (k, kind, org, promise, commitment, indicator, severity, labels, facts,
                     source, occurred)
        ON CONFLICT (key) DO NOTHING
        RETURNING key
        """,
        [n.key for n in notifications],
        [n.kind for n in notifications],
        [n.organisation for n in notifications],
        [n.labels.get("promise") for n in notifications],
        [n.labels.get("commitment") for n in notifications],
        [n.labels.get("indicator") for n in notifications],
        [n.severity for n in notifications],
        [json.dumps(n.labels, ensure_ascii=False) for n in notifications],
        [json.dumps(n.facts, ensure_ascii=False) for n in notifications],
        [n.source_event_id for n in notifications],
        [n.occurred_at for n in notifications],
        now,
    )
    new = {row["key"] for row in rows}
    return [n for n in notifications if n.key in new]


async def existing_keys(connection: Connection, keys: Iterable[str]) -> set[str]:
    rows = await connection.fetch(
        "SELECT key FROM notifications WHERE key = ANY($1::text[])", sorted(set(keys))
    )
    return {row["key"] for row in rows}


async def mark_suppressed(
    connection: Connection, reasons: dict[str, str], now: datetime
) -> list[tuple[str, str, str]]:
    """Held back: (key, organisation, reason) of those whose state or reason changed.

    Only what has not gone out is marked; a repeat held back does not undo `sent`.
    """
    if not reasons:
        return []
    rows = await connection.fetch(
        """
        UPDATE notifications AS n SET state = 'suppressed', state_reason = r.reason,
                                      updated_at = $3
          FROM unnest($1::text[], $2::text[]) AS r (key, reason)
         WHERE n.key = r.key AND n.state IN ('pending', 'suppressed')
           AND n.state_reason IS DISTINCT FROM r.reason
        RETURNING n.key, n.organisation, r.reason
        """,
        list(reasons),
        list(reasons.values()),
        now,
    )
    return [(row["key"], row["organisation"], row["reason"]) for row in rows]


async def mark_sent(connection: Connection, keys: Sequence[str], now: datetime) -> None:
    await connection.execute(
        "UPDATE notifications SET state = 'sent', state_reason = NULL, updated_at = $2"
        " WHERE key = ANY($1::text[]) AND state <> 'acknowledged'",
        list(keys),
        now,
    )


async def mark_failed(
    connection: Connection, keys: Sequence[str], reason: str, now: datetime
) -> None:
    """Failed: nothing carrying them got through, and nothing carrying them is under way."""
    await connection.execute(
        """
        UPDATE notifications AS n SET state = 'failed', state_reason = $2, updated_at = $3
         WHERE n.key = ANY($1::text[]) AND n.state IN ('pending', 'suppressed')
           AND NOT EXISTS (SELECT 1 FROM deliveries d
                            WHERE n.key = ANY(d.notification_keys)
                              AND d.status <> 'failed')
        """,
        list(keys),
        reason[:500],
        now,
    )


async def owner(connection: Connection, key: str) -> str | None:
    """The organisation a notification is for; None when there is no such notification."""
    found: str | None = await connection.fetchval(
        "SELECT organisation FROM notifications WHERE key = $1", key
    )
    return found


async def acknowledge(
    connection: Connection,
    key: str,
    by: str,
    via: Literal["api", "link"],
    now: datetime,
    comment: str | None = None,
) -> bool:
    """Record an answer (the first one counts); False when there is no such notification."""
    state = await connection.fetchval(
        "SELECT state FROM notifications WHERE key = $1 FOR UPDATE", key
    )
    if state is None:
        return False
    await connection.execute(
        "INSERT INTO acknowledgements"
        " (notification_key, acknowledged_by, acknowledged_at, via, comment)"
        " VALUES ($1, $2, $3, $4, $5) ON CONFLICT (notification_key) DO NOTHING",
        key,
        by,
        now,
        via,
        comment,
    )
    await connection.execute(
        "UPDATE notifications SET state = 'acknowledged', state_reason = NULL, updated_at = $2"
        " WHERE key = $1 AND state <> 'acknowledged'",
        key,
        now,
    )
    return True


async def created_times(connection: Connection, keys: Iterable[str]) -> dict[str, datetime]:
    rows = await connection.fetch(
        "SELECT key, created_at FROM notifications WHERE key = ANY($1::text[])", sorted(keys)
    )
    return {row["key"]: row["created_at"] for row in rows}


async def delivered_keys(connection: Connection, delivery_id: str) -> list[str]:
    """The notifications a logged delivery carried that want an answer."""
    keys: list[str] | None = await connection.fetchval(
        """
        SELECT array_agg(n.key ORDER BY n.key)
          FROM deliveries d JOIN notifications n ON n.key = ANY(d.notification_keys)
         WHERE d.id = $1::uuid AND n.severity IN ('critical', 'warning')
        """,
        delivery_id,
    )
    return keys or []


async def answered_between(
    connection: Connection, organisation: str, promise: str, start: datetime, end: datetime
) -> list[Answered]:
    """The organisation's notifications about a commitment of `promise` acknowledged from
    `start` up to `end`: who answered, when, and why if they said."""
    rows = await connection.fetch(
        "SELECT n.commitment, a.acknowledged_by, a.acknowledged_at, a.comment"
        " FROM acknowledgements a JOIN notifications n ON n.key = a.notification_key"
        " WHERE n.organisation = $1 AND n.promise = $2 AND n.commitment IS NOT NULL"
        " AND a.acknowledged_at >= $3 AND a.acknowledged_at < $4"
        " ORDER BY a.acknowledged_at",
        organisation,
        promise,
        start,
        end,
    )
    return [
        Answered(row["commitment"], row["acknowledged_by"], row["acknowledged_at"], row["comment"])
        for row in rows
    ]
