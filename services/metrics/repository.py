"""The metrics service's state in PostgreSQL: the applied events and what was announced."""

import json
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from services.metrics.domain.facts import KnownEvent
from shared.contracts.cloudevents import SPEC_VERSION, CloudEvent
from shared.contracts.events import EventRetracted, parse_data
from shared.db import Connection
from shared.db.event_rows import EVENT_ARRAYS, EVENT_COLUMNS, event_arrays, in_dedup_order


async def record_applied(
    connection: Connection, events: Sequence[KnownEvent]
) -> dict[tuple[str, str], int]:
    """Write the dedup records; return the sequence numbers of the events seen for the first
    time, by (source, id)."""
    events = in_dedup_order(events)
    rows = await connection.fetch(
        f"""
        INSERT INTO applied_events ({EVENT_COLUMNS}, schema_version)
        SELECT * FROM unnest({EVENT_ARRAYS}, $7::int[])
        ON CONFLICT (source, id) DO NOTHING
        RETURNING seq, source, id
        """,  # noqa: S608 - the columns are shared.db.event_rows's constants
        *event_arrays([e.envelope for e in events]),
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
    return [(row["seq"], known_event(row)) for row in rows]


async def retracted_events(
    connection: Connection, retractions: Sequence[KnownEvent]
) -> list[KnownEvent]:
    """The applied events these retractions name (of their own source; those not applied
    yet are not there: their retraction changed nothing yet)."""
    named = [
        (r.envelope.source, r.data.event_id)
        for r in retractions
        if isinstance(r.data, EventRetracted)
    ]
    if not named:
        return []
    rows = await connection.fetch(
        "SELECT e.source, e.id, e.type, e.subject, e.occurred_at, e.data, e.schema_version"
        " FROM unnest($1::text[], $2::text[]) AS n (source, id)"
        " JOIN applied_events AS e USING (source, id)"
        " WHERE e.type <> 'event.retracted'",
        [source for source, _ in named],
        [event_id for _, event_id in named],
    )
    return [known_event(row) for row in rows]


def known_event(row: Any) -> KnownEvent:
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


async def announced_for_update(
    connection: Connection, ledger: str
) -> tuple[dict[str, Any] | None, int]:
    """What was announced in a ledger (None: nothing yet) and how many announcements that
    took, locked until the transaction ends, so that no change is announced twice."""
    locked = "SELECT announced, announcements FROM kpi_announced WHERE promise = $1 FOR UPDATE"
    row = await connection.fetchrow(locked, ledger)
    if row is None:
        await connection.execute(
            "INSERT INTO kpi_announced (promise, announced, evaluated_at)"
            " VALUES ($1, 'null', '-infinity') ON CONFLICT (promise) DO NOTHING",
            ledger,
        )
        row = await connection.fetchrow(locked, ledger)
    if row is None:
        raise LookupError(f"ledger {ledger} was neither found nor created")
    announced: dict[str, Any] | None = json.loads(row["announced"])
    count: int = row["announcements"]
    return announced, count


async def save_announced(
    connection: Connection, ledger: str, announced: dict[str, Any], at: datetime, count: int
) -> None:
    """A ledger's new word, as of an evaluation at `at` (when it last changed)."""
    await connection.execute(
        """
        UPDATE kpi_announced SET announced = $2::jsonb, evaluated_at = $3, announcements = $4
        WHERE promise = $1
        """,
        ledger,
        json.dumps(announced, ensure_ascii=False),
        at,
        count,
    )


async def claim(
    connection: Connection, topic: str, partitions: Iterable[int], owner: str
) -> dict[int, int]:
    """Claim the partitions for `owner`; return the epoch of each claim."""
    rows = await connection.fetch(
        """
        INSERT INTO partition_owners (topic, partition, owner, epoch, claimed_at)
        SELECT $1, p, $3, 1, now() FROM unnest($2::int[]) AS p
        ON CONFLICT (topic, partition) DO UPDATE
            SET owner = EXCLUDED.owner, epoch = partition_owners.epoch + 1, claimed_at = now()
        RETURNING partition, epoch
        """,
        topic,
        sorted(partitions),
        owner,
    )
    return {row["partition"]: row["epoch"] for row in rows}


async def standing(
    connection: Connection,
    topic: str,
    claims: dict[int, int],
    caught_up: frozenset[int],
    at: datetime,
) -> frozenset[int]:
    """The claimed partitions whose claim still stands, held until the end of the caller's
    transaction, so that no new owner's claim comes between; those `caught_up` with are marked
    evaluated at `at`."""
    rows = await connection.fetch(
        """
        UPDATE partition_owners
           SET evaluated_at = CASE WHEN claim.partition = ANY($5::int[]) THEN $4
                                   ELSE partition_owners.evaluated_at END
        FROM unnest($2::int[], $3::bigint[]) AS claim(partition, epoch)
        WHERE partition_owners.topic = $1
          AND partition_owners.partition = claim.partition
          AND partition_owners.epoch = claim.epoch
        RETURNING partition_owners.partition
        """,
        topic,
        list(claims),
        list(claims.values()),
        at,
        sorted(caught_up),
    )
    return frozenset(row["partition"] for row in rows)


async def applied_event(
    connection: Connection, source: str, event_id: str
) -> tuple[KnownEvent, datetime] | None:
    """An applied event and when it was applied (None: never applied)."""
    row = await connection.fetchrow(
        "SELECT source, id, type, subject, occurred_at, data, schema_version, applied_at"
        " FROM applied_events WHERE source = $1 AND id = $2",
        source,
        event_id,
    )
    return None if row is None else (known_event(row), row["applied_at"])


async def retraction_of(connection: Connection, source: str, event_id: str) -> str | None:
    """The id of the earliest applied retraction of (source, event_id), if any."""
    found: str | None = await connection.fetchval(
        "SELECT id FROM applied_events"
        " WHERE source = $1 AND type = 'event.retracted' AND data ->> 'event_id' = $2"
        " ORDER BY occurred_at, id LIMIT 1",
        source,
        event_id,
    )
    return found
