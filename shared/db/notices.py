"""Hearing PostgreSQL notices (LISTEN) for as long as a service runs.

A listener that lost its connection may have missed notices; whoever relies on them is told
so (`on_listening(False)`) and must not trust what the notices would have corrected until it
hears again (`on_listening(True)`, from which point nothing is missed).
"""

import asyncio
import contextlib
import logging
from collections.abc import Callable

import asyncpg

from shared.db import UNREACHABLE

log = logging.getLogger(__name__)

FIRST_DELAY = 0.2
MAX_DELAY = 10.0


async def listen(
    dsn: str,
    channel: str,
    on_notice: Callable[[str], None],
    on_listening: Callable[[bool], None],
) -> None:
    """Call `on_notice` with each notice's payload on `channel` until cancelled, connecting
    again, with backoff, whenever the connection is lost."""
    delay = FIRST_DELAY
    while True:
        try:
            connection = await asyncpg.connect(dsn)
            try:
                await _hear(connection, channel, on_notice, on_listening)
                delay = FIRST_DELAY  # heard, then lost: try again at once
            finally:
                on_listening(False)
                with contextlib.suppress(Exception):
                    await connection.close(timeout=2)
        except UNREACHABLE as error:
            log.warning("cannot listen on %s now: %r", channel, error)
            await asyncio.sleep(delay)
            delay = min(delay * 2, MAX_DELAY)


async def _hear(
    connection: asyncpg.Connection,
    channel: str,
    on_notice: Callable[[str], None],
    on_listening: Callable[[bool], None],
) -> None:
    """Take the notices until the connection is lost."""
    lost = asyncio.Event()
    connection.add_termination_listener(lambda _connection: lost.set())
    await connection.add_listener(
        channel, lambda _connection, _pid, _channel, payload: on_notice(str(payload))
    )
    on_listening(True)
    await lost.wait()
