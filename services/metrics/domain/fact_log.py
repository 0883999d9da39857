"""The facts of a set of distinct events, kept in order as they come (`facts.py` says which
events count as of an instant, and why).

The facts are kept by commitment and by kind, in (time, source, id) order, so an evaluation
reads the facts as of its instant by bisection instead of going through every event again;
the rules then select their periods by bisection too.
"""

import sys
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from itertools import chain
from typing import Any, Generic, TypeVar
from zoneinfo import ZoneInfo

from services.metrics.domain.facts import (
    ORDER,
    TIME,
    D,
    Fact,
    Facts,
    Group,
    KnownEvent,
    Selection,
)
from shared.contracts.events import (
    ActivityCompleted,
    DeliverableCompleted,
    EventRetracted,
    ExplanationPublished,
    IncidentRecorded,
    SurveyPublished,
)

T = TypeVar("T")
MAX_SHARED = 100_000


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

    def facts_at(
        self,
        at: datetime,
        selection: Selection | None = None,
        *,
        known_at: datetime | None = None,
    ) -> Facts:
        """The facts dated at or before `at`, but explanations published at or before
        `known_at` (default: `at`), without those retracted at or before `known_at`; of the
        commitments' facts, those `selection` takes (all of them without one)."""
        known_at = at if known_at is None else known_at
        if known_at < at:
            raise ValueError("what is known (`known_at`) cannot end before `at`")
        gone = {key for key, retracted in self._retractions.items() if retracted <= known_at}
        gone_ids = {event_id for _, event_id in gone}

        def known(timeline: _Timeline[D], until: datetime = at) -> list[Fact[D]]:
            facts = timeline.settle()
            visible = facts[: bisect_right(facts, until, key=TIME)]
            if not gone_ids:
                return visible
            return [f for f in visible if f.id not in gone_ids or (f.source, f.id) not in gone]

        def by_commitment(
            groups: Mapping[Group, _Timeline[D]], until: datetime = at
        ) -> dict[str, Sequence[Fact[D]]]:
            parts: defaultdict[str, list[Sequence[Fact[D]]]] = defaultdict(list)
            for group, timeline in groups.items():
                if selection is None or selection.wants(group):
                    facts = known(timeline, until)
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
            by_commitment(self._explanations, known_at),
        )
