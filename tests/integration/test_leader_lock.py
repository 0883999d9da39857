"""One leader at a time: a second instance waits for the lock until the first lets it go, and
a leader whose lock connection died learns it in its next transaction."""

import asyncio
import uuid

import asyncpg
import pytest

from shared.db.leader import LeadershipLost, leader_lock
from tests.polling import eventually


async def waiting_for_a_lock(connection: asyncpg.Connection) -> bool:
    waiting: bool = await connection.fetchval(
        "SELECT EXISTS (SELECT FROM pg_locks WHERE locktype = 'advisory' AND NOT granted)"
    )
    return waiting


async def backend_alive(connection: asyncpg.Connection, pid: int) -> bool:
    alive: bool = await connection.fetchval(
        "SELECT EXISTS (SELECT FROM pg_stat_activity WHERE pid = $1)", pid
    )
    return alive


async def test_a_second_instance_leads_only_once_the_first_lets_go(database_url: str) -> None:
    name = f"test:{uuid.uuid4()}"
    observer = await asyncpg.connect(database_url)
    try:
        async with leader_lock(database_url, "public", name) as first:
            second = asyncio.create_task(_lead_once(database_url, name))
            await eventually(lambda: waiting_for_a_lock(observer), lambda waiting: waiting)
            assert not second.done()
            await first.confirm(observer)
        successor_pid = await asyncio.wait_for(second, 10)
        assert successor_pid != first.pid
    finally:
        await observer.close()


async def _lead_once(database_url: str, name: str) -> int:
    async with leader_lock(database_url, "public", name) as leader:
        return leader.pid


async def test_a_leader_whose_lock_connection_died_is_told_in_its_next_transaction(
    database_url: str,
) -> None:
    worker = await asyncpg.connect(database_url)
    try:
        async with leader_lock(database_url, "public", f"test:{uuid.uuid4()}") as leader:
            async with worker.transaction():
                await leader.confirm(worker)
            await worker.execute("SELECT pg_terminate_backend($1)", leader.pid)
            # The server ends the backend, and with it the lock, a moment after it is asked.
            await eventually(lambda: backend_alive(worker, leader.pid), lambda alive: not alive)
            with pytest.raises(LeadershipLost):
                async with worker.transaction():
                    await leader.confirm(worker)
    finally:
        await worker.close()
