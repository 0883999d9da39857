"""One leader among the instances of a service: a session advisory lock, held by a connection
of its own for as long as the leader leads.

That connection may die while the leader's work goes on (a restarted server, a cut network):
the lock then goes with it, and a successor may take it. So the work confirms the lock in
each of its own transactions (`Leader.confirm`), not apart: a lock confirmed in the same
transaction that locks the rows the work is about makes a successor wait for those rows,
instead of doing the same work beside it.
"""

import contextlib
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass

import asyncpg

from shared.db import Connection


class LeadershipLost(Exception):
    """The leader's lock went with its connection: another instance may be leading now."""


@dataclass(frozen=True, slots=True)
class Leader:
    """The lock, held; its connection also carries the leader's LISTENs."""

    connection: "asyncpg.Connection[asyncpg.Record]"
    name: str

    @property
    def pid(self) -> int:
        """The server process that holds the lock."""
        return self.connection.get_server_pid()

    async def listen(self, channel: str, wake: Callable[[], None]) -> None:
        """Call `wake` whenever a transaction NOTIFYs `channel` and commits."""
        await self.connection.add_listener(channel, lambda *_: wake())

    async def confirm(self, connection: Connection) -> None:
        """Raise LeadershipLost unless the lock is still held, asked in the caller's
        transaction on `connection` (see the module's docstring)."""
        await confirm_leader(connection, self.pid, self.name)


async def confirm_leader(connection: Connection, pid: int, name: str) -> None:
    """Raise LeadershipLost unless the server process `pid` still holds an advisory lock."""
    held = await connection.fetchval(
        "SELECT EXISTS (SELECT FROM pg_locks WHERE locktype = 'advisory' AND granted AND pid = $1)",
        pid,
    )
    if not held:
        raise LeadershipLost(f"the lock {name!r} went with its connection")


@contextlib.asynccontextmanager
async def leader_lock(dsn: str, schema: str, name: str) -> AsyncIterator[Leader]:
    """Wait until this instance holds the lock `name`, then lead until the block ends."""
    connection: asyncpg.Connection[asyncpg.Record] = await asyncpg.connect(
        dsn, server_settings={"search_path": schema}
    )
    try:
        await connection.execute("SELECT pg_advisory_lock(hashtext($1))", name)
        yield Leader(connection, name)
    finally:
        with contextlib.suppress(Exception):
            await connection.close(timeout=2)
