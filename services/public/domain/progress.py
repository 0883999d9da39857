"""A promise's progress as the public sees it: the promise's own words beside its figures.

`progress(promise, snapshot)` joins the promise (what was promised, by whom) with the last
KPIs read (what has been done), typed by the KPI API's contract (`shared.contracts.kpis`).
Rules:
1. Every focus area, commitment and outcome indicator of the promise is shown, in the
   promise's order, figures or not: a commitment the figures do not mention is shown as
   promised, without a status, rather than left out.
2. Only counts, dates, places and statuses are taken from the figures; nothing else they
   might carry (and nothing about a person) is passed on.
3. Periods are shown with their last day, as people say them ("1 mars–28 februari"), not
   the half-open spans the API gives.
4. An outcome's categories are shown beside the baseline the promise published for each
   (the published figures as published: what the breakdown leaves out is "ospecificerat").
5. What those responsible said is shown where it has words, oldest first.
"""

from collections.abc import Sequence
from dataclasses import replace
from datetime import timedelta

from services.public.domain.shown import (
    CategoryRow,
    CommitmentProgress,
    ExplanationShown,
    FocusAreaProgress,
    OccurrenceProgress,
    OutcomeProgress,
    Period,
    PromiseProgress,
)
from services.public.domain.snapshot import Snapshot
from shared.contracts.kpi_events import PeriodSpan
from shared.contracts.kpis import CommitmentKpiView, ExplanationView, OutcomeKpiView
from shared.promises import Commitment, DatedTarget, OutcomeIndicator, Promise, Target

UNCLASSIFIED = "narkotika.ospecificerat"
__all__ = [
    "CategoryRow",
    "CommitmentProgress",
    "FocusAreaProgress",
    "OccurrenceProgress",
    "OutcomeProgress",
    "Period",
    "PromiseProgress",
    "progress",
]


def _period(span: PeriodSpan | None) -> Period | None:
    return Period(span.start, span.end - timedelta(days=1)) if span else None


def _planned_places(target: Target) -> dict[str, str]:
    """Where each dated occurrence is to be held, by its id ("*": wherever the window says)."""
    if not isinstance(target, DatedTarget):
        return {}
    if target.window is not None:
        return {"*": target.window.place} if target.window.place else {}
    return {o.id: o.place for o in target.occurrences}


def _commitment(
    promise: Promise, c: Commitment, kpi: CommitmentKpiView | None
) -> CommitmentProgress:
    promised = CommitmentProgress(
        id=c.id,
        title=c.title,
        description=c.description,
        responsible=tuple(p.name for r in c.responsible if (p := promise.organisation(r))),
        kind=c.target.kind,
        status=None,
    )
    if kpi is None:
        return promised
    planned = _planned_places(c.target)
    return replace(
        promised,
        status=kpi.status,
        period=_period(kpi.period),
        done=kpi.done,
        target=kpi.target,
        expected=kpi.expected,
        previous=kpi.previous,
        slots_due=kpi.slots_due,
        missed_slots=tuple(kpi.missed_slots),
        cells=kpi.cells,
        gaps=len(kpi.gaps),
        coverage_by_organisation=tuple(
            (p.name, ratio)
            for organisation, ratio in kpi.coverage_by_organisation.items()
            if (p := promise.organisation(organisation))
        ),
        occurrences=tuple(
            OccurrenceProgress(
                title=o.title,
                due=o.due,
                held=o.held,
                held_at=o.held_at,
                # Where it was held; until then, where it is to be.
                place=o.place or planned.get(o.id, planned.get("*")),
            )
            for o in kpi.occurrences
        ),
        completed_at=kpi.completed_at,
        due=kpi.due,
        explanations=_explanations(promise, kpi.explanations),
    )


def _explanations(
    promise: Promise, said: Sequence[ExplanationView]
) -> tuple[ExplanationShown, ...]:
    return tuple(
        ExplanationShown(
            kind=e.kind,
            text=e.text,
            organisations=tuple(p.name for o in e.organisations if (p := promise.organisation(o))),
            published=e.published_at,
        )
        for e in said
        if e.text
    )


def _categories(
    promise: Promise, indicator: OutcomeIndicator, measured: dict[str, int]
) -> tuple[CategoryRow, ...]:
    baseline = indicator.baseline
    published = dict(baseline.by_category) if baseline else {}
    if baseline and (rest := baseline.total - sum(published.values())):
        published[UNCLASSIFIED] = published.get(UNCLASSIFIED, 0) + rest
    categories = list(getattr(indicator.measured_by, "categories", ()))
    categories += [c for c in [*measured, *published] if c not in categories]
    if len(categories) < 2:
        return ()
    return tuple(
        CategoryRow(
            c,
            measured.get(c),
            published.get(c) if baseline else None,
            found.title if (found := promise.commitment(c)) else None,
        )
        for c in categories
    )


def _outcome(
    promise: Promise, indicator: OutcomeIndicator, kpi: OutcomeKpiView | None
) -> OutcomeProgress:
    baseline = indicator.baseline
    promised = OutcomeProgress(
        id=indicator.id,
        title=indicator.title,
        description=indicator.description or "",
        measured_by=indicator.measured_by.kind,
        direction=indicator.direction,
        status=None,
        baseline_period=Period(baseline.period.start, baseline.period.end) if baseline else None,
        baseline_total=baseline.total if baseline else None,
        categories=_categories(promise, indicator, {}),
    )
    if kpi is None:
        return promised
    return replace(
        promised,
        status=kpi.status,
        period=_period(kpi.period),
        comparison_period=_period(kpi.comparison_period),
        value=_float(kpi.value),
        comparison_value=_float(kpi.comparison_value),
        change_ratio=kpi.change_ratio,
        good=kpi.good,
        categories=_categories(promise, indicator, kpi.by_category),
    )


def _float(value: float | None) -> float | None:
    return None if value is None else float(value)


def progress(promise: Promise, snapshot: Snapshot | None) -> PromiseProgress:
    kpis = snapshot.kpis if snapshot else None
    commitments = {c.id: c for c in kpis.commitments} if kpis else {}
    outcomes = {o.id: o for o in kpis.outcomes} if kpis else {}
    return PromiseProgress(
        id=promise.id,
        title=promise.title,
        area=promise.area,
        description=promise.description,
        parties=tuple(p.name for p in promise.parties),
        valid_from=promise.valid_from,
        valid_to=promise.valid_to,
        focus_areas=tuple(
            FocusAreaProgress(
                area.id,
                area.title,
                tuple(
                    _commitment(promise, c, commitments.get(c.id))
                    for c in promise.commitments
                    if c.focus_area == area.id
                ),
            )
            for area in promise.focus_areas
        ),
        outcomes=tuple(
            _outcome(promise, i, outcomes.get(i.id)) for i in promise.outcome_indicators
        ),
        figures_at=kpis.at if kpis else None,
        fetched_at=snapshot.fetched_at if snapshot else None,
    )
