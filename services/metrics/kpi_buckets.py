"""The KPI state in PostgreSQL: applied events folded into buckets (migration 0006).

Completed activities and recorded incidents are what there are millions of. Those alike for
the KPI rules (the same local day, commitment, promise and data but for an activity's notes)
fall in one bucket that keeps how many there are and the first of them, updated in the
transaction that applies them, so the state grows with the calendar and not with the events.
Everything else (deliverables, surveys, explanations: written by people, few) and the events
of a day an evaluation cuts inside are read event by event (`events_read_whole`).

A retraction takes its event out of its bucket when both are known, whichever came first.
The writers of a batch (after its dedup records, which go in side by side) take one lock for
all until they commit: an instance applying an event and another applying its retraction at
once cannot both miss the other, and versions are handed out in commit order, so a reader
that read up to a version has seen every earlier one.

Longer than the other modules: it is mostly SQL, the statements that fold events in and out
and read them back, which only make sense together.
"""

from collections.abc import Iterable, Sequence
from datetime import datetime

import asyncpg

from services.metrics.domain.buckets import Wanted
from services.metrics.domain.facts import KnownEvent
from services.metrics.repository import known_event
from shared.contracts.events import (
    ActivityCompleted,
    DeliverableCompleted,
    ExplanationPublished,
    IncidentRecorded,
    SurveyPublished,
)
from shared.db import Connection

BUCKETED = [ActivityCompleted.TYPE, IncidentRecorded.TYPE]
# Read event by event, by a partial index whose predicate names them (migration 0006).
READ_WHOLE = (DeliverableCompleted.TYPE, SurveyPublished.TYPE, ExplanationPublished.TYPE)
# An advisory lock of the two-key form, which never meets the one-key locks of
# `shared.db.leader` and the migrations.
WRITERS_LOCK = (0x4C0F7E02, 0)

# Events numbered in $1 with +1 (folded in) or -1 (taken out) in $2, in each zone of $4.
_CHANGED = """
    SELECT e.*, change.delta
    FROM unnest($1::bigint[], $2::int[]) AS change (seq, delta)
    JOIN applied_events AS e USING (seq)
    WHERE e.type = ANY($3::text[])
"""
# Every event that counts, folded into the zones of $1 when they are first kept.
_EVERY = """
    SELECT e.*, 1 AS delta FROM applied_events AS e
    WHERE e.retracted_at IS NULL AND e.type = ANY($2::text[])
"""

_FOLD = """
WITH changed AS (_changed), keyed AS (
    SELECT z.zone,
           (c.occurred_at AT TIME ZONE z.zone)::date AS day,
           c.type,
           kpi_bucket_item(c.type, c.data) AS item,
           coalesce(c.data ->> 'promise', '') AS promise,
           c.schema_version,
           kpi_bucket_data(c.type, c.data) AS data,
           c.delta, c.occurred_at, c.source, c.id
    FROM changed AS c CROSS JOIN unnest(_zones::text[]) AS z (zone)
), summed AS (
    SELECT zone, day, type, item, promise, schema_version, md5(data::text) AS data_key,
           (array_agg(data))[1] AS data,
           sum(delta) AS weight,
           min(occurred_at) FILTER (WHERE delta > 0) AS first_time,
           (array_agg(source ORDER BY occurred_at, source, id) FILTER (WHERE delta > 0))[1]
               AS first_source,
           (array_agg(id ORDER BY occurred_at, source, id) FILTER (WHERE delta > 0))[1]
               AS first_id,
           max(occurred_at) FILTER (WHERE delta > 0) AS last_time
    FROM keyed
    GROUP BY zone, day, type, item, promise, schema_version, md5(data::text)
)
INSERT INTO kpi_buckets AS b
    (zone, day, type, item, promise, schema_version, data_key, data, weight,
     first_time, first_source, first_id, last_time, version)
SELECT *, nextval('kpi_bucket_versions') FROM summed
ON CONFLICT (zone, day, type, item, promise, schema_version, data_key) DO UPDATE SET
    weight = b.weight + EXCLUDED.weight,
    first_time = CASE WHEN b.first_time IS NULL OR _earlier THEN EXCLUDED.first_time
                      ELSE b.first_time END,
    first_source = CASE WHEN b.first_time IS NULL OR _earlier THEN EXCLUDED.first_source
                        ELSE b.first_source END,
    first_id = CASE WHEN b.first_time IS NULL OR _earlier THEN EXCLUDED.first_id
                    ELSE b.first_id END,
    last_time = GREATEST(b.last_time, EXCLUDED.last_time),
    version = EXCLUDED.version
""".replace(
    "_earlier",
    "(EXCLUDED.first_time, EXCLUDED.first_source, EXCLUDED.first_id)"
    " < (b.first_time, b.first_source, b.first_id)",
)
_FOLD_CHANGED = _FOLD.replace("_changed", _CHANGED).replace("_zones", "$4")
_FOLD_EVERY = _FOLD.replace("_changed", _EVERY).replace("_zones", "$1")

# The buckets events were taken out of find their first again among what is left in them.
_REFIRST = """
WITH touched AS (
    SELECT DISTINCT z.zone, (e.occurred_at AT TIME ZONE z.zone)::date AS day, e.type,
           kpi_bucket_item(e.type, e.data) AS item, coalesce(e.data ->> 'promise', '') AS promise,
           e.schema_version, md5(kpi_bucket_data(e.type, e.data)::text) AS data_key
    FROM applied_events AS e CROSS JOIN unnest($3::text[]) AS z (zone)
    WHERE e.seq = ANY($1::bigint[]) AND e.type = ANY($2::text[])
)
UPDATE kpi_buckets AS b
SET first_time = first.occurred_at, first_source = first.source, first_id = first.id,
    version = nextval('kpi_bucket_versions')
FROM touched AS t
LEFT JOIN LATERAL (
    SELECT m.occurred_at, m.source, m.id
    FROM applied_events AS m
    WHERE m.occurred_at >= t.day::timestamp AT TIME ZONE t.zone
      AND m.occurred_at < (t.day + 1)::timestamp AT TIME ZONE t.zone
      AND m.type = t.type
      AND m.retracted_at IS NULL
      AND kpi_bucket_item(m.type, m.data) = t.item
      AND coalesce(m.data ->> 'promise', '') = t.promise
      AND m.schema_version = t.schema_version
      AND md5(kpi_bucket_data(m.type, m.data)::text) = t.data_key
    ORDER BY m.occurred_at, m.source, m.id
    LIMIT 1
) AS first ON true
WHERE (b.zone, b.day, b.type, b.item, b.promise, b.schema_version, b.data_key)
    = (t.zone, t.day, t.type, t.item, t.promise, t.schema_version, t.data_key)
"""


async def fold_in(connection: Connection, seqs: Sequence[int]) -> None:
    """In the transaction that applied them: fold the events numbered `seqs` (new in this
    transaction) into the buckets, and take out what their retractions retract."""
    if not seqs:
        return
    # Held to the end of the transaction: who looks for an event's retraction, or for a
    # retraction's event, sees what every other writer committed before it.
    await connection.execute("SELECT pg_advisory_xact_lock($1, $2)", *WRITERS_LOCK)
    # New events whose retraction is known already never count.
    await connection.execute(
        """
        UPDATE applied_events AS e SET retracted_at = r.first
        FROM (
            SELECT r.source, r.data ->> 'event_id' AS event_id, min(r.occurred_at) AS first
            FROM applied_events AS n
            JOIN applied_events AS r
              ON r.type = 'event.retracted'
             AND r.source = n.source AND r.data ->> 'event_id' = n.id
            WHERE n.seq = ANY($1::bigint[])
            GROUP BY r.source, r.data ->> 'event_id'
        ) AS r
        WHERE e.seq = ANY($1::bigint[]) AND e.source = r.source AND e.id = r.event_id
          AND e.type <> 'event.retracted'
        """,
        list(seqs),
    )
    # Events known before, retracted now: out of their buckets if they were in.
    retracted = await connection.fetch(
        """
        WITH r AS (
            SELECT source, data ->> 'event_id' AS event_id, min(occurred_at) AS first
            FROM applied_events
            WHERE seq = ANY($1::bigint[]) AND type = 'event.retracted'
            GROUP BY source, data ->> 'event_id'
        ), before AS (
            SELECT t.seq, t.retracted_at
            FROM applied_events AS t JOIN r ON t.source = r.source AND t.id = r.event_id
            WHERE t.type <> 'event.retracted' AND NOT t.seq = ANY($1::bigint[])
        )
        UPDATE applied_events AS t SET retracted_at = LEAST(before.retracted_at, r.first)
        FROM before, r
        WHERE t.seq = before.seq AND t.source = r.source AND t.id = r.event_id
        RETURNING t.seq, before.retracted_at IS NULL AS was_counted
        """,
        list(seqs),
    )
    taken_out = [row["seq"] for row in retracted if row["was_counted"]]
    counted = await connection.fetch(
        "SELECT seq FROM applied_events"
        " WHERE seq = ANY($1::bigint[]) AND retracted_at IS NULL AND type = ANY($2::text[])",
        list(seqs),
        BUCKETED,
    )
    folded = [row["seq"] for row in counted]
    zones = await _kept_zones(connection)
    if zones and (folded or taken_out):
        changes = [*folded, *taken_out]
        deltas = [1] * len(folded) + [-1] * len(taken_out)
        await connection.execute(_FOLD_CHANGED, changes, deltas, BUCKETED, zones)
    if zones and taken_out:
        await connection.execute(_REFIRST, taken_out, BUCKETED, zones)
    await connection.execute("UPDATE kpi_bucket_totals SET applied = applied + $1", len(seqs))


async def ensure_zones(connection: Connection, zones: Iterable[str]) -> None:
    """Keep buckets for these zones too, built from every applied event the first time."""
    if not await _missing(connection, zones):
        return
    async with connection.transaction():
        await connection.execute("SELECT pg_advisory_xact_lock($1, $2)", *WRITERS_LOCK)
        missing = await _missing(connection, zones)  # another instance may have built them
        if missing:
            await connection.execute(_FOLD_EVERY, missing, BUCKETED)
            await connection.executemany(
                "INSERT INTO kpi_bucket_zones (zone) VALUES ($1)", [(zone,) for zone in missing]
            )


async def _kept_zones(connection: Connection) -> list[str]:
    rows = await connection.fetch("SELECT zone FROM kpi_bucket_zones ORDER BY zone")
    return [row["zone"] for row in rows]


async def _missing(connection: Connection, zones: Iterable[str]) -> list[str]:
    rows = await connection.fetch(
        "SELECT zone FROM unnest($1::text[]) AS wanted (zone)"
        " WHERE zone NOT IN (SELECT zone FROM kpi_bucket_zones) ORDER BY zone",
        sorted(set(zones)),
    )
    return [row["zone"] for row in rows]


async def buckets_after(
    connection: Connection, zone: str, version: int, limit: int, wanted: Wanted | None = None
) -> list[asyncpg.Record]:
    """Up to `limit` buckets of `zone` changed after `version`, in version order; only
    those `wanted`, if given."""
    columns = (
        "SELECT day, type, item, promise, schema_version, data_key, data, weight,"
        " first_time, first_source, first_id, last_time, version FROM kpi_buckets"
    )
    if wanted is None:
        return await connection.fetch(
            f"{columns} WHERE zone = $1 AND version > $2 ORDER BY version LIMIT $3",
            zone,
            version,
            limit,
        )
    return await connection.fetch(
        f"{columns} WHERE zone = $1 AND version > $2"
        f" AND (item = ANY($4::text[]) OR ($5 AND type = '{IncidentRecorded.TYPE}'))"
        " ORDER BY version LIMIT $3",
        zone,
        version,
        limit,
        sorted(wanted.commitments),
        wanted.incidents,
    )


async def applied_total(connection: Connection) -> int:
    total: int = await connection.fetchval("SELECT applied FROM kpi_bucket_totals")
    return total


async def events_read_whole(
    connection: Connection,
    at: datetime,
    cut_days: Sequence[tuple[datetime, datetime]],
    known_at: datetime | None = None,
) -> list[KnownEvent]:
    """The events an evaluation as of `at`, known at `known_at` (default: `at`), reads one
    by one: those of the kinds never bucketed; the activities and incidents of the days it
    cuts inside (each day as the instants [start, end)); and those retracted only after
    `known_at`, which count as of `at` but are out of their buckets. Only events dated at or
    before `at` (explanations: published at or before `known_at`), not retracted by
    `known_at` (see `domain.facts`)."""
    known_at = at if known_at is None else known_at
    rows = await connection.fetch(
        """
        SELECT source, id, type, subject, occurred_at, data, schema_version FROM applied_events
        WHERE type IN ('deliverable.completed', 'survey.published', 'explanation.published')
          AND occurred_at <= $5 AND (type = 'explanation.published' OR occurred_at <= $1)
          AND (retracted_at IS NULL OR retracted_at > $5)
        UNION
        SELECT source, id, type, subject, occurred_at, data, schema_version FROM applied_events
        JOIN unnest($3::timestamptz[], $4::timestamptz[]) AS cut (start, stop)
          ON occurred_at >= cut.start AND occurred_at < cut.stop
        WHERE type = ANY($2::text[]) AND occurred_at <= $1
          AND (retracted_at IS NULL OR retracted_at > $5)
        UNION
        SELECT source, id, type, subject, occurred_at, data, schema_version FROM applied_events
        WHERE retracted_at > $5 AND occurred_at <= $1 AND type = ANY($2::text[])
        """,
        at,
        BUCKETED,
        [start for start, _ in cut_days],
        [stop for _, stop in cut_days],
        known_at,
    )
    return [known_event(row) for row in rows]
