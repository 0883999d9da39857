"""The KPI state as this instance knows it: each zone's buckets (`kpi_buckets`), caught up
with what any instance applied by the buckets' versions, and the facts of an evaluation.

The database stays the source of truth and every instance reads the same buckets, so every
instance gives the same answers; what is held here grows with the buckets (days and data
alike), never with the number of events.
"""

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from services.metrics import kpi_buckets
from services.metrics.domain.buckets import (
    NOTHING_WANTED,
    Bucket,
    BucketLog,
    Wanted,
    day_bounds,
)
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
    """Each zone's buckets as last read: all of them up to one version, and those an
    evaluation wants (the KPIs this instance owns read) up to a later one.

    An owner catches up with only what its KPIs read, so that an instance's work follows
    its share of the KPIs however many instances there are; an API answer, which may be
    about any KPI, catches up with everything first.
    """

    def __init__(self, zones: Iterable[ZoneInfo], *, page: int = PAGE) -> None:
        self._logs = {zone: BucketLog(zone) for zone in set(zones)}
        self._versions = dict.fromkeys(self._logs, 0)  # every bucket read up to these
        # What the latest partial catch-up of a zone read, and up to which version.
        self._partial: dict[ZoneInfo, tuple[Wanted, int]] = {}
        self._page = page
        self._data: dict[tuple[str, int, str], EventData] = {}
        self._zones_kept = False
        self._last_read: dict[ZoneInfo, tuple[frozenset[date], list[KnownEvent]]] = {}
        self.applied = 0  # events the buckets had taken in at the latest catch-up

    def __len__(self) -> int:
        return sum(len(log) for log in self._logs.values())

    async def catch_up(
        self, connection: Connection, wanted: Mapping[ZoneInfo, Wanted] | None = None
    ) -> None:
        """Read what changed: every bucket, or only the buckets `wanted` in each zone it
        names (the others are left as they were)."""
        if not self._zones_kept:
            await kpi_buckets.ensure_zones(connection, [zone.key for zone in self._logs])
            self._zones_kept = True
        # Read before the buckets: they hold at least what it counts.
        applied = await kpi_buckets.applied_total(connection)
        for zone in self._logs:
            if wanted is None:
                self._versions[zone] = await self._read(connection, zone, self._versions[zone])
            elif zone in wanted:
                want = wanted[zone]
                start = self._versions[zone]
                if zone in self._partial:
                    held, version = self._partial[zone]
                    if held.covers(want):
                        want, start = held, max(start, version)
                self._partial[zone] = (want, await self._read(connection, zone, start, want))
        self.applied = applied

    def lags(self, zone: ZoneInfo, wanted: Wanted) -> bool:
        """Whether some of what `wanted` reads was last read in a catch-up older than that
        of other buckets of the zone (a KPI newly owned since the latest catch-up)."""
        held, version = self._partial.get(zone, (NOTHING_WANTED, 0))
        return version > self._versions[zone] and not held.covers(wanted)

    def wanted(self, zone: ZoneInfo) -> Wanted:
        """What the latest partial catch-up of `zone` read."""
        return self._partial.get(zone, (NOTHING_WANTED, 0))[0]

    async def _read(
        self, connection: Connection, zone: ZoneInfo, after: int, wanted: Wanted | None = None
    ) -> int:
        """Put the buckets changed after version `after`; the version read up to."""
        log = self._logs[zone]
        while True:
            rows = await kpi_buckets.buckets_after(connection, zone.key, after, self._page, wanted)
            for row in rows:
                log.put(self._bucket(row))
            if rows:
                after = rows[-1]["version"]
            if len(rows) < self._page:
                return after

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
        cut = self._logs[zone].cut_days(at)
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
            return Bucket(key, 0, last=row["last_time"])
        shared = (row["type"], row["schema_version"], row["data_key"])
        data = self._data.get(shared)
        if data is None:
            if len(self._data) >= MAX_SHARED:
                self._data.clear()
            data = self._data[shared] = parse_typed(
                row["type"], row["schema_version"], json.loads(row["data"])
            )
        first = (row["first_time"], row["first_source"], row["first_id"])
        return Bucket(key, row["weight"], data, first, row["last_time"])
