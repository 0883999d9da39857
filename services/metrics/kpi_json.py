"""KPIs as the HTTP API shows them."""

from datetime import date, datetime
from typing import Any

from services.metrics.domain.kpis import CommitmentKpi, OutcomeKpi, PromiseKpis, Span


def _span(span: Span | None) -> dict[str, str] | None:
    return {"start": span.start.isoformat(), "end": span.end.isoformat()} if span else None


def _moment(value: datetime | date | None) -> str | None:
    return value.isoformat() if value else None


def commitment_json(kpi: CommitmentKpi) -> dict[str, Any]:
    return {
        "id": kpi.id,
        "kind": kpi.kind,
        "focus_area": kpi.focus_area,
        "responsible": list(kpi.responsible),
        "status": kpi.status.value,
        "period": _span(kpi.period),
        "done": kpi.done,
        "target": kpi.target,
        "expected": kpi.expected,
        "progress_ratio": kpi.progress_ratio,
        "slots_due": kpi.slots_due,
        "missed_slots": [slot.isoformat() for slot in kpi.missed_slots],
        "streak": kpi.streak,
        "cells": kpi.cells,
        "gaps": [{**gap.dimensions, "period": _span(gap.period)} for gap in kpi.gaps],
        "coverage_by_organisation": kpi.coverage_by_organisation,
        "occurrences": [
            {
                "id": o.id,
                "title": o.title,
                "due": o.due.isoformat(),
                "held": o.held,
                "held_at": _moment(o.held_at),
                "place": o.place,
            }
            for o in kpi.occurrences
        ],
        "completed_at": _moment(kpi.completed_at),
        "due": _moment(kpi.due),
        "previous": kpi.previous,
    }


def outcome_json(kpi: OutcomeKpi) -> dict[str, Any]:
    return {
        "id": kpi.id,
        "kind": "outcome",
        "measured_by": kpi.measured_by,
        "direction": kpi.direction,
        "status": kpi.status.value,
        "period": _span(kpi.period),
        "comparison_period": _span(kpi.comparison_period),
        "value": kpi.value,
        "comparison_value": kpi.comparison_value,
        "change_ratio": kpi.change_ratio,
        "good": kpi.good,
        "by_category": kpi.by_category,
    }


def promise_json(kpis: PromiseKpis) -> dict[str, Any]:
    return {
        "promise": kpis.promise,
        "at": kpis.at.isoformat(),
        "commitments": [commitment_json(c) for c in kpis.commitments],
        "outcomes": [outcome_json(o) for o in kpis.outcomes],
    }
