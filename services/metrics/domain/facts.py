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

The rules then read indexes built here once per evaluation, by commitment and by type.
"""

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Generic, TypeVar
from zoneinfo import ZoneInfo

from shared.contracts.cloudevents import CloudEvent
from shared.contracts.events import (
    ActivityCompleted,
    DeliverableCompleted,
    EventData,
    EventRetracted,
    IncidentRecorded,
    SurveyPublished,
)

D = TypeVar("D", bound=EventData)


@dataclass(frozen=True, slots=True)
class KnownEvent:
    """An applied event: its envelope (time, source, id) and its typed data."""

    envelope: CloudEvent
    data: EventData


@dataclass(frozen=True, slots=True)
class Fact(Generic[D]):
    """An event that counts: when it happened in the promise's zone, and what it says."""

    time: datetime
    day: date
    data: D


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
    """What had happened by an instant, by kind; each list in time order."""

    activities: Mapping[str, Sequence[Fact[ActivityCompleted]]]
    deliverables: Mapping[str, Sequence[Fact[DeliverableCompleted]]]
    incidents: Sequence[Fact[IncidentRecorded]]
    surveys: Mapping[str, Sequence[Fact[SurveyPublished]]]

    @classmethod
    def known_at(cls, events: Iterable[KnownEvent], at: datetime, zone: ZoneInfo) -> "Facts":
        visible = [e for e in distinct(events) if e.envelope.time <= at]
        retracted = {
            (e.envelope.source, e.data.event_id)
            for e in visible
            if isinstance(e.data, EventRetracted)
        }
        # Sorting on (time, source, id) makes every "earliest" and every list order total.
        kept = sorted(
            (e for e in visible if _key(e) not in retracted),
            key=lambda e: (e.envelope.time, e.envelope.source, e.envelope.id),
        )
        activities: defaultdict[str, list[Fact[ActivityCompleted]]] = defaultdict(list)
        deliverables: defaultdict[str, list[Fact[DeliverableCompleted]]] = defaultdict(list)
        incidents: list[Fact[IncidentRecorded]] = []
        surveys: defaultdict[str, list[Fact[SurveyPublished]]] = defaultdict(list)
        for event in kept:
            time = event.envelope.time.astimezone(zone)
            data = event.data
            if isinstance(data, ActivityCompleted):
                activities[data.commitment].append(Fact(time, time.date(), data))
            elif isinstance(data, DeliverableCompleted):
                deliverables[data.commitment].append(Fact(time, time.date(), data))
            elif isinstance(data, IncidentRecorded):
                incidents.append(Fact(time, time.date(), data))
            elif isinstance(data, SurveyPublished):
                surveys[data.indicator].append(Fact(time, time.date(), data))
        return cls(dict(activities), dict(deliverables), incidents, dict(surveys))

    def activities_of(self, commitment: str) -> Sequence[Fact[ActivityCompleted]]:
        return self.activities.get(commitment, ())

    def deliverables_of(self, commitment: str) -> Sequence[Fact[DeliverableCompleted]]:
        return self.deliverables.get(commitment, ())

    def surveys_of(self, indicator: str) -> Sequence[Fact[SurveyPublished]]:
        return self.surveys.get(indicator, ())


def on_days(facts: Iterable[Fact[D]], first: date, end: date) -> list[Fact[D]]:
    """The facts dated on local days from `first` up to, not including, `end`."""
    return [fact for fact in facts if first <= fact.day < end]
