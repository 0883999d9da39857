"""Instances started at once all migrate the one schema: it is created and each migration
applied once, and none of them fails for having raced the others."""

import asyncio
from pathlib import Path

import asyncpg

from shared.db.migrations import migrate


async def test_instances_starting_at_once_migrate_once_and_all_start(
    database_url: str, tmp_path: Path
) -> None:
    (tmp_path / "0001_walks.sql").write_text("CREATE TABLE walks (id text PRIMARY KEY);")
    (tmp_path / "0002_place.sql").write_text("ALTER TABLE walks ADD COLUMN place text;")
    shared = tmp_path / "shared"
    shared.mkdir()
    (shared / "0001_keys.sql").write_text("CREATE TABLE keys (id text PRIMARY KEY);")
    # As a service's pool connects: its own schema on the search path before it exists.
    connections = [
        await asyncpg.connect(database_url, server_settings={"search_path": "raced"})
        for _ in range(6)
    ]

    async def start(connection: asyncpg.Connection) -> list[str]:
        await migrate(connection, "shared_keys", shared)  # what every service migrates first
        return await migrate(connection, "raced", tmp_path)

    try:
        applied = await asyncio.gather(*(start(connection) for connection in connections))
        columns = await connections[0].fetch(
            "SELECT column_name FROM information_schema.columns"
            " WHERE table_schema = 'raced' AND table_name = 'walks' ORDER BY column_name"
        )
    finally:
        await asyncio.gather(*(connection.close() for connection in connections))

    assert sorted(name for names in applied for name in names) == [
        "0001_walks.sql",
        "0002_place.sql",
    ]
    assert [row["column_name"] for row in columns] == ["id", "place"]
