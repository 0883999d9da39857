"""API keys for tests, created the way `lofte keys create` does."""

import asyncpg

from services.activities import SCHEMA, key_store


async def create_key(database_url: str, organisation: str) -> str:
    connection = await asyncpg.connect(database_url, server_settings={"search_path": SCHEMA})
    try:
        return (await key_store.create(connection, organisation, "tests")).plaintext
    finally:
        await connection.close()


async def revoke_key(database_url: str, plaintext: str) -> None:
    connection = await asyncpg.connect(database_url, server_settings={"search_path": SCHEMA})
    try:
        await key_store.revoke(connection, plaintext.split("_")[1])
    finally:
        await connection.close()
