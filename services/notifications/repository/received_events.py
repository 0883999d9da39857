"""KPI events received from the metrics service: the consumer's dedup records, and the latest
of them as staff look them up."""

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from services.notifications.domain import KpiEvent
from services.notifications.repository.pages import Page, page_of
from shared.db import Connection
from shared.db.event_rows import EVENT_ARRAYS, EVENT_COLUMNS, event_arrays, in_dedup_order

ReceivedPosition = tuple[datetime, datetime, str, str]  # received_at, occurred_at, source, id


async def record_received(connection: Connection, events: Sequence[KpiEvent]) -> list[KpiEvent]:
    """Keep the events not seen before; return those, in the order given."""
    rows = await connection.fetch(
        f"""
        INSERT INTO received_events ({EVENT_COLUMNS})
        SELECT * FROM unnest({EVENT_ARRAYS})
        ON CONFLICT (source, id) DO NOTHING
        RETURNING source, id
        """,  # noqa: S608 - the columns are shared.db.event_rows's constants
        *event_arrays([e.envelope for e in in_dedup_order(events)]),
    )
    new = {(row["source"], row["id"]) for row in rows}
    return [e for e in events if e.envelope.identity in new]


async def latest_received(
    connection: Connection,
    limit: int,
    organisation: str | None = None,
    after: ReceivedPosition | None = None,
) -> Page:
    """The KPI events received, the latest first (by when they were received, then when they
    happened, then source and id), from after `after`; with `organisation`, only those naming
    it among theirs."""
    rows = await connection.fetch(
        """
        SELECT source, id, type, subject, occurred_at, data, received_at FROM received_events
         WHERE ($2::text IS NULL OR data->'organisations' ? $2)
           AND ($3::timestamptz IS NULL
                OR (received_at, occurred_at, source, id) < ($3, $4::timestamptz, $5, $6))
         ORDER BY received_at DESC, occurred_at DESC, source DESC, id DESC
         LIMIT $1
        """,
        limit + 1,
        organisation,
        *(after or (None, None, None, None)),
    )
    return page_of(rows, limit, _shown, _position)


def _position(row: Any) -> ReceivedPosition:
    return (row["received_at"], row["occurred_at"], row["source"], row["id"])


def _shown(row: Any) -> dict[str, Any]:
    return {
        "source": row["source"],
        "id": row["id"],
        "type": row["type"],
        "subject": row["subject"],
        "time": row["occurred_at"].isoformat(),
        "data": json.loads(row["data"]),
    }
