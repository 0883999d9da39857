"""The activities service's register and outbox, read to check what a load left behind."""

import asyncio
import time

import asyncpg

from bench.load import Load


class DataLost(AssertionError):
    """The register does not hold what the service acknowledged."""


COUNT = {
    "register": "SELECT count(*) FROM activities.register",
    "outbox": "SELECT count(*) FROM activities.outbox",
}


class Register:
    def __init__(self, database_url: str) -> None:
        self._url = database_url
        self.acknowledged = 0
        self.registered = 0

    async def _count(self, table: str) -> int:
        connection = await asyncpg.connect(self._url)
        try:
            count: int = await connection.fetchval(COUNT[table])
        finally:
            await connection.close()
        return count

    async def count(self) -> int:
        return await self._count("register")

    async def settled(self, every: float = 0.3) -> int:
        """The count once requests still in flight when wrk stopped have been committed."""
        last = await self.count()
        while True:
            await asyncio.sleep(every)
            now = await self.count()
            if now == last:
                return now
            last = now

    def check(
        self, load: Load, size: int, connections: int, added: int, *, distinct: int = 0
    ) -> None:
        """Every acknowledged event registered; beyond that, at most what was still in flight
        when wrk stopped (one request a connection) or went unanswered. With `distinct`
        events sent again and again, each of them once."""
        unanswered = connections + load.timeouts + load.socket_errors
        acknowledged = load.answered * size
        most = acknowledged + unanswered * size
        if distinct:
            acknowledged, most = min(acknowledged, distinct), distinct
        if not acknowledged <= added <= most:
            raise DataLost(
                f"the register gained {added} events; the service acknowledged {acknowledged}"
                f" and at most {most - acknowledged} more were in flight"
            )
        self.acknowledged += acknowledged
        self.registered += added

    async def outbox_drained(self, within: float) -> float:
        """Seconds until the relay has published every registered event to Kafka."""
        started = time.monotonic()
        while await self._count("outbox"):
            if time.monotonic() - started > within:
                raise TimeoutError(f"the outbox still holds events after {within:.0f}s")
            await asyncio.sleep(0.1)
        return time.monotonic() - started
