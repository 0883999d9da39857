"""PostgreSQL helpers: connection pools, per-service migrations, the leader lock (`leader`),
the columns every table of received events shares (`event_rows`), and what counts as the
database being unreachable (`UNREACHABLE`)."""

from typing import TypeAlias

import asyncpg
from asyncpg.pool import PoolConnectionProxy

# What repositories take: a plain connection or one borrowed from a pool.
Connection: TypeAlias = "asyncpg.Connection[asyncpg.Record] | PoolConnectionProxy[asyncpg.Record]"

# The database cannot serve just now (down, restarting, shutting down, connection lost, out of
# resources, a statement cancelled, a transaction that lost a race): nothing is wrong with
# what was asked, and the same request can succeed later.
UNREACHABLE: tuple[type[Exception], ...] = (
    OSError,
    TimeoutError,
    asyncpg.PostgresConnectionError,
    asyncpg.InterfaceError,
    # 57xxx: shutdown, crash, starting up, a statement cancelled or timed out.
    asyncpg.exceptions.OperatorInterventionError,
    # 53xxx: too many connections, out of memory, disk full.
    asyncpg.exceptions.InsufficientResourcesError,
    # 40xxx: a deadlock or serialization failure; the transaction was rolled back whole.
    asyncpg.exceptions.TransactionRollbackError,
    # A pooled connection that has read the server's goodbye ("terminating connection") but
    # not yet seen its socket close is refused by asyncpg itself ("cannot switch to state
    # ...; another operation is in progress"): the restart's window, not a fault of the query.
    asyncpg.exceptions.InternalClientError,
)
