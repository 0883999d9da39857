"""Keeping the figures fresh: read every promise's KPIs now and then, keep what was read.

The site serves from memory; memory is filled from the kept files at start, and each
successful read replaces both. A failed read changes nothing: the last figures stay, and
grow older, which the pages say.
"""

import asyncio
import logging
from collections.abc import Callable, Sequence
from datetime import datetime

from services.public.domain.snapshot import Snapshot
from services.public.kpi_source import KpiSource, KpiUnavailable
from services.public.snapshot_store import SnapshotStore
from services.public.telemetry import PublicMetrics
from shared.background import Rounds
from shared.promises import Promise

log = logging.getLogger(__name__)


class Refresher:
    def __init__(
        self,
        *,
        promises: Sequence[Promise],
        source: KpiSource,
        store: SnapshotStore,
        clock: Callable[[], datetime],
        interval_seconds: float,
        metrics: PublicMetrics,
    ) -> None:
        self._promises = promises
        self._source = source
        self._store = store
        self._clock = clock
        self._interval = interval_seconds
        self._metrics = metrics
        self.latest: dict[str, Snapshot] = {}

    def restore(self) -> None:
        """What was kept before a restart, until the first read replaces it."""
        for promise in self._promises:
            if kept := self._store.load(promise.id):
                self.latest[promise.id] = kept

    def snapshot(self, promise_id: str) -> Snapshot | None:
        return self.latest.get(promise_id)

    async def refresh(self) -> None:
        for promise in self._promises:
            try:
                kpis = await self._source.promise_kpis(promise.id)
            except KpiUnavailable as error:
                self._metrics.fetches.labels(outcome="failed").inc()
                log.warning("the figures of %s were not updated: %s", promise.id, error)
                continue
            snapshot = Snapshot(promise.id, self._clock(), kpis)
            self.latest[promise.id] = snapshot
            self._metrics.fetches.labels(outcome="read").inc()
            try:
                # Off the event loop: a slow disk must not hold up the pages.
                await asyncio.to_thread(self._store.save, snapshot)
            except OSError as error:
                log.warning("the figures of %s could not be kept: %s", promise.id, error)

    async def run(self) -> None:
        await Rounds("reading the figures", log).run(self._round)

    async def _round(self) -> float:
        await self.refresh()
        return self._interval
