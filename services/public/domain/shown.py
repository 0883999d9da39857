"""What the public is shown of a promise: the promise's own words beside its figures, as
plain values for the pages, the open data and the report to lay out (rules in `progress`)."""

from dataclasses import dataclass
from datetime import date, datetime

from shared.contracts.events import ExplanationKind
from shared.contracts.kpis import Status


@dataclass(frozen=True, slots=True)
class Period:
    first: date
    last: date


@dataclass(frozen=True, slots=True)
class OccurrenceProgress:
    title: str
    due: datetime | None
    held: bool
    held_at: datetime | None
    place: str | None


@dataclass(frozen=True, slots=True)
class ExplanationShown:
    """What the organisations responsible said about the period, in their own words."""

    kind: ExplanationKind
    text: str
    organisations: tuple[str, ...]
    published: datetime | None


@dataclass(frozen=True, slots=True)
class CommitmentProgress:
    id: str
    title: str
    description: str
    responsible: tuple[str, ...]
    kind: str
    status: Status | None
    period: Period | None = None
    done: int | None = None
    target: int | None = None
    expected: float | None = None
    previous: int | None = None
    slots_due: int | None = None
    missed_slots: tuple[date, ...] = ()
    cells: int | None = None
    gaps: int | None = None
    coverage_by_organisation: tuple[tuple[str, float], ...] = ()
    occurrences: tuple[OccurrenceProgress, ...] = ()
    completed_at: datetime | None = None
    due: date | None = None
    explanations: tuple[ExplanationShown, ...] = ()

    @property
    def missed_by_month(self) -> tuple[tuple[date, tuple[int, ...]], ...]:
        """The missed days under their month (its first day), which keeps a year of weekly
        misses readable."""
        months: dict[date, list[int]] = {}
        for day in sorted(self.missed_slots):
            months.setdefault(day.replace(day=1), []).append(day.day)
        return tuple((month, tuple(days)) for month, days in months.items())


@dataclass(frozen=True, slots=True)
class CategoryRow:
    category: str
    value: int | None
    baseline: int | None
    # What to call it where it is not an incident category: a commitment's title.
    label: str | None = None


@dataclass(frozen=True, slots=True)
class OutcomeProgress:
    id: str
    title: str
    description: str
    measured_by: str
    direction: str
    status: Status | None
    period: Period | None = None
    comparison_period: Period | None = None
    value: float | None = None
    comparison_value: float | None = None
    change_ratio: float | None = None
    good: bool | None = None
    baseline_period: Period | None = None
    baseline_total: int | None = None
    categories: tuple[CategoryRow, ...] = ()


@dataclass(frozen=True, slots=True)
class FocusAreaProgress:
    id: str
    title: str
    commitments: tuple[CommitmentProgress, ...]


@dataclass(frozen=True, slots=True)
class PromiseProgress:
    id: str
    title: str
    area: str
    description: str | None
    parties: tuple[str, ...]
    valid_from: date
    valid_to: date | None
    focus_areas: tuple[FocusAreaProgress, ...]
    outcomes: tuple[OutcomeProgress, ...]
    # When the figures were evaluated and read; None: none were ever read.
    figures_at: datetime | None
    fetched_at: datetime | None
