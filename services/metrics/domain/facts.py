"""The events the KPIs are computed from, as known at one instant, indexed once.

KPIs must be a pure function of the *set* of events, whatever order they arrived in and
however often. So, before any rule sees them, the events are normalised:

- one event per (source, id): a duplicate counts once. Should two events share a key but
  differ (a partner bug), the earlier one by time, then by content, is kept, so that the
  choice never depends on arrival order;
- only events whose CloudEvents `time` is at or before the evaluation instant: KPIs "as of"
  a moment show what had happened by then, by event time, not by arrival;
- an `event.retracted` of source S naming X removes the event (S, X), before or after it
  arrived. The retraction itself must be dated at or before the instant, so a report that
  was withdrawn later still counts for the past. Retractions are not themselves retracted:
  a partner undoes a retraction by sending the event again under a new id.

Which promise a commitment's facts count for is the caller's to say (a `Selection`): the
log keeps them apart by the promise their events name, if any.

The facts are kept in order, by commitment and by kind, as the events come (`FactLog`), so
an evaluation reads the facts as of its instant by bisection instead of going through every
event again; the rules then select their periods by bisection too.
"""

import sys
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from itertools import chain
from operator import attrgetter
from typing import Any, Generic, Protocol, TypeVar
from zoneinfo import ZoneInfo

from shared.contracts.cloudevents import CloudEvent
from shared.contracts.events import (
    ActivityCompleted,
    DeliverableCompleted,
    EventData,
    EventRetracted,
    ExplanationPublished,
    IncidentRecorded,
    SurveyPublished,
)

D = TypeVar("D", bound=EventData)
T = TypeVar("T")
MAX_SHARED = 100_000


@dataclass(frozen=True, slots=True)
class KnownEvent:
    """An applied event: its envelope (time, source, id) and its typed data."""

    envelope: CloudEvent
    data: EventData


@dataclass(frozen=True, slots=True)
class Fact(Generic[D]):
    """An event that counts: when it happened in the promise's zone, and what it says.

    Facts are ordered by (time, source, id): a total order, so that every "earliest" and
    every list order is the same whatever order the events arrived in.
    """

    time: datetime
    day: date
    data: D
    source: str
    id: str
    # How many events alike (the same day and data) the fact stands for: the first of them,
    # by (time, source, id), is the one it shows. See `buckets`.
    weight: int = 1


ORDER = attrgetter("time", "source", "id")
TIME = attrgetter("time")
DAY = attrgetter("day")
# A commitment's facts by the promise their events name: (commitment, promise or None).
Group = tuple[str, str | None]


class Selection(Protocol):
    """Which of a commitment's facts, grouped by the promise their events name, count."""

    def wants(self, group: Group) -> bool: ...  # whether any fact of the group may count

    def select(self, group: Group, facts: Sequence[Fact[D]]) -> Sequence[Fact[D]]: ...


def _key(event: KnownEvent) -> tuple[str, str]:
    return event.envelope.source, event.envelope.id


def _rank(event: KnownEvent) -> tuple[datetime, str]:
    return event.envelope.time, event.envelope.model_dump_json()


def distinct(events: Iterable[KnownEvent]) -> list[KnownEvent]:
    """One event per (source, id), chosen independently of the order they come in."""
    chosen: dict[tuple[str, str], KnownEvent] = {}
    for event in events:
        key = _key(event)
        held = chosen.get(key)
        if held is None or (held != event and _rank(event) < _rank(held)):
            chosen[key] = event
    return list(chosen.values())


@dataclass(frozen=True, slots=True)
class Facts:
    """What had happened by an instant, by kind; each list in (time, source, id) order."""

    activities: Mapping[str, Sequence[Fact[ActivityCompleted]]]
    deliverables: Mapping[str, Sequence[Fact[DeliverableCompleted]]]
    incidents: Sequence[Fact[IncidentRecorded]]
    surveys: Mapping[str, Sequence[Fact[SurveyPublished]]]
    explanations: Mapping[str, Sequence[Fact[ExplanationPublished]]]

    def activities_of(self, commitment: str) -> Sequence[Fact[ActivityCompleted]]:
        return self.activities.get(commitment, ())

    def deliverables_of(self, commitment: str) -> Sequence[Fact[DeliverableCompleted]]:
        return self.deliverables.get(commitment, ())

    def surveys_of(self, indicator: str) -> Sequence[Fact[SurveyPublished]]:
        return self.surveys.get(indicator, ())

    def explanations_of(self, commitment: str) -> Sequence[Fact[ExplanationPublished]]:
        return self.explanations.get(commitment, ())


def on_days(facts: Sequence[Fact[D]], first: date, end: date) -> Sequence[Fact[D]]:
    """The facts dated on local days from `first` up to, not including, `end`.

    The facts are in time order, hence in day order: the days are found by bisection, so a
    period's facts cost the same however many years of history lie around them.
    """
    return facts[bisect_left(facts, first, key=DAY) : bisect_left(facts, end, key=DAY)]


class _Timeline(Generic[D]):
    """Facts of one kind in order; new ones wait aside until the next read puts them in."""

    __slots__ = ("facts", "pending")

    def __init__(self) -> None:
        self.facts: list[Fact[D]] = []
        self.pending: list[Fact[D]] = []

    def settle(self) -> list[Fact[D]]:
        if self.pending:
            self.pending.sort(key=ORDER)
            # Events arrive roughly in time order, so only a short tail is ever re-sorted.
            start = bisect_left(self.facts, ORDER(self.pending[0]), key=ORDER)
            tail = self.facts[start:]
            tail.extend(self.pending)
            tail.sort(key=ORDER)
            self.facts[start:] = tail
            self.pending = []
        return self.facts


class FactLog:
    """The facts of a set of distinct events, kept in order as events are added, so that
    the facts as of any instant are read without going through every event again.

    Events must be distinct by (source, id); the metrics service's dedup records see to
    that, and `engine.evaluate` passes its events through `distinct` first.
    """

    def __init__(self, zone: ZoneInfo) -> None:
        self._zone = zone
        self._activities: defaultdict[Group, _Timeline[ActivityCompleted]] = defaultdict(_Timeline)
        self._deliverables: defaultdict[Group, _Timeline[DeliverableCompleted]] = defaultdict(
            _Timeline
        )
        self._incidents: _Timeline[IncidentRecorded] = _Timeline()
        self._surveys: defaultdict[str, _Timeline[SurveyPublished]] = defaultdict(_Timeline)
        self._explanations: defaultdict[Group, _Timeline[ExplanationPublished]] = defaultdict(
            _Timeline
        )
        # (source, retracted id) -> when it was first retracted.
        self._retractions: dict[tuple[str, str], datetime] = {}
        # Years of history are mostly the same few incidents over and over: equal data and
        # equal days are held once (the models are immutable), which keeps a million facts
        # in a few hundred megabytes.
        self._shared: dict[object, Any] = {}

    def _share(self, value: T) -> T:
        try:
            held: T = self._shared.get(value, value)
        except TypeError:  # an activity's organisations are a list: not a key, not shared
            return value
        if held is value and len(self._shared) < MAX_SHARED:
            self._shared[value] = value
        return held

    def add(self, events: Iterable[KnownEvent]) -> None:
        for event in events:
            envelope, data = event.envelope, event.data
            if isinstance(data, EventRetracted):
                key = (envelope.source, data.event_id)
                held = self._retractions.get(key)
                if held is None or envelope.time < held:
                    self._retractions[key] = envelope.time
                continue
            time = envelope.time.astimezone(self._zone)
            if isinstance(data, ActivityCompleted):
                timeline: _Timeline[Any] = self._activities[data.commitment, data.promise]
            elif isinstance(data, DeliverableCompleted):
                timeline = self._deliverables[data.commitment, data.promise]
            elif isinstance(data, IncidentRecorded):
                timeline = self._incidents
            elif isinstance(data, SurveyPublished):
                timeline = self._surveys[data.indicator]
            elif isinstance(data, ExplanationPublished):
                timeline = self._explanations[data.commitment, data.promise]
            else:
                continue
            timeline.pending.append(
                Fact(
                    time,
                    self._share(time.date()),
                    self._share(data),
                    sys.intern(envelope.source),
                    envelope.id,
                )
            )

    def add_counted(
        self,
        activities: Mapping[Group, Iterable[Fact[ActivityCompleted]]],
        incidents: Iterable[Fact[IncidentRecorded]],
    ) -> None:
        """Add facts that stand for `weight` events each (distinct from every event added)."""
        for group, facts in activities.items():
            self._activities[group].pending.extend(facts)
        self._incidents.pending.extend(incidents)

    def facts_at(self, at: datetime, selection: Selection | None = None) -> Facts:
        """The facts dated at or before `at`, without those retracted by then; of the
        commitments' facts, those `selection` takes (all of them without one)."""
        gone = {key for key, retracted in self._retractions.items() if retracted <= at}
        gone_ids = {event_id for _, event_id in gone}

        def known(timeline: _Timeline[D]) -> list[Fact[D]]:
            facts = timeline.settle()
            visible = facts[: bisect_right(facts, at, key=TIME)]
            if not gone_ids:
                return visible
            return [f for f in visible if f.id not in gone_ids or (f.source, f.id) not in gone]

        def by_commitment(groups: Mapping[Group, _Timeline[D]]) -> dict[str, Sequence[Fact[D]]]:
            parts: defaultdict[str, list[Sequence[Fact[D]]]] = defaultdict(list)
            for group, timeline in groups.items():
                if selection is None or selection.wants(group):
                    facts = known(timeline)
                    parts[group[0]].append(selection.select(group, facts) if selection else facts)
            # Most commitments have facts of one group only: those are in order already.
            return {
                c: p[0] if len(p) == 1 else sorted(chain(*p), key=ORDER) for c, p in parts.items()
            }

        return Facts(
            by_commitment(self._activities),
            by_commitment(self._deliverables),
            known(self._incidents),
            {indicator: known(t) for indicator, t in self._surveys.items()},
            by_commitment(self._explanations),
        )
