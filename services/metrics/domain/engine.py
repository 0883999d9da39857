"""The KPI engine: every commitment and outcome of a promise, as of one instant.

`evaluate` is a pure function of the promise, the *set* of events and the instant: the
events are deduplicated, cut at the instant and stripped of what was retracted once
(`facts.py`), then indexed by commitment and type once, and every rule reads the index.
Order and repetition of the events therefore change nothing. Each commitment event counts
only for the promise it belongs to among the `promises` deployed (`belonging.py`).

Each commitment is evaluated over the period of its target containing the evaluation day
(see `status.py` for the rules). `period_of` evaluates another day's periods instead,
still as of `at`: on 2 January 2018, `period_of=date(2017, 12, 31)` closes the books on
2017 with the reports that came in late, and shows what was achieved and what was missed.

`known_at` (default: `at`) is the second instant: the explanations published and the
retractions made up to it are known (`facts.py`). A follow-up of 2017 made on 1 February
2018 is evaluated at the end of 2017, known at 1 February: it shows how 2017 ended with what
the organisations said about it in January, and no activity of 2018.
"""

from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime
from typing import Any

from services.metrics.domain.belonging import belonging
from services.metrics.domain.context import Context
from services.metrics.domain.count import evaluate_count, evaluate_open_count
from services.metrics.domain.coverage import evaluate_coverage
from services.metrics.domain.explanations import explained
from services.metrics.domain.fact_log import FactLog
from services.metrics.domain.facts import KnownEvent, distinct
from services.metrics.domain.kpis import CommitmentKpi, OutcomeKpi, PromiseKpis
from services.metrics.domain.one_off import evaluate_dated, evaluate_deliverable
from services.metrics.domain.outcomes import evaluate_outcome
from services.metrics.domain.recurring import evaluate_recurring
from shared.promises import (
    Commitment,
    CountTarget,
    CoverageTarget,
    DatedTarget,
    DeliverableTarget,
    OpenCountTarget,
    Promise,
    RecurringTarget,
    SchoolHolidayCalendar,
    school_holiday_calendars,
)

Rule = Callable[[Commitment, Any, Context], CommitmentKpi]
RULES: Mapping[type, Rule] = {
    CountTarget: evaluate_count,
    RecurringTarget: evaluate_recurring,
    CoverageTarget: evaluate_coverage,
    DatedTarget: evaluate_dated,
    DeliverableTarget: evaluate_deliverable,
    OpenCountTarget: evaluate_open_count,
}


def evaluate(
    promise: Promise,
    events: Iterable[KnownEvent],
    at: datetime,
    *,
    calendars: Mapping[str, SchoolHolidayCalendar] | None = None,
    period_of: date | None = None,
    promises: Iterable[Promise] = (),
    known_at: datetime | None = None,
) -> PromiseKpis:
    """The KPIs of `promise` as of `at` (time zone aware), from the events known at
    `known_at` (time zone aware, not before `at`; default: `at`).

    `calendars` are the school-holiday calendars by id (the shipped ones by default);
    `promises` those deployed beside `promise`, which an event may belong to instead.
    """
    log = FactLog(promise.zone)
    log.add(distinct(events))
    return evaluate_log(
        promise,
        log,
        at,
        calendars=calendars,
        period_of=period_of,
        promises=promises,
        known_at=known_at,
    )


def evaluate_log(
    promise: Promise,
    log: FactLog,
    at: datetime,
    *,
    calendars: Mapping[str, SchoolHolidayCalendar] | None = None,
    period_of: date | None = None,
    promises: Iterable[Promise] = (),
    wanted: Callable[[str], bool] | None = None,
    known_at: datetime | None = None,
) -> PromiseKpis:
    """`evaluate` over a log the caller keeps: the same KPIs, without reading every event;
    only the commitments and indicators `wanted` says yes to, when it is given (each KPI is
    evaluated on its own, so a part is the same as it is in the whole)."""
    context = _context(promise, log, at, known_at, calendars, period_of, promises)
    return PromiseKpis(
        promise=promise.id,
        at=at,
        known_at=at if known_at is None else known_at,
        commitments=tuple(
            explained(RULES[type(c.target)](c, c.target, context), context)
            for c in promise.commitments
            if wanted is None or wanted(c.id)
        ),
        outcomes=tuple(
            evaluate_outcome(i, context)
            for i in promise.outcome_indicators
            if wanted is None or wanted(i.id)
        ),
    )


def evaluate_item(
    promise: Promise,
    log: FactLog,
    at: datetime,
    item_id: str,
    *,
    calendars: Mapping[str, SchoolHolidayCalendar] | None = None,
    period_of: date | None = None,
    promises: Iterable[Promise] = (),
    known_at: datetime | None = None,
) -> CommitmentKpi | OutcomeKpi | None:
    """One commitment or outcome indicator of `evaluate_log`'s KPIs, evaluated alone (None:
    the promise has no such item)."""
    context = _context(promise, log, at, known_at, calendars, period_of, promises)
    for commitment in promise.commitments:
        if commitment.id == item_id:
            rule = RULES[type(commitment.target)]
            return explained(rule(commitment, commitment.target, context), context)
    for indicator in promise.outcome_indicators:
        if indicator.id == item_id:
            return evaluate_outcome(indicator, context)
    return None


def _context(
    promise: Promise,
    log: FactLog,
    at: datetime,
    known_at: datetime | None,
    calendars: Mapping[str, SchoolHolidayCalendar] | None,
    period_of: date | None,
    promises: Iterable[Promise],
) -> Context:
    if any(t is not None and (t.tzinfo is None or t.utcoffset() is None) for t in (at, known_at)):
        raise ValueError("the evaluation's instants must be time zone aware")
    local = at.astimezone(promise.zone)
    return Context(
        promise=promise,
        facts=log.facts_at(local, belonging(promise, promises), known_at=known_at),
        at=local,
        reference=period_of or local.date(),
        calendars=school_holiday_calendars() if calendars is None else calendars,
    )
