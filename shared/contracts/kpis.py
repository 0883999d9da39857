"""The KPIs of a promise as the metrics service's HTTP API serves them
(`GET /v1/promises/{promise}/kpis`): the metrics service builds these models, and whoever
reads the API (the weekly digest, the public site, a dashboard script) parses them, so that
a renamed field fails loudly on both sides instead of reading as missing.

Field names are what operations staff, dashboards and partners rely on: add fields freely,
never rename one. A reader passes over fields it does not know, so that a metrics instance
upgraded first (one of several, while the others still run) never stops the digest or the
public site; a misspelt name where an answer is built is the type checker's to refuse.
`Status` (defined with the KPI events, which name it too) is the one list of statuses: the
API, the events, the gauges' labels and every reader use it.
"""

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, PlainSerializer

from shared.contracts.events import ExplanationKind
from shared.contracts.kpi_events import PeriodSpan, Status

__all__ = [
    "CommitmentKpiView",
    "ExplanationView",
    "Gap",
    "Moment",
    "Occurrence",
    "OutcomeKpiView",
    "PromiseKpisView",
    "Status",
]

# Written as Python's isoformat does ("+00:00", not "Z"): what readers have always seen.
Moment = Annotated[datetime, PlainSerializer(datetime.isoformat, return_type=str)]
CommitmentKind = Literal["count", "recurring", "coverage", "dated", "deliverable", "open-count"]


class _View(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")


class Gap(BaseModel):
    """An uncovered cell of a coverage matrix: its coordinates (one field per dimension of
    the matrix, e.g. `place` and `month`) and the period it belongs to."""

    model_config = ConfigDict(frozen=True, extra="allow")

    period: PeriodSpan


class Occurrence(_View):
    """A dated occurrence of a commitment: when it is due, whether and where it was held."""

    id: str
    title: str
    due: Moment
    held: bool
    held_at: Moment | None = None
    place: str | None = None


class ExplanationView(_View):
    """What the organisations responsible said about the period (`explanation.published`)."""

    kind: ExplanationKind
    text: str
    organisations: list[str]
    published_at: Moment


class CommitmentKpiView(_View):
    id: str
    kind: CommitmentKind
    focus_area: str
    responsible: list[str]
    status: Status
    period: PeriodSpan
    done: int = 0
    target: int | None = None
    expected: float | None = Field(None, description="where `done` should be by now")
    progress_ratio: float | None = None
    slots_due: int | None = Field(None, description="recurring: slots due so far")
    missed_slots: list[date] = Field(default_factory=list, description="recurring")
    streak: int | None = Field(None, description="recurring: slots held in a row")
    cells: int | None = Field(None, description="coverage: cells of the matrix")
    gaps: list[Gap] = Field(default_factory=list, description="coverage: cells left uncovered")
    coverage_by_organisation: dict[str, float] = Field(default_factory=dict)
    occurrences: list[Occurrence] = Field(default_factory=list, description="dated")
    completed_at: Moment | None = Field(None, description="deliverable")
    due: date | None = Field(None, description="deliverable")
    previous: int | None = Field(None, description="open-count: the same span a year earlier")
    explanations: list[ExplanationView] = Field(
        default_factory=list, description="what its organisations said about the period"
    )


class OutcomeKpiView(_View):
    id: str
    kind: Literal["outcome"] = "outcome"
    measured_by: Literal["crime-statistics", "survey", "activity-count"]
    direction: Literal["up", "down"]
    status: Status
    period: PeriodSpan
    comparison_period: PeriodSpan | None
    # Counts stay integers on the wire; a survey's index may not be one.
    value: int | float | None
    comparison_value: int | float | None
    change_ratio: float | None
    good: bool | None
    by_category: dict[str, int] = Field(default_factory=dict)
    comparison_by_category: dict[str, int] = Field(default_factory=dict)
    baseline_period: PeriodSpan | None = Field(None, description="as the promise published it")
    baseline_total: int | None = None
    baseline_by_category: dict[str, int] = Field(default_factory=dict)


class PromiseKpisView(_View):
    promise: str
    at: Moment = Field(description="the instant the KPIs were evaluated as of")
    known_at: Moment | None = Field(
        None,
        description="the instant up to which explanations and retractions were known "
        "(`at` unless asked for another)",
    )
    commitments: list[CommitmentKpiView]
    outcomes: list[OutcomeKpiView]

    def commitment(self, commitment_id: str) -> CommitmentKpiView | None:
        return next((c for c in self.commitments if c.id == commitment_id), None)
