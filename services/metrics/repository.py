"""The metrics service's state in PostgreSQL."""

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from services.metrics.domain.tallies import KnownEvent, Period
from shared.db import Connection


async def record_applied(
    connection: Connection, events: Sequence[KnownEvent]
) -> set[tuple[str, str]]:
    """Write the dedup records; return the (source, id) of the events seen for the first time."""
    rows = await connection.fetch(
        """
        INSERT INTO applied_events (source, id, type, subject, occurred_at, data)
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
    return {(row["source"], row["id"]) for row in rows}


@dataclass(frozen=True, slots=True)
class Tally:
    commitment: str
    period: Period
    done: int


async def add_to_tallies(
    connection: Connection, gained: dict[tuple[str, Period], int]
) -> list[Tally]:
    """Add the gains to each (commitment, period) tally; return the new totals."""
    keys = sorted(gained)
    rows = await connection.fetch(
        """
        INSERT INTO commitment_tallies (commitment, period_start, period_end, done)
        SELECT * FROM unnest($1::text[], $2::date[], $3::date[], $4::int[])
        ON CONFLICT (commitment, period_start)
        DO UPDATE SET done = commitment_tallies.done + EXCLUDED.done, updated_at = now()
        RETURNING commitment, period_start, period_end, done
        """,
        [commitment for commitment, _ in keys],
        [period.start for _, period in keys],
        [period.end for _, period in keys],
        [gained[key] for key in keys],
    )
    return [
        Tally(row["commitment"], Period(row["period_start"], row["period_end"]), row["done"])
        for row in rows
    ]


async def tallies_of(connection: Connection, commitment: str) -> list[dict[str, Any]]:
    rows = await connection.fetch(
        "SELECT period_start, period_end, done FROM commitment_tallies"
        " WHERE commitment = $1 ORDER BY period_start",
        commitment,
    )
    return [
        {
            "period": {
                "start": row["period_start"].isoformat(),
                "end": row["period_end"].isoformat(),
            },
            "done": row["done"],
        }
        for row in rows
    ]
