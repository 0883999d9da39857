"""Connection pools pinned to one service's schema."""

import asyncio
import logging
import time

import asyncpg

log = logging.getLogger(__name__)


async def create_pool(dsn: str, schema: str, *, max_size: int = 10) -> asyncpg.Pool:
    """A pool whose connections resolve unqualified names in the service's own schema."""
    return await asyncpg.create_pool(
        dsn,
        min_size=1,
        max_size=max_size,
        server_settings={"search_path": schema, "application_name": f"lofte-{schema}"},
    )


async def connect_with_retry(dsn: str, schema: str, wait_seconds: float) -> asyncpg.Pool:
    """Create the pool, waiting for the database to come up for at most `wait_seconds`."""
    deadline = time.monotonic() + wait_seconds
    delay = 0.2
    while True:
        try:
            return await create_pool(dsn, schema)
        except (OSError, asyncpg.PostgresError) as error:
            if time.monotonic() + delay > deadline:
                raise
            log.warning("database not reachable yet (%s); retrying in %.1fs", error, delay)
            await asyncio.sleep(delay)
            delay = min(delay * 2, 5.0)
