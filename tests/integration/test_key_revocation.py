"""Services remember the keys they found valid, and forget one the moment it changes: a key
revoked while two instances are serving it is refused by both, without a restart, whether
it was revoked with `lofte keys revoke` or by hand in the database."""

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack

import asyncpg
import httpx
import pytest

from tests.activities_service import activities_client
from tests.keys import bearer, create_key, revoke_key
from tests.polling import eventually


@pytest.fixture
async def instances(
    kafka_bootstrap: str, database_url: str, namespace: str
) -> AsyncIterator[list[httpx.AsyncClient]]:
    async with AsyncExitStack() as stack:
        yield [
            await stack.enter_async_context(
                activities_client(kafka_bootstrap, database_url, namespace)
            )
            for _ in range(2)
        ]


async def answers(instances: list[httpx.AsyncClient], key: str) -> list[int]:
    return [
        (await client.get("/v1/activities", headers=bearer(key))).status_code
        for client in instances
    ]


async def test_a_key_revoked_with_the_cli_is_refused_by_every_instance(
    instances: list[httpx.AsyncClient], database_url: str
) -> None:
    key = await create_key(database_url, "polisen")
    await eventually(lambda: answers(instances, key), lambda found: found == [200, 200])
    assert await answers(instances, key) == [200, 200]  # remembered by now, on both

    await revoke_key(database_url, key)

    await eventually(lambda: answers(instances, key), lambda found: found == [401, 401])


async def test_a_key_changed_by_hand_is_refused_by_every_instance(
    instances: list[httpx.AsyncClient], database_url: str
) -> None:
    key = await create_key(database_url, "polisen")
    await eventually(lambda: answers(instances, key), lambda found: found == [200, 200])

    connection = await asyncpg.connect(database_url)
    try:
        await connection.execute("DELETE FROM access.api_keys WHERE key_id = $1", key.split("_")[1])
    finally:
        await connection.close()

    await eventually(lambda: answers(instances, key), lambda found: found == [401, 401])
