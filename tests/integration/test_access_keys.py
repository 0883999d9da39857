"""Keys made before keys had roles: they move to the shared `access` schema and keep working
as the partner keys they were, and production refuses to start while one is valid."""

import shutil
from pathlib import Path

import asyncpg
import pytest

from services.activities import SCHEMA
from services.activities.main import MIGRATIONS
from shared import access
from shared.access import Role, key_store, keys
from shared.app import refuse_roleless_keys
from shared.db.migrations import migrate
from shared.db.pool import create_pool


async def test_an_old_key_moves_to_the_access_schema_and_reports_as_a_partner(
    database_url: str, tmp_path: Path
) -> None:
    before_roles = tmp_path / "migrations"
    before_roles.mkdir()
    for path in sorted(MIGRATIONS.glob("*.sql"))[:2]:  # up to 0002_api_keys.sql
        shutil.copy(path, before_roles)
    old = keys.issue()
    connection = await asyncpg.connect(database_url, server_settings={"search_path": SCHEMA})
    try:
        await migrate(connection, SCHEMA, before_roles)
        await connection.execute(
            "INSERT INTO api_keys (key_id, organisation, secret_sha256, label)"
            " VALUES ($1, 'polisen', $2, 'fältgruppens system')",
            old.key_id,
            old.secret_sha256,
        )

        await migrate(connection, access.SCHEMA, access.MIGRATIONS)
        await migrate(connection, SCHEMA, MIGRATIONS)
        principal = await key_store.principal_of(connection, old.plaintext)
        [listed] = await key_store.list_keys(connection)
        left_behind = await connection.fetchval("SELECT to_regclass('activities.api_keys')")
    finally:
        await connection.close()

    assert principal is not None
    assert (principal.role, principal.organisation) == (Role.PARTNER, "polisen")
    assert (listed.key_id, listed.role, listed.label) == (old.key_id, None, "fältgruppens system")
    assert left_behind is None


async def test_production_refuses_to_start_while_a_key_has_no_role(database_url: str) -> None:
    connection = await asyncpg.connect(database_url)
    try:
        await migrate(connection, access.SCHEMA, access.MIGRATIONS)
        staff = await key_store.create(connection, "polisen", Role.STAFF)
        old = keys.issue()
        await connection.execute(
            "INSERT INTO access.api_keys (key_id, organisation, secret_sha256)"
            " VALUES ($1, 'kommunen', $2)",
            old.key_id,
            old.secret_sha256,
        )
    finally:
        await connection.close()
    pool = await create_pool(database_url, SCHEMA, max_size=1)
    try:
        with pytest.raises(RuntimeError, match=f"API keys without a role: {old.key_id};"):
            await refuse_roleless_keys(pool)
        async with pool.acquire() as held:
            await key_store.revoke(held, old.key_id)
        await refuse_roleless_keys(pool)  # a revoked one no longer counts
    finally:
        await pool.close()

    assert staff.key_id != old.key_id
