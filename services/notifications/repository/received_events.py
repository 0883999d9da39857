"""KPI events received from the metrics service: the consumer's dedup records, and the latest
of them as staff look them up."""

import json
from collections.abc import Sequence
from typing import Any

from services.notifications.domain import KpiEvent
from shared.db import Connection
from shared.db.event_rows import EVENT_ARRAYS, EVENT_COLUMNS, event_arrays


async def record_received(connection: Connection, events: Sequence[KpiEvent]) -> list[KpiEvent]:
    """Keep the events not seen before; return those, in the order given."""
    rows = await connection.fetch(
        f"""
        INSERT INTO received_events ({EVENT_COLUMNS})
        SELECT * FROM unnest({EVENT_ARRAYS})
        ON CONFLICT (source, id) DO NOTHING
        RETURNING source, id
        """,  # noqa: S608 - the columns are shared.db.event_rows's constants
        *event_arrays([e.envelope for e in events]),
    )
    new = {(row["source"], row["id"]) for row in rows}
    return [e for e in events if (e.envelope.source, e.envelope.id) in new]


async def latest_received(
    connection: Connection, limit: int, organisation: str | None = None
) -> list[dict[str, Any]]:
    """The latest KPI events; with `organisation`, only those naming it among theirs."""
    rows = await connection.fetch(
        "SELECT source, id, type, subject, occurred_at, data FROM received_events"
        " WHERE $2::text IS NULL OR data->'organisations' ? $2"
        " ORDER BY received_at DESC, occurred_at DESC LIMIT $1",
        limit,
        organisation,
    )
    return [
        {
            "source": row["source"],
            "id": row["id"],
            "type": row["type"],
            "subject": row["subject"],
            "time": row["occurred_at"].isoformat(),
            "data": json.loads(row["data"]),
        }
        for row in rows
    ]
