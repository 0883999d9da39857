"""A promise as a person reads it at a terminal: who, until when, and each target."""

from collections.abc import Sequence

from shared.promises import (
    Comparison,
    CountTarget,
    CoverageTarget,
    DatedTarget,
    DeliverableTarget,
    ListedDimension,
    OpenCountTarget,
    OrganisationsDimension,
    OutcomeIndicator,
    Promise,
    RecurringTarget,
    Target,
    Weekly,
)
from shared.promises.indicators import ActivityCount, CrimeStatistics

A = {"week": "a week", "month": "a month", "quarter": "a quarter", "year": "a year"}


def describe_target(target: Target) -> str:
    if isinstance(target, CountTarget):
        text = f"at least {target.at_least} {A[target.period]}"
        conditions = [_bounds(field, check) for field, check in (target.condition or {}).items()]
        return f"{text}, counting only {' and '.join(conditions)}" if conditions else text
    if isinstance(target, RecurringTarget):
        schedule = target.schedule
        if isinstance(schedule, Weekly):
            return f"every {schedule.weekday}; on holidays: {target.public_holidays}"
        if schedule.kind == "monthly":
            return "every month"
        return (
            f"within {schedule.within_days} days before each school holiday ({schedule.calendar})"
        )
    if isinstance(target, CoverageTarget):
        return _coverage(target)
    if isinstance(target, DatedTarget):
        if target.window is not None:
            window = target.window
            place = f" at {window.place}" if window.place else ""
            return f"once in {window.name} ({window.start} – {window.end}){place}"
        days = ", ".join(o.start.date().isoformat() for o in target.occurrences)
        return f"{len(target.occurrences)} dated: {days}"
    if isinstance(target, DeliverableTarget):
        return f"deliver: {target.title}" + (f" by {target.due}" if target.due else "")
    return _open(target)


def _bounds(field: str, check: Comparison) -> str:
    if check.at_most is None:
        return f"{field} ≥ {check.at_least}"
    if check.at_least is None:
        return f"{field} ≤ {check.at_most}"
    return f"{field} {check.at_least}–{check.at_most}"


def _coverage(target: CoverageTarget) -> str:
    parts = []
    for dimension in target.dimensions:
        if isinstance(dimension, OrganisationsDimension):
            parts.append("each organisation")
        elif isinstance(dimension, ListedDimension):
            example = " (example data)" if dimension.example else ""
            parts.append(f"each of {len(dimension.members)} {dimension.kind}{example}")
        else:
            parts.append(f"each {dimension.every}")
    return f"{' × '.join(parts)}: at least {target.at_least} {A[target.period]}"


def _open(target: OpenCountTarget) -> str:
    source = f" by {target.indicator}" if target.indicator else ""
    before = (
        "the year before" if target.period == "year" else f"the same {target.period} a year before"
    )
    return f"no number promised; counted{source}, compared with {before}"


def _measure(indicator: OutcomeIndicator) -> str:
    measure = indicator.measured_by
    if isinstance(measure, CrimeStatistics):
        text = f"crime statistics: {', '.join(measure.categories)}"
        if measure.age_band is not None:
            text += f" ({measure.age_band})"
    elif isinstance(measure, ActivityCount):
        text = f"activities of {', '.join(measure.commitments)}"
    else:
        text = f"survey {measure.indicator}"
    baseline = indicator.baseline
    if baseline is not None:
        text += (
            f"; baseline {baseline.period.start} – {baseline.period.end}: {baseline.total}"
            f" ({baseline.unclassified} unclassified)"
        )
    return text


def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    widths = [max(len(row[i]) for row in (header, *rows)) for i in range(len(header) - 1)]
    return [
        "  ".join([*(cell.ljust(w) for cell, w in zip(row, widths, strict=False)), row[-1]])
        for row in (header, *rows)
    ]


def render_promise(promise: Promise) -> str:
    end = f"to {promise.valid_to}" if promise.valid_to else "until further notice"
    lines = [
        f"{promise.id}: {promise.title}",
        f"area: {promise.area}; valid from {promise.valid_from} {end}; "
        f"followed up per {promise.period} ({promise.timezone})",
        *(
            f"amended {a.date}: {a.kind}, valid to {a.valid_to or 'further notice'}"
            for a in promise.amendments
        ),
        "parties: " + ", ".join(f"{p.id} ({p.name})" for p in promise.parties),
        "",
        *_table(
            ("COMMITMENT", "FOCUS AREA", "RESPONSIBLE", "TARGET"),
            [
                (c.id, c.focus_area, ", ".join(c.responsible), describe_target(c.target))
                for c in promise.commitments
            ],
        ),
        "",
        *_table(
            ("OUTCOME INDICATOR", "WANTED", "COMPARED WITH", "MEASURED BY"),
            [(i.id, i.direction, i.comparison, _measure(i)) for i in promise.outcome_indicators],
        ),
    ]
    return "\n".join(lines) + "\n"
