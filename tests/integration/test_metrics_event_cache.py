"""The metrics service's event cache holds every applied event once, however the consumer's
batches and the catch-up from the database interleave: a restarted service applies its
backlog while its first catch-up still pages through the events applied before."""

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any, cast

import asyncpg
import pytest

from services.metrics import repository
from services.metrics.domain.facts import KnownEvent
from services.metrics.event_cache import EventCache, SeqSet
from shared.db import Connection
from shared.promises import default_promises
from tests.factories import activity_completed
from tests.unit.lund_events import known

LUND = default_promises()[0]
FIRST = datetime(2017, 3, 6, 9, tzinfo=UTC)


def walks(count: int, first: int = 0) -> list[KnownEvent]:
    """Safety walks on consecutive days, so each one is told apart in the facts."""
    return [
        known(activity_completed("trygghetsvandringar", time=FIRST + timedelta(days=first + n)))
        for n in range(count)
    ]


async def apply(pool: asyncpg.Pool, events: list[KnownEvent]) -> list[tuple[int, KnownEvent]]:
    """What the consumer does with a batch: record it, and hand the committed events on."""
    async with pool.acquire() as connection, connection.transaction():
        seqs = await repository.record_applied(connection, events)
    return [(seqs[(e.envelope.source, e.envelope.id)], e) for e in events]


def walk_days(cache: EventCache) -> list[str]:
    facts = cache.log(LUND.zone).facts_at(datetime(2030, 1, 1, tzinfo=UTC))
    return [fact.day.isoformat() for fact in facts.activities_of("trygghetsvandringar")]


def days_of(events: list[KnownEvent]) -> list[str]:
    return sorted(e.envelope.time.astimezone(LUND.zone).date().isoformat() for e in events)


@pytest.fixture
async def history(metrics_pool: asyncpg.Pool) -> list[KnownEvent]:
    """A dozen safety walks applied before the service (re)starts."""
    applied = walks(12)
    await apply(metrics_pool, applied)
    return applied


def fresh_cache() -> EventCache:
    """The cache of a service just (re)started, with a window and pages so small that a
    dozen events span several of each."""
    return EventCache([LUND.zone], late_commit_window=3, page=4)


class BetweenPages:
    """A connection that lets something happen after the first page the catch-up reads."""

    def __init__(self, connection: Any, then: Callable[[], Awaitable[None]]) -> None:
        self._connection = connection
        self._then: Callable[[], Awaitable[None]] | None = then

    async def fetch(self, query: str, *args: Any) -> Any:
        rows = await self._connection.fetch(query, *args)
        if self._then is not None and "SELECT seq FROM" in query:
            then, self._then = self._then, None
            await then()
        return rows


async def test_a_batch_applied_before_the_first_catch_up_hides_no_older_event(
    metrics_pool: asyncpg.Pool, history: list[KnownEvent]
) -> None:
    cache = fresh_cache()
    backlog = walks(2, first=12)
    cache.add(await apply(metrics_pool, backlog))

    async with metrics_pool.acquire() as connection:
        await cache.catch_up(connection)

    assert walk_days(cache) == days_of(history + backlog)
    assert cache.size == 14


async def test_batches_applied_while_the_first_catch_up_pages_hide_no_older_event(
    metrics_pool: asyncpg.Pool, history: list[KnownEvent]
) -> None:
    cache = fresh_cache()
    backlog = walks(8, first=12)

    async def consumer_applies_its_backlog() -> None:
        cache.add(await apply(metrics_pool, backlog))

    async with metrics_pool.acquire() as connection:
        await cache.catch_up(
            cast(Connection, BetweenPages(connection, consumer_applies_its_backlog))
        )

    assert walk_days(cache) == days_of(history + backlog)
    assert cache.size == 20


async def test_an_event_the_consumer_added_and_the_catch_up_reads_again_counts_once(
    metrics_pool: asyncpg.Pool,
) -> None:
    cache = fresh_cache()
    async with metrics_pool.acquire() as connection:
        await cache.catch_up(connection)
    batch = walks(5)
    applied = await apply(metrics_pool, batch)
    cache.add(applied)
    cache.add(applied)  # the consumer's batch, handed on again

    async with metrics_pool.acquire() as connection:
        await cache.catch_up(connection)
        await cache.catch_up(connection)

    assert walk_days(cache) == days_of(batch)
    assert cache.size == 5


def test_an_event_is_known_by_its_sequence_number_however_far_apart_they_lie() -> None:
    seen = SeqSet()
    assert [seen.add(seq) for seq in (1, 9, 1_000_003, 9, 2)] == [True, True, True, False, True]
    assert [seq in seen for seq in (0, 1, 2, 3, 9, 1_000_002, 1_000_003, 5_000_000)] == [
        False, True, True, False, True, False, True, False,
    ]  # fmt: skip
