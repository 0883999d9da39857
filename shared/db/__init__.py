"""PostgreSQL helpers: connection pools and per-service migrations."""

from typing import TypeAlias

import asyncpg
from asyncpg.pool import PoolConnectionProxy

# What repositories take: a plain connection or one borrowed from a pool.
Connection: TypeAlias = "asyncpg.Connection[asyncpg.Record] | PoolConnectionProxy[asyncpg.Record]"
