"""The delivery planner: runs the planner at once, whenever new notifications or answers arrive,
and at the plan's `next_wakeup` (but at least every `max_interval`).

Each round is ONE transaction that locks the planner's state, plans at the clock's now,
writes a delivery-log row for every message and channel target, records the deliveries and
drops in the state and saves it. So a planned delivery is logged exactly once: a round
that fails leaves neither the rows nor the state change, and the next round plans anew.
Sending is the sender's business; it is woken once the round has committed.
"""

import asyncio
import logging
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime, timedelta

import asyncpg

from services.notifications.domain import (
    DispatchState,
    Notification,
    Plan,
    RoutingConfig,
    Suppressed,
    drop,
    plan,
    record_delivery,
)
from services.notifications.domain.messages import LoggedDelivery, planned_rows
from services.notifications.repository import deliveries, dispatch_state
from services.notifications.repository import notifications as notification_records
from services.notifications.telemetry import SUPPRESSION_REASONS, NotificationMetrics
from shared.background import Rounds

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]
# Never spin: even a wake-up due right now waits this long after a round.
_SHORTEST_PAUSE = 0.01


class DeliveryPlanner:
    def __init__(
        self,
        *,
        pool: asyncpg.Pool,
        config: RoutingConfig,
        clock: Clock,
        metrics: NotificationMetrics,
        retention: timedelta,
        max_interval: float,
        wake_sender: Callable[[], None],
        store: dispatch_state.StateStore,
    ) -> None:
        self._pool = pool
        self._store = store
        self._config = config
        self._clock = clock
        self._metrics = metrics
        self._retention = retention
        self._max_interval = max_interval
        self._wake_sender = wake_sender
        self._rounds = Rounds("planning", log)

    def wake(self) -> None:
        self._rounds.wake()

    def admitted(self, notifications: Sequence[Notification]) -> None:
        """New notifications committed: count them and plan at once."""
        for notification in notifications:
            self._metrics.created.labels(notification.organisation, notification.kind).inc()
            log.info(
                "%s notification for %s",
                notification.kind,
                notification.organisation,
                extra={"notification_key": notification.key},
            )
        self.wake()

    async def run(self) -> None:
        await self._rounds.run(self._planned)

    async def _planned(self) -> float:
        """Plan once; rest until the plan's wake-up, but no longer than `max_interval`."""
        wakeup = await self.round()
        rest = self._max_interval
        if wakeup is not None:
            rest = min(rest, (wakeup - self._clock()).total_seconds())
        return max(rest, _SHORTEST_PAUSE)

    async def round(self) -> datetime | None:
        """Plan once; return when the plan wants to be asked again."""
        async with self._pool.acquire() as connection, connection.transaction():
            now = self._clock()
            stored = await self._store.lock(connection)
            state = await dispatch_state.with_answers(connection, stored, now)
            # Planning is pure and grows with the state: in a thread, the loop goes on
            # serving the consumer, the sender and the scrapes meanwhile.
            result, state, rows = await asyncio.to_thread(_decide, state, self._config, now)
            await deliveries.insert(connection, rows)
            state = await dispatch_state.pruned(connection, state, now, self._retention)
            await self._store.save(connection, state, now)
            held = await notification_records.mark_suppressed(
                connection, _reasons(result.suppressed), now
            )
        for key, organisation, reason in held:
            self._metrics.suppressed.labels(reason, organisation).inc()
            log.info("held back: %s", reason, extra={"notification_key": key})
        for row in rows:
            log.info(
                "%s delivery to %s by %s planned",
                row.reason,
                row.receiver,
                row.channel,
                extra={"notification_key": ",".join(row.keys), "delivery_id": str(row.id)},
            )
        if rows:
            self._wake_sender()
        return result.next_wakeup


def _decide(
    state: DispatchState, config: RoutingConfig, now: datetime
) -> tuple[Plan, DispatchState, list[LoggedDelivery]]:
    """The plan, the state once its deliveries and drops are recorded, and the log's rows."""
    result = plan(state, config, now)
    rows = [row for delivery in result.deliveries for row in planned_rows(delivery, config, now)]
    for delivery in result.deliveries:
        state = record_delivery(state, delivery, now)
    return result, drop(state, result.suppressed), rows


def _reasons(suppressed: Iterable[Suppressed]) -> dict[str, str]:
    """Why each notification was held back, where staff should see it (first reason wins)."""
    reasons: dict[str, str] = {}
    for entry in suppressed:
        if entry.reason in SUPPRESSION_REASONS:
            reasons.setdefault(entry.notification.key, entry.reason)
    return reasons
