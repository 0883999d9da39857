"""The KPI state as the rules read it: buckets of events alike, as facts that stand for many.

Every rule reads activities and incidents by local day, and within a day only what their
data says: how many on that day with that data, and the first of them (one-off targets show
when and where an occurrence was first held). So events alike on one day fold into one
bucket (kept in PostgreSQL, see `services.metrics.kpi_buckets`) and the state grows with the
calendar, not with the events. A bucket is a `Fact` with a `weight`.

Two things cut inside a day, and for those days the events are read one by one instead: the
evaluation instant (events after it do not count yet) and, for outcomes, the same moment a
year earlier; a day is cut only while one of its buckets holds an event after the instant
that cuts it (`BucketLog.cut_days`), so the KPIs of now read today's buckets as they are.
Events retracted only after the instant the evaluation knows as of (`known_at`) count again,
read one by one too, as do the kinds that are never bucketed (few, and their text matters).

Should promises in other time zones share a commitment, a bucket's members are placed in a
promise by the day its first one fell on there: the same for all of them unless the zones'
days differ, which no deployment has.
"""

from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Generic
from zoneinfo import ZoneInfo

from services.metrics.domain.fact_log import FactLog
from services.metrics.domain.facts import ORDER, D, Fact, Group, KnownEvent
from services.metrics.domain.periods import ONE_DAY, midnight, moment_year_earlier
from shared.contracts.events import ActivityCompleted, EventData, IncidentRecorded

# (day, type, item, promise or "", schema version, data key): a bucket's place in a zone.
BucketKey = tuple[date, str, str, str, int, str]


@dataclass(frozen=True, slots=True)
class Bucket:
    key: BucketKey
    weight: int
    # The data and first event (time, source, id) of the events in it; None once empty.
    data: EventData | None = None
    first: tuple[datetime, str, str] | None = None
    # When the latest event folded in happened (never earlier than the latest left in it).
    last: datetime | None = None

    @property
    def day(self) -> date:
        return self.key[0]

    @property
    def type(self) -> str:
        return self.key[1]

    @property
    def group(self) -> Group:
        _, _, item, promise, _, _ = self.key
        return item, promise or None


def cut_instants(at: datetime, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """The instants an evaluation as of `at` may cut a local day at: `at` itself, and the
    same moment a year earlier."""
    local = at.astimezone(zone)
    return local, moment_year_earlier(local, zone)


def day_bounds(day: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """A local day as the instants [start, end)."""
    return midnight(day, zone), midnight(day + ONE_DAY, zone)


class _Buckets(Generic[D]):
    """One timeline's buckets by key, and in (time, source, id) order once asked for."""

    __slots__ = ("_ordered", "facts")

    def __init__(self) -> None:
        self.facts: dict[BucketKey, Fact[D]] = {}
        self._ordered: list[Fact[D]] | None = None

    def put(self, key: BucketKey, fact: Fact[D] | None) -> None:
        if fact is None:
            self.facts.pop(key, None)
        else:
            self.facts[key] = fact
        self._ordered = None

    def outside(self, cut: Collection[date]) -> list[Fact[D]]:
        if self._ordered is None:
            self._ordered = sorted(self.facts.values(), key=ORDER)
        return [fact for fact in self._ordered if fact.day not in cut]


@dataclass(frozen=True, slots=True)
class Wanted:
    """What the KPIs of an evaluation read of the buckets: the activities of `commitments`,
    and the incidents if any of them reads those."""

    commitments: frozenset[str]
    incidents: bool

    def commitment(self, commitment_id: str) -> bool:
        return commitment_id in self.commitments

    def covers(self, other: "Wanted") -> bool:
        return self.commitments >= other.commitments and (self.incidents or not other.incidents)

    def __or__(self, other: "Wanted") -> "Wanted":
        return Wanted(self.commitments | other.commitments, self.incidents or other.incidents)


NOTHING_WANTED = Wanted(frozenset(), incidents=False)


class BucketLog:
    """The buckets of one zone, kept up to date one changed bucket at a time, and the facts
    of an evaluation made of them and of the events read one by one."""

    def __init__(self, zone: ZoneInfo) -> None:
        self.zone = zone
        self._activities: defaultdict[Group, _Buckets[ActivityCompleted]] = defaultdict(_Buckets)
        self._incidents: _Buckets[IncidentRecorded] = _Buckets()
        # Per day, the latest `last` of its buckets: later than a cut instant, the day is cut.
        self._latest: dict[date, datetime] = {}

    def __len__(self) -> int:
        return len(self._incidents.facts) + sum(len(b.facts) for b in self._activities.values())

    def cut_days(self, at: datetime) -> frozenset[date]:
        """The local days an evaluation as of `at` must read event by event: those it cuts
        inside, where a bucket holds an event after the instant that cuts the day. The KPIs
        of now, evaluated once what they count has been applied, cut no day of today."""
        return frozenset(
            instant.date()
            for instant in cut_instants(at, self.zone)
            if (latest := self._latest.get(instant.date())) is not None and latest > instant
        )

    def put(self, bucket: Bucket) -> None:
        """The bucket as it is now (an empty one is forgotten)."""
        if bucket.last is not None:
            held = self._latest.get(bucket.day)
            if held is None or bucket.last > held:
                self._latest[bucket.day] = bucket.last
        if bucket.type == IncidentRecorded.TYPE:
            self._incidents.put(bucket.key, self._fact(bucket, IncidentRecorded))
        elif bucket.type == ActivityCompleted.TYPE:
            self._activities[bucket.group].put(bucket.key, self._fact(bucket, ActivityCompleted))

    def _fact(self, bucket: Bucket, kind: type[D]) -> Fact[D] | None:
        if bucket.first is None or bucket.weight == 0 or not isinstance(bucket.data, kind):
            return None
        time, source, event_id = bucket.first
        return Fact(
            time.astimezone(self.zone), bucket.day, bucket.data, source, event_id, bucket.weight
        )

    def log_at(
        self,
        read_whole: Iterable[KnownEvent],
        cut: Collection[date],
        wanted: Wanted | None = None,
    ) -> FactLog:
        """The facts of the buckets but those of the `cut` days, and of the events read one
        by one, as a log to evaluate; only what the KPIs `wanted` read, when it is given.

        An instance evaluates only the KPIs it owns: building the facts of the others every
        round would make each instance's work grow with the whole state, not its share.
        """
        log = FactLog(self.zone)
        log.add_counted(
            {
                group: buckets.outside(cut)
                for group, buckets in self._activities.items()
                if wanted is None or wanted.commitment(group[0])
            },
            self._incidents.outside(cut) if wanted is None or wanted.incidents else (),
        )
        log.add(read_whole)
        return log
