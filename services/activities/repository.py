"""The activity register in PostgreSQL."""

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from services.activities import SCHEMA
from services.activities.domain import AcceptedEvent
from shared.contracts.events import EventRetracted
from shared.contracts.topics import REGISTER_SEQ_HEADER
from shared.db import Connection
from shared.messaging.outbox_rows import OutgoingRecord, notify_channel

# The first half of the register's key locks (`pg_advisory_xact_lock(int, int)`): a space of
# its own, apart from the leaders' and the migrations' one-number locks.
REGISTER_LOCKS = 0x4C6F_5201
# Keys share this many locks (a power of two), by a hash of the key: a batch of a thousand
# keys holds at most this many locks in PostgreSQL's shared lock table, and two keys that
# share one are merely registered one after the other.
KEY_SLOTS = 256


async def store(
    connection: Connection,
    accepted: Sequence[AcceptedEvent],
    reported_by: str,
    outgoing: Sequence[OutgoingRecord],
) -> set[tuple[str, str]]:
    """Insert the events not yet registered and queue each new one's record (`outgoing`, one
    per event, in order) in the outbox, the first of equal events once; wake the relay when
    any was new. Return the (source, id) of those that were new.

    One statement: all or nothing without a transaction of its own, and one round trip
    whatever the batch's size.

    Register order: before it numbers anything (`register_seq`, the outbox's `position`) the
    statement takes a lock of each of its events' keys until its transaction ends, in one
    sorted order so that two batches cannot wait on each other. A registration of a key
    therefore numbers its events only once every earlier registration of the key committed
    (or rolled back), and the relay, which publishes in `position` order, never sees a later
    number of a key before an earlier one.
    """
    rows = await connection.fetch(
        """
        WITH incoming AS (
            SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[],
                                 $5::timestamptz[], $6::text[], $7::jsonb[], $8::jsonb[],
                                 $10::text[], $11::text[], $12::text[], $13::bytea[],
                                 $14::bytea[], $15::jsonb[])
                WITH ORDINALITY AS t(source, id, type, subject, occurred_at, commitment,
                                     organisations, event, promise, retracts, topic, key,
                                     value, headers, n)
        ), locked AS (
            -- `subject` is each event's key, its record's key. A function called per row of
            -- a sorted subquery: the locks are taken in that order.
            SELECT count(pg_advisory_xact_lock($17, slot)) AS slots
            FROM (SELECT DISTINCT hashtext(subject) & $18 AS slot FROM incoming
                  ORDER BY slot) AS slots
        ), new AS (
            INSERT INTO register
                (source, id, type, subject, occurred_at, commitment, organisations, event,
                 reported_by, promise, retracts)
            SELECT source, id, type, subject, occurred_at, commitment,
                   ARRAY(SELECT jsonb_array_elements_text(organisations)), event, $9,
                   promise, retracts
            -- Evaluated once, before the first row: every lock is held before any number.
            FROM incoming WHERE (SELECT slots FROM locked) IS NOT NULL
            ORDER BY n
            ON CONFLICT (source, id) DO NOTHING
            RETURNING source, id, register_seq
        ), queued AS (
            INSERT INTO outbox (topic, key, value, headers)
            SELECT topic, key, value,
                   headers || jsonb_build_object($19::text, register_seq::text)
            FROM (SELECT DISTINCT ON (source, id) incoming.*, new.register_seq
                  FROM incoming JOIN new USING (source, id)
                  ORDER BY source, id, n) AS first_of_each
            ORDER BY n
        )
        -- Evaluated once, and only when a row is new: the relay is woken when there is work.
        SELECT source, id, (SELECT pg_notify($16, '') IS NULL) AS woke FROM new
        """,
        [a.event.source for a in accepted],
        [a.event.id for a in accepted],
        [a.event.type for a in accepted],
        [a.event.key for a in accepted],
        [a.event.time for a in accepted],
        [a.data.commitment_id() for a in accepted],
        [json.dumps(a.organisations) for a in accepted],
        # As `to_structured` gives it, written by pydantic at once: jsonb keeps the same value.
        [a.event.model_dump_json(exclude_none=True) for a in accepted],
        reported_by,
        [a.placement.promise.id if a.placement else None for a in accepted],
        [a.data.event_id if isinstance(a.data, EventRetracted) else None for a in accepted],
        [r.topic for r in outgoing],
        [r.key for r in outgoing],
        [r.value for r in outgoing],
        [json.dumps(dict(r.headers)) for r in outgoing],
        notify_channel(SCHEMA),
        REGISTER_LOCKS,
        KEY_SLOTS - 1,
        REGISTER_SEQ_HEADER,
    )
    return {(row["source"], row["id"]) for row in rows}


@dataclass(frozen=True, slots=True)
class Registered:
    subject: str
    reported_by: str


async def find_one(connection: Connection, source: str, event_id: str) -> Registered | None:
    row = await connection.fetchrow(
        "SELECT subject, reported_by FROM register WHERE source = $1 AND id = $2",
        source,
        event_id,
    )
    return Registered(row["subject"], row["reported_by"]) if row else None


@dataclass(frozen=True, slots=True)
class ActivityQuery:
    visible_promises: tuple[str, ...]
    promise: str | None = None
    commitment: str | None = None
    organisation: str | None = None
    type: str | None = None
    occurred_from: datetime | None = None
    occurred_to: datetime | None = None
    limit: int = 100
    # The register's order is (occurred_at, source, id); a page starts strictly after this.
    after: tuple[datetime, str, str] | None = None


@dataclass(frozen=True, slots=True)
class ActivityPage:
    events: list[dict[str, Any]]
    last: tuple[datetime, str, str] | None  # the position of the last event, if more follow


async def find(connection: Connection, query: ActivityQuery) -> ActivityPage:
    after = query.after or (None, None, None)
    rows = await connection.fetch(
        """
        SELECT event, occurred_at, source, id FROM register
        WHERE ($1::text IS NULL OR commitment = $1)
          AND ($2::text IS NULL OR $2 = ANY(organisations))
          AND ($3::text IS NULL OR type = $3)
          AND ($4::timestamptz IS NULL OR occurred_at >= $4)
          AND ($5::timestamptz IS NULL OR occurred_at < $5)
          AND ($7::text IS NULL OR promise = $7)
          AND (promise IS NULL OR promise = ANY($8::text[]))
          AND ($9::timestamptz IS NULL OR (occurred_at, source, id) > ($9, $10, $11))
        ORDER BY occurred_at, source, id
        LIMIT $6
        """,
        query.commitment,
        query.organisation,
        query.type,
        query.occurred_from,
        query.occurred_to,
        query.limit + 1,  # one more than shown: whether another page follows
        query.promise,
        list(query.visible_promises),
        *after,
    )
    shown = rows[: query.limit]
    more = len(rows) > query.limit
    last = (shown[-1]["occurred_at"], shown[-1]["source"], shown[-1]["id"]) if more else None
    return ActivityPage([json.loads(row["event"]) for row in shown], last)


async def mark_published(connection: Connection, headers: Sequence[Mapping[str, str]]) -> None:
    """Note when the events of these outbox records were published (the relay's round)."""
    published = [(h["ce_source"], h["ce_id"]) for h in headers if "ce_source" in h and "ce_id" in h]
    if not published:
        return
    await connection.execute(
        """
        UPDATE register SET published_at = now()
        FROM unnest($1::text[], $2::text[]) AS p(source, id)
        WHERE register.source = p.source AND register.id = p.id
          AND register.published_at IS NULL
        """,
        [source for source, _ in published],
        [event_id for _, event_id in published],
    )
