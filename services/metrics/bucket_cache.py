"""The KPI state as this instance knows it: each zone's buckets (`kpi_buckets`), caught up
with what any instance applied by the buckets' versions, and the facts of an evaluation.

The database stays the source of truth and every instance reads the same buckets, so every
instance gives the same answers; what is held here grows with the buckets (days and data
alike), never with the number of events.
"""

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from services.metrics import kpi_buckets
from services.metrics.domain.buckets import Bucket, BucketLog, Wanted, cut_days, day_bounds
from services.metrics.domain.fact_log import FactLog
from services.metrics.domain.facts import KnownEvent
from shared.contracts.events import EventData, parse_typed
from shared.db import Connection

PAGE = 5_000
# Parsed data is shared by every bucket that holds the same; a partner sending ever new data
# must not make the sharing itself grow without end.
MAX_SHARED = 100_000


@dataclass(frozen=True, slots=True)
class ReadWhole:
    zone: ZoneInfo
    cut: frozenset[date]
    events: list[KnownEvent]


class BucketCache:
    def __init__(self, zones: Iterable[ZoneInfo], *, page: int = PAGE) -> None:
        self._logs = {zone: BucketLog(zone) for zone in set(zones)}
        self._versions = dict.fromkeys(self._logs, 0)
        self._page = page
        self._data: dict[tuple[str, int, str], EventData] = {}
        self._zones_kept = False
        self._last_read: dict[ZoneInfo, tuple[frozenset[date], list[KnownEvent]]] = {}
        self.applied = 0  # events the buckets had taken in at the latest catch-up

    def __len__(self) -> int:
        return sum(len(log) for log in self._logs.values())

    async def catch_up(self, connection: Connection) -> None:
        if not self._zones_kept:
            await kpi_buckets.ensure_zones(connection, [zone.key for zone in self._logs])
            self._zones_kept = True
        # Read before the buckets: they hold at least what it counts.
        applied = await kpi_buckets.applied_total(connection)
        for zone, log in self._logs.items():
            while True:
                rows = await kpi_buckets.buckets_after(
                    connection, zone.key, self._versions[zone], self._page
                )
                for row in rows:
                    log.put(self._bucket(row))
                if rows:
                    self._versions[zone] = rows[-1]["version"]
                if len(rows) < self._page:
                    break
        self.applied = applied

    async def log_at(
        self,
        connection: Connection,
        zone: ZoneInfo,
        at: datetime,
        known_at: datetime | None = None,
        wanted: Wanted | None = None,
    ) -> FactLog:
        """The facts of an evaluation as of `at`, known at `known_at` (default: `at`), in
        `zone`: this instance's buckets, and what is read one by one (see `domain.buckets`);
        only those `wanted`, if given."""
        return self.log_of(await self.read_whole(connection, zone, at, known_at), wanted)

    async def read_whole(
        self,
        connection: Connection,
        zone: ZoneInfo,
        at: datetime,
        known_at: datetime | None = None,
    ) -> ReadWhole:
        """What an evaluation as of `at` (known at `known_at`) in `zone` reads one by one:
        the same for every promise of the zone, so a round that evaluates several reads it
        once."""
        cut = cut_days(at, zone)
        whole = await kpi_buckets.events_read_whole(
            connection, at, [day_bounds(day, zone) for day in sorted(cut)], known_at
        )
        self._last_read[zone] = (cut, whole)
        return ReadWhole(zone, cut, whole)

    def log_of(self, read: ReadWhole, wanted: Wanted | None = None) -> FactLog:
        return self._logs[read.zone].log_at(read.events, read.cut, wanted)

    def known_log(self, zone: ZoneInfo) -> FactLog:
        """The facts as this instance last knew them, for answering while the database is
        away: the buckets as last caught up, and the events last read one by one."""
        cut, whole = self._last_read.get(zone, (frozenset(), []))
        return self._logs[zone].log_at(whole, cut)

    def _bucket(self, row: Any) -> Bucket:
        key = (
            row["day"],
            row["type"],
            row["item"],
            row["promise"],
            row["schema_version"],
            row["data_key"],
        )
        if row["first_time"] is None or row["weight"] == 0:
            return Bucket(key, 0)
        shared = (row["type"], row["schema_version"], row["data_key"])
        data = self._data.get(shared)
        if data is None:
            if len(self._data) >= MAX_SHARED:
                self._data.clear()
            data = self._data[shared] = parse_typed(
                row["type"], row["schema_version"], json.loads(row["data"])
            )
        first = (row["first_time"], row["first_source"], row["first_id"])
        return Bucket(key, row["weight"], data, first)
