"""Evaluates the KPIs on a timer and whenever new events arrive, and announces what changed.

The announcement is exactly once: what was announced before is read under a row lock, and
the outbox rows announcing the news are written in the same transaction as the new state.
Missed slots and passed deadlines need no event to be noticed: the timer's clock does it.
"""

import asyncio
import contextlib
import logging
import time
import uuid
from collections.abc import Awaitable, Callable, Mapping, Sequence
from datetime import date, datetime, timedelta

import asyncpg

from services.metrics import SCHEMA, repository
from services.metrics.announcements import record_for
from services.metrics.domain.changes import (
    Announced,
    CommitmentStatusChanged,
    KpiChange,
    changes,
)
from services.metrics.domain.engine import evaluate_item, evaluate_log
from services.metrics.domain.kpis import CommitmentKpi, OutcomeKpi, PromiseKpis, Status
from services.metrics.event_cache import EventCache
from shared.db import UNREACHABLE, Connection
from shared.messaging.outbox import enqueue
from shared.promises import Promise, SchoolHolidayCalendar

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]
CLOSING_DAYS = 31
# The database away, or a statement failing: the round is tried again on the next tick.
POSTPONED: tuple[type[Exception], ...] = (*UNREACHABLE, asyncpg.PostgresError)
# Evaluating shares the process with consuming: after each evaluation the evaluator rests
# this many times as long as it took, so that however long evaluations grow, the consumer
# that catches up with a backlog keeps most of the time.
REST_PER_WORK = 4.0


class KpiEvaluator:
    def __init__(
        self,
        *,
        pool: asyncpg.Pool,
        promises: Sequence[Promise],
        calendars: Mapping[str, SchoolHolidayCalendar],
        cache: EventCache,
        clock: Clock,
        output_topic: str,
        gap_notice_days: int,
        interval_seconds: float,
        caught_up: Callable[[], Awaitable[bool]],
    ) -> None:
        self._pool = pool
        self.promises = tuple(promises)
        self._calendars = calendars
        self._cache = cache
        self._clock = clock
        self._topic = output_topic
        self._gap_notice_days = gap_notice_days
        self._interval = interval_seconds
        self._caught_up = caught_up
        self._dirty = asyncio.Event()
        self.latest: dict[str, PromiseKpis] = {}
        self.evaluated_events = 0  # how many applied events `latest` comes from

    def wake(self) -> None:
        self._dirty.set()

    def evaluate_at(
        self, promise: Promise, at: datetime, period_of: date | None = None
    ) -> PromiseKpis:
        """KPIs as of any time, from the events known now (the HTTP API's `?at=`), for the
        periods containing `period_of` (default: those containing `at`)."""
        return evaluate_log(
            promise,
            self._cache.log(promise.zone),
            at,
            calendars=self._calendars,
            period_of=period_of,
            promises=self.promises,
        )

    def evaluate_item_at(
        self, promise: Promise, at: datetime, item_id: str, period_of: date | None = None
    ) -> CommitmentKpi | OutcomeKpi | None:
        """One commitment or outcome indicator as `evaluate_at` shows it, evaluated alone."""
        return evaluate_item(
            promise,
            self._cache.log(promise.zone),
            at,
            item_id,
            calendars=self._calendars,
            period_of=period_of,
            promises=self.promises,
        )

    async def run(self) -> None:
        """Evaluate until cancelled: at once, then when woken, and at least every interval."""
        timer_tick = True
        while True:
            started = time.monotonic()
            try:
                await self.evaluate_all(catch_up=timer_tick)
            except POSTPONED as error:
                log.warning("KPI evaluation postponed: %s", error)
            except Exception:
                # Whatever failed, the next round may not: announcements must never stop
                # for good while the service goes on serving as if all were well.
                log.exception("KPI evaluation failed; trying again on the next round")
            await asyncio.sleep((time.monotonic() - started) * REST_PER_WORK)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._dirty.wait(), self._interval)
            timer_tick = not self._dirty.is_set()
            self._dirty.clear()

    async def evaluate_all(self, *, catch_up: bool = True) -> None:
        at = self._clock()
        async with self._pool.acquire() as connection:
            if catch_up:
                await self._cache.catch_up(connection)
            self.evaluated_events = self._cache.size
            if not await self._caught_up():
                # Behind on the topic, the KPIs are incomplete: show them, announce nothing.
                for promise in self.promises:
                    self.latest[promise.id] = self.evaluate_at(promise, at)
                self._dirty.set()
                await asyncio.sleep(min(self._interval, 1.0))
                return
            for promise in self.promises:
                async with connection.transaction():
                    kpis, news = await self._announce(connection, promise, promise.id, at, None)
                    closing = closing_day(promise, at)
                    if closing is not None:
                        _, verdicts = await self._announce(
                            connection, promise, f"{promise.id}@{closing.year}", at, closing
                        )
                        news += verdicts
                self.latest[promise.id] = kpis
                if news:
                    log.info("announced %d KPI changes for %s", len(news), promise.id)

    async def _announce(
        self,
        connection: Connection,
        promise: Promise,
        ledger: str,
        at: datetime,
        closing: date | None,
    ) -> tuple[PromiseKpis, list[KpiChange]]:
        """Evaluate, and announce what is new since the ledger's last word, in one go."""
        stored = await repository.announced_for_update(connection, ledger)
        previous = Announced.from_json(stored) if stored else Announced()
        kpis = self.evaluate_at(promise, at, closing)
        news, announced = changes(previous, kpis, gap_notice_days=self._gap_notice_days)
        if closing is not None:
            news = [change for change in news if is_verdict(change)]
        records = [
            record_for(change, promise, kpis, self._topic, str(uuid.uuid4()), at) for change in news
        ]
        await enqueue(connection, SCHEMA, records)
        await repository.save_announced(connection, ledger, announced.to_json(), at)
        return kpis, news


def closing_day(promise: Promise, at: datetime) -> date | None:
    """The last day of the year that ended, while its verdicts are still coming in.

    A year's `missed` and `achieved` are only final once it is over, when the KPIs have
    moved on to the new year; for a month after New Year (late reports included) the
    closing year is evaluated too and its final verdicts announced, each once.
    """
    today = at.astimezone(promise.zone).date()
    new_year = date(today.year, 1, 1)
    last_day = new_year - timedelta(days=1)
    if (today - new_year).days >= CLOSING_DAYS or last_day < promise.valid_from:
        return None
    return last_day


def is_verdict(change: KpiChange) -> bool:
    return isinstance(change, CommitmentStatusChanged) and change.new in (
        Status.ACHIEVED,
        Status.MISSED,
    )
