"""KPIs as the HTTP API shows them: the engine's results as the contract's models
(`shared.contracts.kpis`), which readers of the API parse again."""

from services.metrics.domain.kpis import CommitmentKpi, OutcomeKpi, PromiseKpis, Span
from shared.contracts.kpi_events import PeriodSpan
from shared.contracts.kpis import (
    CommitmentKpiView,
    Gap,
    Occurrence,
    OutcomeKpiView,
    PromiseKpisView,
)


def _period(span: Span) -> PeriodSpan:
    return PeriodSpan(start=span.start, end=span.end)


def _period_or_none(span: Span | None) -> PeriodSpan | None:
    return _period(span) if span else None


def commitment_view(kpi: CommitmentKpi) -> CommitmentKpiView:
    return CommitmentKpiView(
        id=kpi.id,
        kind=kpi.kind,
        focus_area=kpi.focus_area,
        responsible=list(kpi.responsible),
        status=kpi.status,
        period=_period(kpi.period),
        done=kpi.done,
        target=kpi.target,
        expected=kpi.expected,
        progress_ratio=kpi.progress_ratio,
        slots_due=kpi.slots_due,
        missed_slots=list(kpi.missed_slots),
        streak=kpi.streak,
        cells=kpi.cells,
        gaps=[
            Gap.model_validate({**gap.dimensions, "period": _period(gap.period)})
            for gap in kpi.gaps
        ],
        coverage_by_organisation=kpi.coverage_by_organisation,
        occurrences=[
            Occurrence(
                id=o.id, title=o.title, due=o.due, held=o.held, held_at=o.held_at, place=o.place
            )
            for o in kpi.occurrences
        ],
        completed_at=kpi.completed_at,
        due=kpi.due,
        previous=kpi.previous,
    )


def outcome_view(kpi: OutcomeKpi) -> OutcomeKpiView:
    return OutcomeKpiView(
        id=kpi.id,
        measured_by=kpi.measured_by,
        direction=kpi.direction,
        status=kpi.status,
        period=_period(kpi.period),
        comparison_period=_period_or_none(kpi.comparison_period),
        value=kpi.value,
        comparison_value=kpi.comparison_value,
        change_ratio=kpi.change_ratio,
        good=kpi.good,
        by_category=kpi.by_category,
        comparison_by_category=kpi.comparison_by_category,
        baseline_period=_period_or_none(kpi.baseline_period),
        baseline_total=kpi.baseline_total,
        baseline_by_category=kpi.baseline_by_category,
    )


def promise_view(kpis: PromiseKpis) -> PromiseKpisView:
    return PromiseKpisView(
        promise=kpis.promise,
        at=kpis.at,
        commitments=[commitment_view(c) for c in kpis.commitments],
        outcomes=[outcome_view(o) for o in kpis.outcomes],
    )
