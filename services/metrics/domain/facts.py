"""The events the KPIs are computed from, and the facts they make as known at one instant.

KPIs must be a pure function of the *set* of events, whatever order they arrived in and
however often. So, before any rule sees them, the events are normalised:

- one event per (source, id): a duplicate counts once. Should two events share a key but
  differ (a partner bug), the earlier one by time, then by content, is kept, so that the
  choice never depends on arrival order;
- only events whose CloudEvents `time` is at or before the evaluation instant: KPIs "as of"
  a moment show what had happened by then, by event time, not by arrival;
- an evaluation has a second instant, what it knows as of (`known_at`, never before the
  evaluation instant, and the same unless asked). What happened is what the activities,
  incidents, deliverables and surveys dated up to the evaluation instant say; what was said
  and corrected about it is known later: the explanations (`explanation.published`) count
  when published at or before `known_at`, so a year explained in January shows in the
  year's follow-up made in February, which still counts no activity of the new year;
- an `event.retracted` of source S naming X removes the event (S, X), before or after it
  arrived. The retraction itself must be dated at or before `known_at`, so a report that
  was withdrawn later still counts for the past as it was known then. Retractions are not
  themselves retracted: a partner undoes a retraction by sending the event again under a
  new id.

Which promise a commitment's facts count for is the caller's to say (a `Selection`): the
log keeps them apart by the promise their events name, if any.

`fact_log.FactLog` applies these rules as the events come; the rules read its `Facts`.
"""

from bisect import bisect_left
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from operator import attrgetter
from typing import Generic, Protocol, TypeVar

from shared.contracts.cloudevents import CloudEvent
from shared.contracts.events import (
    ActivityCompleted,
    DeliverableCompleted,
    EventData,
    ExplanationPublished,
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


def _rank(event: KnownEvent) -> tuple[datetime, str]:
    return event.envelope.time, event.envelope.model_dump_json()


def distinct(events: Iterable[KnownEvent]) -> list[KnownEvent]:
    """One event per (source, id), chosen independently of the order they come in."""
    chosen: dict[tuple[str, str], KnownEvent] = {}
    for event in events:
        key = event.envelope.identity
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
