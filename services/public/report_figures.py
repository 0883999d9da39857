"""The figures of a follow-up report the site serves: read from the metrics service when
asked for, kept, and served as kept (with their age) while it cannot be reached."""

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime

from services.public.domain.report_period import ReportPeriod
from services.public.domain.snapshot import Snapshot
from services.public.kpi_source import KpiSource, KpiUnavailable
from services.public.snapshot_store import SnapshotStore
from shared.promises import Promise

log = logging.getLogger(__name__)


class ReportFigures:
    def __init__(
        self, source: KpiSource, store: SnapshotStore, clock: Callable[[], datetime]
    ) -> None:
        self._source = source
        self._store = store
        self._clock = clock

    async def figures(self, promise: Promise, period: ReportPeriod) -> Snapshot | None:
        """The KPIs as they stood at the end of `period`, with what was said about it and
        retracted until now, as read now or last; None when they were never read."""
        name = f"{promise.id}.report-{period.label}"
        now = self._clock()
        try:
            kpis = await self._source.promise_kpis(
                promise.id, period.evaluated_at(promise.zone, now), period.last, known_at=now
            )
        except KpiUnavailable as error:
            log.warning("the figures of the %s report were not read: %s", name, error)
            return await asyncio.to_thread(self._store.load, name)
        snapshot = Snapshot(promise.id, now, kpis)
        try:
            await asyncio.to_thread(self._store.save, snapshot, name)
        except OSError as error:
            log.warning("the figures of the %s report could not be kept: %s", name, error)
        return snapshot
