"""A promise's progress as the public sees it: the promise's own words beside its figures.

`progress(promise, snapshot)` joins the promise (what was promised, by whom) with the last
KPIs read (what has been done). Rules:
1. Every focus area, commitment and outcome indicator of the promise is shown, in the
   promise's order, figures or not: a commitment the figures do not mention is shown as
   promised, without a status, rather than left out.
2. Only counts, dates, places and statuses are taken from the figures; nothing else they
   might carry (and nothing about a person) is passed on.
3. Periods are shown with their last day, as people say them ("1 mars–28 februari"), not
   the half-open spans the API gives.
4. An outcome's categories are shown beside the baseline the promise published for each
   (the published figures as published: what the breakdown leaves out is "ospecificerat").
"""

from datetime import timedelta
from typing import Any

from services.public.domain.figures import (
    as_date,
    as_float,
    as_int,
    as_moment,
    as_period,
    as_text,
)
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


def _period(value: Any) -> Period | None:
    span = as_period(value)
    return Period(span[0], span[1] - timedelta(days=1)) if span else None


def _by_id(snapshot: Snapshot | None, key: str) -> dict[str, dict[str, Any]]:
    items = snapshot.kpis.get(key) if snapshot else None
    if not isinstance(items, list):
        return {}
    return {str(i["id"]): i for i in items if isinstance(i, dict) and "id" in i}


def _planned_places(target: Target) -> dict[str, str]:
    """Where each dated occurrence is to be held, by its id ("*": wherever the window says)."""
    if not isinstance(target, DatedTarget):
        return {}
    if target.window is not None:
        return {"*": target.window.place} if target.window.place else {}
    return {o.id: o.place for o in target.occurrences}


def _commitment(promise: Promise, c: Commitment, kpi: dict[str, Any] | None) -> CommitmentProgress:
    planned = _planned_places(c.target)
    names = tuple(p.name for r in c.responsible if (p := promise.organisation(r)))
    kpi = kpi or {}
    coverage = kpi.get("coverage_by_organisation")
    occurrences = kpi.get("occurrences")
    return CommitmentProgress(
        id=c.id,
        title=c.title,
        description=c.description,
        responsible=names,
        kind=c.target.kind,
        status=as_text(kpi.get("status")),
        period=_period(kpi.get("period")),
        done=as_int(kpi.get("done")),
        target=as_int(kpi.get("target")),
        expected=as_float(kpi.get("expected")),
        previous=as_int(kpi.get("previous")),
        slots_due=as_int(kpi.get("slots_due")),
        missed_slots=tuple(d for s in kpi.get("missed_slots") or () if (d := as_date(s))),
        cells=as_int(kpi.get("cells")),
        gaps=len(kpi["gaps"]) if isinstance(kpi.get("gaps"), list) else None,
        coverage_by_organisation=tuple(
            (p.name, ratio)
            for organisation, value in (coverage.items() if isinstance(coverage, dict) else ())
            if (p := promise.organisation(organisation)) and (ratio := as_float(value)) is not None
        ),
        occurrences=tuple(
            OccurrenceProgress(
                title=as_text(o.get("title")) or "",
                due=as_moment(o.get("due")),
                held=o.get("held") is True,
                held_at=as_moment(o.get("held_at")),
                # Where it was held; until then, where it is to be.
                place=as_text(o.get("place")) or planned.get(str(o.get("id")), planned.get("*")),
            )
            for o in (occurrences if isinstance(occurrences, list) else ())
            if isinstance(o, dict)
        ),
        completed_at=as_moment(kpi.get("completed_at")),
        due=as_date(kpi.get("due")),
        explanations=_explanations(promise, kpi.get("explanations")),
    )


def _explanations(promise: Promise, value: Any) -> tuple[ExplanationShown, ...]:
    """What the organisations published to be read (`explanation.published`), oldest first."""
    return tuple(
        ExplanationShown(
            kind=as_text(e.get("kind")) or "comment",
            text=text,
            organisations=tuple(
                p.name for o in e.get("organisations") or () if (p := promise.organisation(o))
            ),
            published=as_moment(e.get("published_at")),
        )
        for e in (value if isinstance(value, list) else ())
        if isinstance(e, dict) and (text := as_text(e.get("text")))
    )


def _outcome(
    promise: Promise, indicator: OutcomeIndicator, kpi: dict[str, Any] | None
) -> OutcomeProgress:
    kpi = kpi or {}
    values = kpi.get("by_category")
    measured = values if isinstance(values, dict) else {}
    baseline = indicator.baseline
    published = dict(baseline.by_category) if baseline else {}
    if baseline and (rest := baseline.total - sum(published.values())):
        published[UNCLASSIFIED] = published.get(UNCLASSIFIED, 0) + rest
    categories = list(getattr(indicator.measured_by, "categories", ()))
    categories += [c for c in [*measured, *published] if c not in categories]
    return OutcomeProgress(
        id=indicator.id,
        title=indicator.title,
        description=indicator.description or "",
        measured_by=indicator.measured_by.kind,
        direction=indicator.direction,
        status=as_text(kpi.get("status")),
        period=_period(kpi.get("period")),
        comparison_period=_period(kpi.get("comparison_period")),
        value=as_float(kpi.get("value")),
        comparison_value=as_float(kpi.get("comparison_value")),
        change_ratio=as_float(kpi.get("change_ratio")),
        good=kpi.get("good") if isinstance(kpi.get("good"), bool) else None,
        baseline_period=Period(baseline.period.start, baseline.period.end) if baseline else None,
        baseline_total=baseline.total if baseline else None,
        categories=tuple(
            CategoryRow(
                c,
                as_int(measured.get(c)),
                published.get(c) if baseline else None,
                found.title if (found := promise.commitment(c)) else None,
            )
            for c in categories
        )
        if len(categories) > 1
        else (),
    )


def progress(promise: Promise, snapshot: Snapshot | None) -> PromiseProgress:
    commitments = _by_id(snapshot, "commitments")
    outcomes = _by_id(snapshot, "outcomes")
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
        figures_at=as_moment(snapshot.kpis.get("at")) if snapshot else None,
        fetched_at=snapshot.fetched_at if snapshot else None,
    )
