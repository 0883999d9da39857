"""The activity register in PostgreSQL."""

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from services.activities.domain import AcceptedEvent
from shared.contracts.cloudevents import to_structured
from shared.db import Connection


async def store(connection: Connection, accepted: Sequence[AcceptedEvent]) -> set[tuple[str, str]]:
    """Insert the events not yet registered; return the (source, id) of those that were new."""
    rows = await connection.fetch(
        """
        INSERT INTO register
            (source, id, type, subject, occurred_at, commitment, organisations, event)
        SELECT source, id, type, subject, occurred_at, commitment,
               ARRAY(SELECT jsonb_array_elements_text(organisations)), event
        FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::timestamptz[],
                    $6::text[], $7::jsonb[], $8::jsonb[])
             AS t(source, id, type, subject, occurred_at, commitment, organisations, event)
        ON CONFLICT (source, id) DO NOTHING
        RETURNING source, id
        """,
        [a.event.source for a in accepted],
        [a.event.id for a in accepted],
        [a.event.type for a in accepted],
        [a.event.key for a in accepted],
        [a.event.time for a in accepted],
        [a.data.commitment_id() for a in accepted],
        [json.dumps(a.organisations) for a in accepted],
        [json.dumps(to_structured(a.event), ensure_ascii=False) for a in accepted],
    )
    return {(row["source"], row["id"]) for row in rows}


@dataclass(frozen=True, slots=True)
class ActivityQuery:
    commitment: str | None = None
    organisation: str | None = None
    type: str | None = None
    occurred_from: datetime | None = None
    occurred_to: datetime | None = None
    limit: int = 100


async def find(connection: Connection, query: ActivityQuery) -> list[dict[str, Any]]:
    rows = await connection.fetch(
        """
        SELECT event FROM register
        WHERE ($1::text IS NULL OR commitment = $1)
          AND ($2::text IS NULL OR $2 = ANY(organisations))
          AND ($3::text IS NULL OR type = $3)
          AND ($4::timestamptz IS NULL OR occurred_at >= $4)
          AND ($5::timestamptz IS NULL OR occurred_at < $5)
        ORDER BY occurred_at, source, id
        LIMIT $6
        """,
        query.commitment,
        query.organisation,
        query.type,
        query.occurred_from,
        query.occurred_to,
        query.limit,
    )
    return [json.loads(row["event"]) for row in rows]
