"""Which KPIs a batch of applied events can change: those that read any of its events.

After a batch the evaluator evaluates only these (of those it owns), not every KPI of every
promise, so a KPI's news waits for its own evaluation rather than for everyone's. What a KPI
reads follows `reads.wanted_by`, the same rules that decide which buckets its evaluation is
built from: a commitment's activities, deliverables and explanations are read by the KPIs
whose reads include that commitment, incidents by those that read incidents, a survey's
results by the survey indicators measured by its name. A retraction changes what its event
changed; the caller says what that was (`retracting`), or else it changes anything.

Only events change what this decides: the clock (missed slots, deadlines, a year closing) is
the timer's round, which evaluates every KPI owned.
"""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from services.metrics.domain.reads import wanted_by
from shared.contracts.events import (
    CommitmentEvent,
    EventData,
    EventRetracted,
    IncidentRecorded,
    SurveyPublished,
)
from shared.promises import Promise, Survey


@dataclass(frozen=True, slots=True)
class Touched:
    """What of the KPI state some events changed."""

    commitments: frozenset[str] = frozenset()
    incidents: bool = False
    surveys: frozenset[str] = frozenset()  # the indicator names of survey results
    everything: bool = False

    def __or__(self, other: "Touched") -> "Touched":
        return Touched(
            self.commitments | other.commitments,
            self.incidents or other.incidents,
            self.surveys | other.surveys,
            self.everything or other.everything,
        )

    def __bool__(self) -> bool:
        return bool(self.everything or self.commitments or self.incidents or self.surveys)

    def to_json(self) -> dict[str, Any]:
        return {
            "commitments": sorted(self.commitments),
            "incidents": self.incidents,
            "surveys": sorted(self.surveys),
            "everything": self.everything,
        }

    @classmethod
    def from_json(cls, document: Mapping[str, Any]) -> "Touched":
        return cls(
            frozenset(document["commitments"]),
            bool(document["incidents"]),
            frozenset(document["surveys"]),
            bool(document["everything"]),
        )

    @classmethod
    def by(cls, events: Iterable[EventData], retracting: bool = False) -> "Touched":
        """What `events` change; with `retracting`, a retraction among them is taken to be
        accounted for by its retracted event, given among `events` too."""
        commitments: set[str] = set()
        surveys: set[str] = set()
        incidents = False
        for data in events:
            if isinstance(data, CommitmentEvent):
                commitments.add(data.commitment)
            elif isinstance(data, IncidentRecorded):
                incidents = True
            elif isinstance(data, SurveyPublished):
                surveys.add(data.indicator)
            elif not (retracting and isinstance(data, EventRetracted)):
                return EVERYTHING  # a kind whose reach is not known here
        return cls(frozenset(commitments), incidents, frozenset(surveys))

    def kpis_of(self, promise: Promise) -> Callable[[str], bool]:
        """Which of the promise's commitments and indicators these changes can change."""
        if self.everything:
            return lambda _: True
        touched = {c.id for c in promise.commitments if self._read_by(promise, c.id)}
        for indicator in promise.outcome_indicators:
            measure = indicator.measured_by
            surveyed = isinstance(measure, Survey) and measure.indicator in self.surveys
            if surveyed or self._read_by(promise, indicator.id):
                touched.add(indicator.id)
        return touched.__contains__

    def _read_by(self, promise: Promise, item: str) -> bool:
        reads = wanted_by(promise, item.__eq__)
        return (self.incidents and reads.incidents) or any(map(reads.commitment, self.commitments))


NOTHING_TOUCHED = Touched()
EVERYTHING = Touched(everything=True)
