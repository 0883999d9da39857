"""Start-up and shut-down steps that every service's composition root takes."""

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator, Coroutine
from pathlib import Path
from typing import Any

import asyncpg
from faststream.kafka import KafkaBroker

from shared import access
from shared.contracts.topics import ALL
from shared.db.migrations import migrate
from shared.db.pool import connect_with_retry
from shared.messaging.admin import ensure_topics
from shared.messaging.connection import REFUSED, KafkaConnection, KafkaRefused
from shared.observability import ReadinessCheck
from shared.settings import ServiceSettings

log = logging.getLogger(__name__)


async def open_database(settings: ServiceSettings, schema: str, migrations: Path) -> asyncpg.Pool:
    """Connect (waiting for the database to come up) and bring the schema, and the shared
    `access` schema of API keys, up to date."""
    dsn = str(settings.database_url)
    pool = await connect_with_retry(dsn, schema, settings.startup_timeout_seconds)
    async with pool.acquire() as connection:
        # The keys first: the activities service's migrations move its old keys there.
        await migrate(connection, access.SCHEMA, access.MIGRATIONS)
        await migrate(connection, schema, migrations)
    return pool


async def connect_kafka(
    broker: KafkaBroker, kafka: KafkaConnection, settings: ServiceSettings
) -> None:
    """Create the project's topics and start the broker, waiting for Kafka to come up.

    A broker that answers but refuses the login is not waited for: the settings are wrong,
    and the service stops saying so (`KafkaRefused`) rather than retry until the timeout.
    """
    deadline = time.monotonic() + settings.startup_timeout_seconds
    delay = 0.2
    while True:
        try:
            await ensure_topics(
                kafka,
                ALL,
                settings.topic_namespace,
                replication_factor=settings.kafka_replication_factor,
            )
            await broker.start()
            return
        except Exception as error:
            reason = await kafka.why_not() or error
            if isinstance(reason, REFUSED):
                # Said on a line of its own: the traceback that follows buries it.
                log.error("%s", kafka.explain(reason))
                raise KafkaRefused(kafka.explain(reason)) from None
            if time.monotonic() + delay > deadline:
                raise ConnectionError(kafka.explain(reason)) from error
            log.warning("%s; retrying in %.1fs", kafka.explain(reason), delay)
            with contextlib.suppress(Exception):
                await broker.stop()
            await asyncio.sleep(delay)
            delay = min(delay * 2, 5.0)


def readiness_checks(
    pool: asyncpg.Pool, broker: KafkaBroker, kafka: KafkaConnection
) -> dict[str, ReadinessCheck]:
    async def postgres() -> None:
        # Bounded as a whole: a database that hangs must not hang the probe.
        async with pool.acquire(timeout=2) as connection:
            await connection.fetchval("SELECT 1", timeout=2)

    async def kafka_broker() -> None:
        if not await broker.ping(timeout=2):
            reason = await kafka.why_not(timeout_seconds=2)
            raise ConnectionError(
                "broker did not answer" if reason is None else kafka.explain(reason)
            )

    return {"postgres": postgres, "kafka": kafka_broker}


@contextlib.asynccontextmanager
async def background(*coroutines: Coroutine[Any, Any, None]) -> AsyncIterator[ReadinessCheck]:
    """Run long-lived tasks for the lifetime of the block; cancel them on the way out.

    Each is meant to run until cancelled; one that ends before is said loudly, or the
    service would go on looking healthy with a part of it gone. The block gets a readiness
    check that fails from then on, so that whatever runs the service restarts it.
    """
    tasks = [
        asyncio.create_task(coroutine, name=getattr(coroutine, "__qualname__", None))
        for coroutine in coroutines
    ]
    for task in tasks:
        task.add_done_callback(_ended_early)

    async def all_running() -> None:
        ended = [task.get_name() for task in tasks if task.done()]
        if ended:
            raise RuntimeError(f"stopped: {', '.join(ended)}")

    try:
        yield all_running
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


def _ended_early(task: "asyncio.Task[None]") -> None:
    if task.cancelled():
        return
    error = task.exception()
    log.error(
        "background task %s ended: %s",
        task.get_name(),
        "without an error" if error is None else repr(error),
        exc_info=error,
    )
