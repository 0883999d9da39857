"""The metrics service's dedup records when two instances apply the same events at once, as
they may while a partition moves between them: one waits for the other, neither deadlocks,
and each event is applied once."""

import asyncio

import asyncpg

from services.metrics import repository
from tests.polling import eventually
from tests.unit.lund_events import activity, local


async def waits_for_a_lock(database_url: str, pid: int) -> bool:
    connection = await asyncpg.connect(database_url)
    try:
        waiting = await connection.fetchval(
            "SELECT wait_event_type = 'Lock' FROM pg_stat_activity WHERE pid = $1", pid
        )
    finally:
        await connection.close()
    return bool(waiting)


async def test_two_writers_of_the_same_events_in_opposite_orders_wait_in_turn(
    metrics_pool: asyncpg.Pool, database_url: str
) -> None:
    first = activity("foreningsliv", local(2017, 4, 3, 18), event_id="a-first")
    second = activity("foreningsliv", local(2017, 4, 4, 18), event_id="b-second")

    async with metrics_pool.acquire() as one, metrics_pool.acquire() as other:
        one_writes = one.transaction()
        await one_writes.start()
        applied_by_one = await repository.record_applied(one, [first])

        # The other instance's batch holds both, the later one first. Were its rows written
        # in the batch's order, it would hold `second` while waiting for `first`, and the
        # first instance, writing `second` next, would wait for it: a deadlock.
        async with other.transaction():
            applying = asyncio.create_task(repository.record_applied(other, [second, first]))
            await eventually(lambda: waits_for_a_lock(database_url, other.get_server_pid()), bool)
            applied_by_one |= await asyncio.wait_for(
                repository.record_applied(one, [second]), timeout=10
            )
            await one_writes.commit()
            applied_by_other = await asyncio.wait_for(applying, timeout=10)

    assert set(applied_by_one) == {
        (first.envelope.source, "a-first"),
        (second.envelope.source, "b-second"),
    }
    assert applied_by_other == {}
