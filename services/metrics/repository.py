"""The metrics service's state in PostgreSQL: the applied events and what was announced."""

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from services.metrics.domain.facts import KnownEvent
from shared.contracts.cloudevents import SPEC_VERSION, CloudEvent
from shared.contracts.events import parse_data
from shared.db import Connection


async def record_applied(
    connection: Connection, events: Sequence[KnownEvent]
) -> dict[tuple[str, str], int]:
    """Write the dedup records; return the sequence numbers of the events seen for the first
    time, by (source, id)."""
    rows = await connection.fetch(
        """
        INSERT INTO applied_events
            (source, id, type, subject, occurred_at, data, schema_version)
        SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[],
                             $5::timestamptz[], $6::jsonb[], $7::int[])
        ON CONFLICT (source, id) DO NOTHING
        RETURNING seq, source, id
        """,
        [e.envelope.source for e in events],
        [e.envelope.id for e in events],
        [e.envelope.type for e in events],
        [e.envelope.key for e in events],
        [e.envelope.time for e in events],
        [json.dumps(e.envelope.data, ensure_ascii=False) for e in events],
        [e.envelope.schemaversion for e in events],
    )
    return {(row["source"], row["id"]): row["seq"] for row in rows}


async def seqs_after(connection: Connection, seq: int, limit: int) -> list[int]:
    """Up to `limit` sequence numbers of applied events above `seq`, in order."""
    rows = await connection.fetch(
        "SELECT seq FROM applied_events WHERE seq > $1 ORDER BY seq LIMIT $2", seq, limit
    )
    return [row["seq"] for row in rows]


async def events_numbered(
    connection: Connection, seqs: Sequence[int]
) -> list[tuple[int, KnownEvent]]:
    """The applied events with these sequence numbers, in sequence order."""
    rows = await connection.fetch(
        "SELECT seq, source, id, type, subject, occurred_at, data, schema_version"
        " FROM applied_events WHERE seq = ANY($1::bigint[]) ORDER BY seq",
        list(seqs),
    )
    return [(row["seq"], _known(row)) for row in rows]


def _known(row: Any) -> KnownEvent:
    envelope = CloudEvent(
        specversion=SPEC_VERSION,
        id=row["id"],
        source=row["source"],
        type=row["type"],
        time=row["occurred_at"],
        subject=row["subject"],
        schemaversion=row["schema_version"],
        data=json.loads(row["data"]),
    )
    return KnownEvent(envelope, parse_data(envelope))


async def announced_for_update(connection: Connection, promise: str) -> dict[str, Any] | None:
    """What was announced about a promise (None: nothing yet), locked until the transaction
    ends, so that two instances never announce the same change twice."""
    await connection.execute(
        "INSERT INTO kpi_announced (promise, announced, evaluated_at)"
        " VALUES ($1, 'null', '-infinity') ON CONFLICT (promise) DO NOTHING",
        promise,
    )
    announced: dict[str, Any] | None = json.loads(
        await connection.fetchval(
            "SELECT announced FROM kpi_announced WHERE promise = $1 FOR UPDATE", promise
        )
    )
    return announced


async def save_announced(
    connection: Connection, promise: str, announced: dict[str, Any], at: datetime
) -> None:
    await connection.execute(
        """
        INSERT INTO kpi_announced (promise, announced, evaluated_at) VALUES ($1, $2::jsonb, $3)
        ON CONFLICT (promise) DO UPDATE SET announced = EXCLUDED.announced,
                                            evaluated_at = EXCLUDED.evaluated_at
        """,
        promise,
        json.dumps(announced, ensure_ascii=False),
        at,
    )
