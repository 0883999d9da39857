"""The delivery log: what is to be sent, to whom, and how each attempt ended.

A planned `Delivery` becomes one row per message and channel target of its receiver's
contact point: the email addresses together as one mail, each webhook, each Teams URL.
A message tells one organisation, and a digest is a message of its own, so a delivery that
mixes them (a routing file may group so) is split into several messages.

Row states: `queued` → `sending` (committed before the attempt) → `delivered`, or
`retrying` (a temporary failure, due again at `next_attempt_at`) or `failed`. A row found
`sending` by a sender taking over was cut off mid-attempt; it is sent again, under the same
id, which is what a receiver deduplicates by.
"""

import json
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from services.notifications.domain import Delivery, Notification, RoutingConfig
from services.notifications.state_json import (
    load_notification_document,
    notification_document,
)
from shared.db import Connection

Channel = Literal["email", "webhook", "teams"]
CHANNELS: tuple[Channel, ...] = ("email", "webhook", "teams")


@dataclass(frozen=True, slots=True)
class LoggedDelivery:
    id: uuid.UUID
    planned_at: datetime
    group_key: str
    route_id: str
    receiver: str
    reason: str
    organisation: str
    channel: Channel
    recipients: tuple[str, ...]
    notifications: tuple[Notification, ...]
    new_keys: frozenset[str]
    attempts: int = 0
    first_attempt_at: datetime | None = None

    @property
    def keys(self) -> list[str]:
        return [n.key for n in self.notifications]


def _messages(notifications: Sequence[Notification]) -> Iterator[tuple[Notification, ...]]:
    by_organisation: dict[str, list[Notification]] = {}
    for notification in notifications:
        by_organisation.setdefault(notification.organisation, []).append(notification)
    for told in by_organisation.values():
        rest = tuple(n for n in told if n.kind != "digest")
        if rest:
            yield rest
        yield from ((n,) for n in told if n.kind == "digest")


def planned_rows(delivery: Delivery, config: RoutingConfig, now: datetime) -> list[LoggedDelivery]:
    point = config.contact_point(delivery.receiver)
    targets: list[tuple[Channel, tuple[str, ...]]] = []
    if point.email:
        targets.append(("email", tuple(point.email)))
    targets += [("webhook", (str(hook.url),)) for hook in point.webhooks]
    targets += [("teams", (str(team.url),)) for team in point.teams]
    return [
        LoggedDelivery(
            id=uuid.uuid4(),
            planned_at=now,
            group_key=delivery.group_key,
            route_id=delivery.route_id,
            receiver=delivery.receiver,
            reason=delivery.reason,
            organisation=message[0].organisation,
            channel=channel,
            recipients=recipients,
            notifications=message,
            new_keys=frozenset(n.key for n in message if n.key in delivery.new_keys),
        )
        for message in _messages(delivery.notifications)
        for channel, recipients in targets
    ]


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
