"""Events the metrics service publishes about the KPIs it keeps (topic `lofte.metrics.v1`).

The notifications service consumes them. Each is published once per change, keyed by the
commitment (or the outcome indicator) it is about, and names the organisations to tell.
"""

from collections.abc import Mapping
from datetime import date
from enum import StrEnum
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

from shared.contracts.events import EventData, Organisations, Slug

METRICS_SOURCE = "lofte/metrics"


class Status(StrEnum):
    """How a commitment or outcome stands at the evaluation time."""

    ACHIEVED = "achieved"
    ON_TRACK = "on-track"
    AT_RISK = "at-risk"
    BEHIND = "behind"
    MISSED = "missed"
    NOT_STARTED = "not-started"
    AWAITING_DATA = "awaiting-data"
    # A commitment its organisations deliberately did not pursue in the period, and said so
    # (an `explanation.published` of kind `not-pursued`): shown instead of missed.
    NOT_PURSUED = "not-pursued"


class PeriodSpan(BaseModel):
    """Half-open local dates: [start, end)."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    start: date
    end: date


class KpiEventData(EventData):
    """The data of an event the metrics service publishes. Unlike a partner's event, whose
    unknown fields are refused as mistakes, a reader passes over fields it does not know: a
    metrics instance upgraded before the notifications service may add one."""

    model_config = ConfigDict(frozen=True, extra="ignore")


class CommitmentStatusChanged(KpiEventData):
    """A commitment's status changed, e.g. from `on-track` to `at-risk`."""

    TYPE = "commitment.status-changed"

    promise: Slug
    commitment: Slug
    focus_area: Slug
    organisations: Organisations
    old_status: Status | None
    new_status: Status
    period: PeriodSpan
    figures: dict[str, Any] = Field(default_factory=dict)

    def commitment_id(self) -> str | None:
        return self.commitment


class OccurrenceMissed(KpiEventData):
    """A slot of a recurring commitment passed, with its reporting grace, without a report."""

    TYPE = "occurrence.missed"

    promise: Slug
    commitment: Slug
    organisations: Organisations
    slot: date

    def commitment_id(self) -> str | None:
        return self.commitment


class CoverageGap(KpiEventData):
    """A cell of a coverage commitment is still uncovered with its period about to end."""

    TYPE = "coverage.gap"

    promise: Slug
    commitment: Slug
    organisations: Organisations
    dimensions: dict[str, str]
    period: PeriodSpan
    days_left: Annotated[int, Field(ge=0)]

    def commitment_id(self) -> str | None:
        return self.commitment


class OutcomeChanged(KpiEventData):
    """An outcome indicator's value or status changed against its comparison."""

    TYPE = "outcome.changed"

    promise: Slug
    indicator: Slug
    organisations: Organisations
    old_status: Status | None
    new_status: Status
    value: float | None
    comparison_value: float | None
    change_ratio: float | None
    good: bool | None


KPI_EVENT_TYPES: Mapping[str, type[EventData]] = {
    model.TYPE: model
    for model in (CommitmentStatusChanged, OccurrenceMissed, CoverageGap, OutcomeChanged)
}
