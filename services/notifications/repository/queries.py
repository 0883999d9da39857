"""What the API shows: notifications with their state and answer, and the delivery log."""

import json
import uuid
from datetime import datetime
from typing import Any

from services.notifications.domain.config import destination
from services.notifications.repository.pages import Page, page_of
from shared.db import Connection

NotificationPosition = tuple[datetime, str]  # created_at, key
DeliveryPosition = tuple[datetime, uuid.UUID]  # planned_at, id

_NOTIFICATION = """
    SELECT n.key, n.kind, n.organisation, n.promise, n.commitment, n.indicator, n.severity,
           n.labels, n.facts, n.state, n.state_reason, n.occurred_at, n.created_at,
           n.updated_at, a.acknowledged_by, a.acknowledged_at, a.via, a.comment
      FROM notifications n LEFT JOIN acknowledgements a ON a.notification_key = n.key
"""


def _notification(row: Any) -> dict[str, Any]:
    answered = row["acknowledged_at"]
    return {
        "key": row["key"],
        "kind": row["kind"],
        "organisation": row["organisation"],
        "promise": row["promise"],
        "commitment": row["commitment"],
        "indicator": row["indicator"],
        "severity": row["severity"],
        "labels": json.loads(row["labels"]),
        "facts": json.loads(row["facts"]),
        "state": row["state"],
        "state_reason": row["state_reason"],
        "occurred_at": row["occurred_at"].isoformat(),
        "created_at": row["created_at"].isoformat(),
        "updated_at": row["updated_at"].isoformat(),
        "acknowledgement": None
        if answered is None
        else {
            "by": row["acknowledged_by"],
            "at": answered.isoformat(),
            "via": row["via"],
            "comment": row["comment"],
        },
    }


async def notifications(
    connection: Connection,
    *,
    organisation: str | None,
    commitment: str | None,
    state: str | None,
    kind: str | None,
    limit: int,
    after: NotificationPosition | None = None,
) -> Page:
    """Newest first, by (created_at, key), from after `after`."""
    rows = await connection.fetch(
        _NOTIFICATION
        + """
         WHERE ($1::text IS NULL OR n.organisation = $1)
           AND ($2::text IS NULL OR n.commitment = $2)
           AND ($3::text IS NULL OR n.state = $3)
           AND ($4::text IS NULL OR n.kind = $4)
           AND ($6::timestamptz IS NULL OR (n.created_at, n.key) < ($6, $7::text))
         ORDER BY n.created_at DESC, n.key DESC
         LIMIT $5
        """,
        organisation,
        commitment,
        state,
        kind,
        limit + 1,
        *(after or (None, None)),
    )
    return page_of(rows, limit, _notification, lambda row: (row["created_at"], row["key"]))


async def notification(connection: Connection, key: str) -> dict[str, Any] | None:
    row = await connection.fetchrow(_NOTIFICATION + " WHERE n.key = $1", key)
    if row is None:
        return None
    found = _notification(row)
    logged = await deliveries(
        connection, notification_key=key, status=None, organisation=None, limit=1000
    )
    found["deliveries"] = logged.items
    return found


async def deliveries(
    connection: Connection,
    *,
    notification_key: str | None,
    status: str | None,
    organisation: str | None,
    limit: int,
    after: DeliveryPosition | None = None,
) -> Page:
    """Newest first, by (planned_at, id), from after `after`."""
    rows = await connection.fetch(
        """
        SELECT id, planned_at, receiver, reason, organisation, channel, recipients,
               notification_keys, status, attempts, next_attempt_at, first_attempt_at,
               last_attempt_at, finished_at, code, detail
          FROM deliveries
         WHERE ($1::text IS NULL OR $1 = ANY(notification_keys))
           AND ($2::text IS NULL OR status = $2)
           AND ($3::text IS NULL OR organisation = $3)
           AND ($5::timestamptz IS NULL OR (planned_at, id) < ($5, $6::uuid))
         ORDER BY planned_at DESC, id DESC
         LIMIT $4
        """,
        notification_key,
        status,
        organisation,
        limit + 1,
        *(after or (None, None)),
    )
    return page_of(rows, limit, _delivery, lambda row: (row["planned_at"], row["id"]))


def _delivery(row: Any) -> dict[str, Any]:
    return {
        "id": str(row["id"]),
        "planned_at": row["planned_at"].isoformat(),
        "receiver": row["receiver"],
        "reason": row["reason"],
        "organisation": row["organisation"],
        "channel": row["channel"],
        "recipients": _shown(row["channel"], row["recipients"]),
        "notification_keys": list(row["notification_keys"]),
        "status": row["status"],
        "attempts": row["attempts"],
        "next_attempt_at": _moment(row["next_attempt_at"]),
        "first_attempt_at": _moment(row["first_attempt_at"]),
        "last_attempt_at": _moment(row["last_attempt_at"]),
        "finished_at": _moment(row["finished_at"]),
        "code": row["code"],
        "detail": row["detail"],
    }


def _shown(channel: str, recipients: list[str]) -> list[str]:
    """Mail addresses as they are; of a URL only where it goes, as a Teams or webhook URL's
    path is often its secret."""
    if channel == "email":
        return list(recipients)
    return [destination(url) for url in recipients]


def _moment(value: Any) -> str | None:
    return None if value is None else str(value.isoformat())
