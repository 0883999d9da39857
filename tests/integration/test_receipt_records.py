"""What receipts are read from, in PostgreSQL: refusals kept bounded, and registers from
before receipts read as published without a time."""

import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import pytest

from services.activities import SCHEMA, refusals
from services.activities.main import MIGRATIONS
from shared import access
from shared.db.migrations import migrate


@pytest.fixture
async def connection(database_url: str) -> AsyncIterator[asyncpg.Connection]:
    opened = await asyncpg.connect(database_url, server_settings={"search_path": SCHEMA})
    try:
        await migrate(opened, access.SCHEMA, access.MIGRATIONS)
        yield opened
    finally:
        await opened.close()


def refused(event_id: str, reason: str = "data.commitment: unknown commitment") -> refusals.Refusal:
    return refusals.Refusal("urn:a", event_id, "http", reason, 422, "polisen", ("polisen",))


async def kept(connection: asyncpg.Connection) -> list[tuple[str, str]]:
    rows = await connection.fetch("SELECT id, reason FROM refusals ORDER BY refused_at, id")
    return [(row["id"], row["reason"]) for row in rows]


async def test_the_latest_refusal_of_an_event_is_kept_and_the_oldest_are_forgotten(
    connection: asyncpg.Connection,
) -> None:
    await migrate(connection, SCHEMA, MIGRATIONS)
    for event_id in ("e1", "e2", "e3", "e4"):
        await refusals.record(connection, [refused(event_id)])
    await refusals.record(connection, [refused("e1", "time: more than a day in the future")])
    await connection.execute(
        "UPDATE refusals SET refused_at = now() - interval '40 days' WHERE id = 'e4'"
    )

    forgotten = await refusals.prune(connection, kept_days=30, kept_most=2)

    assert forgotten == 2
    assert await kept(connection) == [
        ("e3", "data.commitment: unknown commitment"),
        ("e1", "time: more than a day in the future"),
    ]


async def test_events_registered_before_receipts_read_as_published_unless_still_waiting(
    connection: asyncpg.Connection, tmp_path: Path
) -> None:
    before = tmp_path / "before-receipts"
    before.mkdir()
    for migration in sorted(MIGRATIONS.glob("000[1-4]_*.sql")):
        shutil.copy(migration, before)
    await migrate(connection, SCHEMA, before)
    await connection.execute(
        """
        INSERT INTO register (source, id, type, subject, occurred_at, event)
        VALUES ('urn:a', 'sent', 'activity.completed', 'sno-mote', now(), '{}'),
               ('urn:a', 'waiting', 'activity.completed', 'sno-mote', now(), '{}'),
               ('urn:a', 'undo', 'event.retracted', 'sno-mote', now(),
                '{"data": {"event_id": "sent", "reason": "fel"}}');
        INSERT INTO outbox (topic, value, headers)
        VALUES ('lofte.activities.v1', '\\x7b7d', '{"ce_source": "urn:a", "ce_id": "waiting"}');
        """
    )

    await migrate(connection, SCHEMA, MIGRATIONS)

    rows = await connection.fetch(
        "SELECT id, published_at IS NOT NULL AS published, isfinite(published_at) AS timed,"
        " retracts FROM register ORDER BY id"
    )
    assert [tuple(row) for row in rows] == [
        ("sent", True, False, None),
        ("undo", True, False, "sent"),
        ("waiting", False, None, None),
    ]
