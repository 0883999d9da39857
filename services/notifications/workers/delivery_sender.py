"""The delivery sender works the delivery log: every due row is attempted, and its outcome
recorded.

- A row is marked `sending` and that is committed BEFORE the attempt; the attempt runs in a
  task of its own with a timeout, so a slow or failing channel never holds up the others.
- delivered: done. Temporary failure (SMTP 4xx, HTTP 5xx, 408, 429, timeouts, refused
  connections): again at `next_attempt` (exponential backoff with full jitter, honouring a
  Retry-After) until the give-up time, then failed. Permanent failure (SMTP 5xx, HTTP 4xx):
  failed at once, never retried.
- One sender is active per database (a leader lock, confirmed as it claims rows). When it
  takes over, rows still `sending` were cut off mid-attempt by a sender that stopped: they
  are attempted again with the same id (see `delivery_attempts`). New deliveries, whichever
  instance planned them, wake it through PostgreSQL's LISTEN/NOTIFY; the poll is a safety
  net.

The guarantee: every planned message reaches each target AT LEAST once unless it is given up
(and then it is recorded as failed, with a metric); a receiver that drops repeats of a
`webhook-id` or Message-ID it has seen gets it EXACTLY once.
"""

import asyncio
import contextlib
import logging
import random
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial

import asyncpg

from services.notifications.channels import DeliveryResult, next_attempt
from services.notifications.domain.messages import LoggedDelivery
from services.notifications.repository import deliveries
from services.notifications.repository import notifications as notification_records
from services.notifications.telemetry import NotificationMetrics
from services.notifications.workers.delivery_attempts import DeliveryAttempts
from shared.background import Backoff, Round, Rounds
from shared.db import UNREACHABLE
from shared.db.leader import Leader, leader_lock

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]
# An outcome waits for the database as long as it takes, backing off as the rounds do.
_RECORDING = Backoff()
_SHORTEST_PAUSE = 0.01


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    base: timedelta
    max_delay: timedelta
    give_up_after: timedelta


class DeliverySender:
    def __init__(
        self,
        *,
        pool: asyncpg.Pool,
        dsn: str,
        schema: str,
        attempts: DeliveryAttempts,
        clock: Clock,
        metrics: NotificationMetrics,
        retry: RetryPolicy,
        concurrency: int,
        poll_seconds: float,
        send_timeout: float,
    ) -> None:
        self._pool = pool
        self._dsn = dsn
        self._schema = schema
        self._attempts = attempts
        self._clock = clock
        self._metrics = metrics
        self._retry = retry
        self._concurrency = concurrency
        self._poll_seconds = poll_seconds
        self._send_timeout = send_timeout
        self._rng = random.SystemRandom()
        self._rounds = Rounds("sending", log)
        self._busy: dict[uuid.UUID, asyncio.Task[None]] = {}

    def wake(self) -> None:
        self._rounds.wake()

    async def run(self) -> None:
        """Send until cancelled, surviving database outages; cancelled attempts stay
        `sending`, for whoever sends next."""
        await self._rounds.run_sessions(self._leading)

    @contextlib.asynccontextmanager
    async def _leading(self) -> AsyncIterator[Round]:
        async with (
            leader_lock(self._dsn, self._schema, f"sender:{self._schema}") as leader,
            self._attempts.connected(),
        ):
            # Deliveries planned by any instance's delivery planner wake the sender at once.
            await leader.listen(deliveries.NEW_DELIVERIES, self.wake)
            try:
                async with self._pool.acquire() as connection:
                    resumed = await deliveries.resume_cut_off(connection, self._clock())
                for delivery_id in resumed:
                    log.info("sending again, same id", extra={"delivery_id": str(delivery_id)})
                yield partial(self._start_due, leader)
            finally:
                await self._abandon_attempts()

    async def _abandon_attempts(self) -> None:
        tasks = list(self._busy.values())
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        self._busy.clear()

    async def _start_due(self, leader: Leader) -> float:
        """Start what is due; return how long to wait for the next (unless woken first)."""
        free = self._concurrency - len(self._busy)
        now = self._clock()
        async with self._pool.acquire() as connection, connection.transaction():
            # A lost lock means another sender may have taken over: claim nothing beside it.
            await leader.confirm(connection)
            claimed = await deliveries.claim_due(connection, now, free, list(self._busy))
            due = await deliveries.next_due(connection)
        for delivery in claimed:
            task = asyncio.create_task(self._deliver(delivery))
            self._busy[delivery.id] = task
            task.add_done_callback(self._finished)
        if due is None or len(self._busy) >= self._concurrency:
            return self._poll_seconds
        return min(self._poll_seconds, max((due - now).total_seconds(), _SHORTEST_PAUSE))

    def _finished(self, task: "asyncio.Task[None]") -> None:
        for delivery_id, running in list(self._busy.items()):
            if running is task:
                del self._busy[delivery_id]
        self.wake()

    async def _deliver(self, delivery: LoggedDelivery) -> None:
        extra = {"notification_key": ",".join(delivery.keys), "delivery_id": str(delivery.id)}
        log.info("attempt %d by %s", delivery.attempts, delivery.channel, extra=extra)
        try:
            result = await asyncio.wait_for(self._attempts.attempt(delivery), self._send_timeout)
        except TimeoutError:
            result = DeliveryResult("temporary", f"no answer within {self._send_timeout:g}s")
        except Exception as error:
            log.exception("attempt failed unexpectedly", extra=extra)
            result = DeliveryResult("permanent", f"could not be sent: {type(error).__name__}")
        delay = _RECORDING.first
        while True:
            try:
                await self._record(delivery, result)
                return
            except UNREACHABLE as error:
                log.warning("outcome not recorded yet (%s)", error, extra=extra)
                await asyncio.sleep(delay)
                delay = _RECORDING.after(delay)
            except Exception:
                # Left `sending`: the next sender to take over attempts it again, same id.
                log.exception("outcome could not be recorded", extra=extra)
                return

    async def _record(self, delivery: LoggedDelivery, result: DeliveryResult) -> None:
        now = self._clock()
        retry_at = self._retry_at(delivery, result, now) if result.retryable else None
        created: dict[str, datetime] = {}
        async with self._pool.acquire() as connection, connection.transaction():
            if result.delivered:
                await deliveries.finish(
                    connection, delivery.id, "delivered", now, result.code, result.detail
                )
                await notification_records.mark_sent(connection, delivery.keys, now)
                if delivery.reason != "escalation":
                    created = await notification_records.created_times(
                        connection, delivery.new_keys
                    )
            elif retry_at is not None:
                await deliveries.retry_at(
                    connection, delivery.id, retry_at, result.code, result.detail
                )
            else:
                await deliveries.finish(
                    connection, delivery.id, "failed", now, result.code, result.detail
                )
                await notification_records.mark_failed(
                    connection, delivery.keys, result.detail, now
                )
        self._count(delivery, result, retry_at, created, now)

    def _retry_at(
        self, delivery: LoggedDelivery, result: DeliveryResult, now: datetime
    ) -> datetime | None:
        return next_attempt(
            delivery.attempts,
            delivery.first_attempt_at or now,
            now,
            base=self._retry.base,
            max_delay=self._retry.max_delay,
            give_up_after=self._retry.give_up_after,
            rng=self._rng,
            not_before=now + result.retry_after if result.retry_after else None,
        )

    def _count(
        self,
        delivery: LoggedDelivery,
        result: DeliveryResult,
        retry_at: datetime | None,
        created: dict[str, datetime],
        now: datetime,
    ) -> None:
        channel, organisation = delivery.channel, delivery.organisation
        extra = {"notification_key": ",".join(delivery.keys), "delivery_id": str(delivery.id)}
        if result.delivered:
            self._metrics.sent.labels(channel, organisation).inc()
            for at in created.values():
                self._metrics.latency.labels(channel).observe(max((now - at).total_seconds(), 0))
            log.info("delivered by %s", channel, extra=extra)
        elif retry_at is not None:
            self._metrics.retried.labels(channel, organisation).inc()
            log.info("temporary failure (%s); next attempt at %s", result.detail,
                     retry_at.isoformat(), extra=extra)  # fmt: skip
        else:
            self._metrics.failed.labels(channel, organisation).inc()
            log.warning("failed for good: %s", result.detail, extra=extra)
