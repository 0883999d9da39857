"""PostgreSQL helpers: connection pools and per-service migrations."""

from typing import TypeAlias

import asyncpg
from asyncpg.pool import PoolConnectionProxy

# What repositories take: a plain connection or one borrowed from a pool.
Connection: TypeAlias = "asyncpg.Connection[asyncpg.Record] | PoolConnectionProxy[asyncpg.Record]"

# The database cannot be reached just now (down, restarting, shutting down, connection lost):
# nothing is wrong with what was asked, and the same request can succeed later.
UNREACHABLE: tuple[type[Exception], ...] = (
    OSError,
    TimeoutError,
    asyncpg.PostgresConnectionError,
    asyncpg.InterfaceError,
    asyncpg.CannotConnectNowError,
    asyncpg.TooManyConnectionsError,
    asyncpg.AdminShutdownError,
    asyncpg.CrashShutdownError,
)
