"""The KPIs of a promise as the engine reports them: the contract of the HTTP API, the
Prometheus series and the events for the notifications service.

Field names follow what operations staff and dashboards rely on; add fields freely, never
rename one.
"""

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal

from shared.contracts.kpis import Status


@dataclass(frozen=True, slots=True)
class Span:
    """A period as half-open local dates: [start, end)."""

    start: date
    end: date


@dataclass(frozen=True, slots=True)
class Gap:
    """An uncovered cell of a coverage matrix: its coordinates and the period it belongs to."""

    dimensions: dict[str, str]
    period: Span


@dataclass(frozen=True, slots=True)
class OccurrenceState:
    """One dated occurrence: due when, held or not, and where it was held."""

    id: str
    title: str
    due: datetime
    held: bool
    held_at: datetime | None = None
    place: str | None = None


@dataclass(frozen=True, slots=True)
class Explanation:
    """What the organisations responsible said about a commitment's period, and when."""

    kind: Literal["comment", "remedy", "not-pursued"]
    text: str
    organisations: tuple[str, ...]
    published_at: datetime


@dataclass(frozen=True, slots=True)
class CommitmentKpi:
    id: str
    kind: Literal["count", "recurring", "coverage", "dated", "deliverable", "open-count"]
    focus_area: str
    responsible: tuple[str, ...]
    status: Status
    period: Span
    done: int = 0
    target: int | None = None
    expected: float | None = None
    # recurring
    slots_due: int | None = None
    missed_slots: tuple[date, ...] = ()
    streak: int | None = None
    # coverage: cells per organisation where the matrix has an organisation dimension
    cells: int | None = None
    gaps: tuple[Gap, ...] = ()
    coverage_by_organisation: dict[str, float] = field(default_factory=dict)
    # coverage: cells of the sub-period running at the evaluation time still uncovered (not
    # gaps yet), and its days left counting the evaluation day; see `coverage.closing_gaps`
    current_gaps: tuple[Gap, ...] = ()
    current_days_left: int | None = None
    # dated
    occurrences: tuple[OccurrenceState, ...] = ()
    # deliverable
    completed_at: datetime | None = None
    due: date | None = None
    # open-count
    previous: int | None = None
    # what its organisations said about the period, oldest first (`explanations.py`)
    explanations: tuple[Explanation, ...] = ()

    @property
    def progress_ratio(self) -> float | None:
        if self.target:
            return self.done / self.target
        return None


@dataclass(frozen=True, slots=True)
class OutcomeKpi:
    id: str
    measured_by: Literal["crime-statistics", "survey", "activity-count"]
    direction: Literal["up", "down"]
    status: Status
    period: Span
    comparison_period: Span | None
    value: float | None
    comparison_value: float | None
    change_ratio: float | None
    good: bool | None
    by_category: dict[str, int] = field(default_factory=dict)
    comparison_by_category: dict[str, int] = field(default_factory=dict)
    # the published baseline, kept as published whatever the comparison; its breakdown gains
    # the unclassified remainder (see `outcomes.py`), so it always adds up to the total
    baseline_period: Span | None = None
    baseline_total: int | None = None
    baseline_by_category: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class PromiseKpis:
    promise: str
    at: datetime
    known_at: datetime  # what was said and retracted by then is known (see `facts.py`)
    commitments: tuple[CommitmentKpi, ...]
    outcomes: tuple[OutcomeKpi, ...]

    def commitment(self, commitment_id: str) -> CommitmentKpi | None:
        return next((c for c in self.commitments if c.id == commitment_id), None)

    def outcome(self, indicator_id: str) -> OutcomeKpi | None:
        return next((o for o in self.outcomes if o.id == indicator_id), None)
