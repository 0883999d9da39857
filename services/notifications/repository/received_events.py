"""KPI events received from the metrics service: the consumer's dedup records, and the latest
of them as staff look them up."""

import json
from collections.abc import Sequence
from typing import Any

from services.notifications.domain import KpiEvent
from shared.db import Connection


async def record_received(connection: Connection, events: Sequence[KpiEvent]) -> list[KpiEvent]:
    """Keep the events not seen before; return those, in the order given."""
    rows = await connection.fetch(
        """
        INSERT INTO received_events (source, id, type, subject, occurred_at, data)
        SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[],
                             $5::timestamptz[], $6::jsonb[])
        ON CONFLICT (source, id) DO NOTHING
        RETURNING source, id
        """,
        [e.envelope.source for e in events],
        [e.envelope.id for e in events],
        [e.envelope.type for e in events],
        [e.envelope.key for e in events],
        [e.envelope.time for e in events],
        [json.dumps(e.envelope.data, ensure_ascii=False) for e in events],
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
