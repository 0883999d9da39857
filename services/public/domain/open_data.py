"""The figures of a promise for reuse: JSON and CSV, the same numbers the page shows.

Ids, status codes and ISO dates rather than words, so that a program can read them in any
language; the titles are the promise's own. Nothing is here that the page does not show.
"""

import csv
import io
from datetime import date, datetime
from typing import Any, Final

from services.public.domain.progress import (
    CommitmentProgress,
    OutcomeProgress,
    Period,
    PromiseProgress,
)

CSV_COLUMNS: Final = (
    "promise",
    "row",
    "id",
    "focus_area",
    "title",
    "status",
    "period_first_day",
    "period_last_day",
    "done",
    "target",
    "expected",
    "previous",
    "category",
    "value",
    "comparison_value",
    "comparison_first_day",
    "comparison_last_day",
    "change_ratio",
    "baseline",
    "figures_at",
    "explanation",
    "published",
)


def _period(period: Period | None) -> dict[str, str] | None:
    return (
        {"first_day": period.first.isoformat(), "last_day": period.last.isoformat()}
        if period
        else None
    )


def _iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value else None


def commitment_data(focus_area: str, c: CommitmentProgress) -> dict[str, Any]:
    return {
        "id": c.id,
        "focus_area": focus_area,
        "title": c.title,
        "responsible": list(c.responsible),
        "kind": c.kind,
        "status": c.status,
        "period": _period(c.period),
        "done": c.done,
        "target": c.target,
        "expected": c.expected,
        "previous": c.previous,
        "slots_due": c.slots_due,
        "missed_slots": [d.isoformat() for d in c.missed_slots],
        "cells": c.cells,
        "gaps": c.gaps,
        "occurrences": [
            {
                "title": o.title,
                "due": _iso(o.due),
                "held": o.held,
                "held_at": _iso(o.held_at),
                "place": o.place,
            }
            for o in c.occurrences
        ],
        "completed_at": _iso(c.completed_at),
        "due": _iso(c.due),
        "explanations": [
            {
                "kind": e.kind,
                "text": e.text,
                "organisations": list(e.organisations),
                "published": _iso(e.published),
            }
            for e in c.explanations
        ],
    }


def outcome_data(o: OutcomeProgress) -> dict[str, Any]:
    return {
        "id": o.id,
        "title": o.title,
        "measured_by": o.measured_by,
        "direction": o.direction,
        "status": o.status,
        "period": _period(o.period),
        "comparison_period": _period(o.comparison_period),
        "value": o.value,
        "comparison_value": o.comparison_value,
        "change_ratio": o.change_ratio,
        "good": o.good,
        "baseline": {"period": _period(o.baseline_period), "total": o.baseline_total}
        if o.baseline_total is not None
        else None,
        "categories": [
            {"category": r.category, "value": r.value, "baseline": r.baseline} for r in o.categories
        ],
    }


def promise_data(progress: PromiseProgress) -> dict[str, Any]:
    return {
        "promise": progress.id,
        "title": progress.title,
        "area": progress.area,
        "figures_at": _iso(progress.figures_at),
        "fetched_at": _iso(progress.fetched_at),
        "commitments": [
            commitment_data(area.id, c) for area in progress.focus_areas for c in area.commitments
        ],
        "outcomes": [outcome_data(o) for o in progress.outcomes],
    }


def _rows(progress: PromiseProgress) -> list[dict[str, Any]]:
    at = _iso(progress.figures_at)
    rows: list[dict[str, Any]] = []
    for area in progress.focus_areas:
        for c in area.commitments:
            rows.append(
                {
                    "row": "commitment",
                    "id": c.id,
                    "focus_area": area.id,
                    "title": c.title,
                    "status": c.status,
                    "period_first_day": _iso(c.period.first) if c.period else None,
                    "period_last_day": _iso(c.period.last) if c.period else None,
                    "done": c.done,
                    "target": c.target,
                    "expected": c.expected,
                    "previous": c.previous,
                }
            )
            # What those responsible said, a row each: `status` holds its kind.
            rows.extend(
                {
                    "row": "explanation",
                    "id": c.id,
                    "focus_area": area.id,
                    "title": c.title,
                    "status": e.kind,
                    "explanation": e.text,
                    "published": _iso(e.published),
                }
                for e in c.explanations
            )
    for o in progress.outcomes:
        common = {
            "id": o.id,
            "title": o.title,
            "period_first_day": _iso(o.period.first) if o.period else None,
            "period_last_day": _iso(o.period.last) if o.period else None,
        }
        rows.append(
            {
                **common,
                "row": "outcome",
                "status": o.status,
                "value": o.value,
                "comparison_value": o.comparison_value,
                "comparison_first_day": _iso(o.comparison_period.first)
                if o.comparison_period
                else None,
                "comparison_last_day": _iso(o.comparison_period.last)
                if o.comparison_period
                else None,
                "change_ratio": o.change_ratio,
                "baseline": o.baseline_total,
            }
        )
        for r in o.categories:
            rows.append(
                {
                    **common,
                    "row": "outcome-category",
                    "category": r.category,
                    "value": r.value,
                    "baseline": r.baseline,
                }
            )
    return [{"promise": progress.id, "figures_at": at, **row} for row in rows]


def promise_csv(progress: PromiseProgress) -> str:
    """RFC 4180 CSV, a header row first; an empty field is a figure not (yet) known."""
    out = io.StringIO()
    writer = csv.DictWriter(out, CSV_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for row in _rows(progress):
        writer.writerow({k: "" if v is None else v for k, v in row.items()})
    return out.getvalue()
