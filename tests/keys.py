"""API keys for tests, created the way `lofte keys create` does, and the header to send one.

`create_key` migrates the `access` schema first (as every service does at start), so a test
may hold its keys before any service runs.
"""

import asyncpg

from shared import access
from shared.access import Role, key_store
from shared.db.migrations import migrate


async def create_key(
    database_url: str, organisation: str | None, role: Role = Role.PARTNER, label: str = "tests"
) -> str:
    connection = await asyncpg.connect(database_url)
    try:
        await migrate(connection, access.SCHEMA, access.MIGRATIONS)
        return (await key_store.create(connection, organisation, role, label)).plaintext
    finally:
        await connection.close()


async def staff_key(database_url: str, organisation: str) -> str:
    return await create_key(database_url, organisation, Role.STAFF, f"{organisation} staff")


async def admin_key(database_url: str) -> str:
    return await create_key(database_url, None, Role.ADMIN, "admin")


async def revoke_key(database_url: str, plaintext: str) -> None:
    connection = await asyncpg.connect(database_url)
    try:
        await key_store.revoke(connection, plaintext.split("_")[1])
    finally:
        await connection.close()


def bearer(key: str) -> dict[str, str]:
    return {"authorization": f"Bearer {key}"}


def name_of(key: str, label: str) -> str:
    """What is recorded as who acted with the key (see `key_store.principal_of`)."""
    return f"key {key.split('_')[1]} ({label})"
