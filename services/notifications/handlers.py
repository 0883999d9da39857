"""The notifications service's use cases on the way in: a KPI event, a reminder or a digest
becomes notifications, one per organisation, recorded once and put in the planner's groups.

Exactly once: the dedup record (`received_events` for KPI events, the notification's own
key for scheduled ones), the notification rows and the planner's state change are written
in ONE transaction, the caller's. A redelivered event or a second round of reminders and
digests finds its records and changes nothing.
"""

import asyncio
import logging
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from services.notifications.domain import (
    KpiEvent,
    Notification,
    RoutingConfig,
    notifications_for,
    receive,
)
from services.notifications.repository import notifications as notification_records
from services.notifications.repository import received_events
from services.notifications.repository.dispatch_state import StateStore
from shared.contracts.kpi_events import CoverageGap
from shared.db import Connection
from shared.messaging.applied import Applied

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]
STOCKHOLM = ZoneInfo("Europe/Stockholm")
Admitted = Callable[[Sequence[Notification]], None]


async def admit(
    connection: Connection,
    store: StateStore,
    config: RoutingConfig,
    notifications: Sequence[Notification],
    now: datetime,
) -> list[Notification]:
    """Record the notifications not recorded before and queue them for planning; return
    those. Runs in the caller's transaction."""
    new = await notification_records.insert_notifications(connection, notifications, now)
    if new:
        state = await store.lock(connection)
        received = await asyncio.to_thread(receive, state, config, new, now)
        await store.save(connection, received, now)
    return new


class ReceiveKpiEvents:
    """The consumer's `apply`: a batch of KPI events in the consumer's transaction.

    Once the batch has committed, `admitted` hears of the new notifications (to count them
    and to wake the delivery planner): never before, so nothing is planned from a rolled-back batch.
    """

    def __init__(
        self,
        *,
        config: RoutingConfig,
        focus_areas: Mapping[str, str],
        clock: Clock,
        gap_notice_days: int,
        admitted: Admitted,
        store: StateStore,
    ) -> None:
        self._config = config
        self._store = store
        self._focus_areas = focus_areas
        self._clock = clock
        self._gap_notice_days = gap_notice_days
        self._admitted = admitted
        self._uncommitted: list[Notification] = []

    async def __call__(self, connection: Connection, events: Sequence[KpiEvent]) -> Applied:
        self._uncommitted = []
        fresh = await received_events.record_received(connection, events)
        notifications = [
            notification
            for event in fresh
            if self._worth_telling(event)
            for notification in notifications_for(event, self._focus_areas)
        ]
        self._uncommitted = await admit(
            connection, self._store, self._config, notifications, self._clock()
        )
        return Applied(new=len(fresh), duplicates=len(events) - len(fresh))

    def _worth_telling(self, event: KpiEvent) -> bool:
        """A coverage gap is told while something can still be done about it: not with most
        of its period left (there is time yet), nor once the period is over (a service
        catching up on history would otherwise warn of months long gone)."""
        data = event.data
        if not isinstance(data, CoverageGap):
            return True
        today = self._clock().astimezone(STOCKHOLM).date()
        if data.days_left <= self._gap_notice_days and data.period.end > today:
            return True
        log.info(
            "coverage gap of %s for %s not told: %d days left",
            data.commitment,
            data.period.start.isoformat(),
            data.days_left,
            extra={"event_id": event.envelope.id},
        )
        return False

    def committed(self) -> None:
        if self._uncommitted:
            admitted, self._uncommitted = self._uncommitted, []
            self._admitted(admitted)
