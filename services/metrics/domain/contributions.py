"""Which KPIs one applied event counts towards, by the same rules the engine counts by.

1. A completed activity or deliverable counts only in the promise it belongs to
   (`shared.promises.placed_in`, as `belonging.py` decides for the engine): towards its
   commitment in the period of the commitment's target containing its day — a deliverable
   towards a deliverable target, an activity towards any other, unless a count target's
   condition refuses it (a walk without youths) or an open count counts an indicator's
   figures instead — and towards the promise's indicators that count its commitment's
   activities.
2. An incident counts, in every promise, towards each crime-statistics indicator whose
   categories (and age band) take it, and towards each open count of such an indicator.
3. A survey result counts towards each survey indicator of its name, in the period its
   survey period ends in.
4. Counted in a period's figure (`value`) while the promise is in force on the event's day;
   as the comparison (`comparison`) of the period a year later, for the KPIs compared with
   the same span a year earlier, while the promise is in force on that day. Incidents from
   before a promise began are its comparison, as the outcomes say.
5. A retraction counts towards nothing; what it retracts counts towards nothing once it is.

`today` (the promise's amendments as in force) is passed in: no clock is read here.
"""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

from services.metrics.domain.context import promise_period
from services.metrics.domain.kpis import Span
from shared.calendar import PeriodKind
from shared.contracts.events import (
    ActivityCompleted,
    DeliverableCompleted,
    EventData,
    IncidentRecorded,
    SurveyPublished,
)
from shared.promises import (
    ActivityCount,
    Commitment,
    CountTarget,
    CrimeStatistics,
    DeliverableTarget,
    OpenCountTarget,
    OutcomeIndicator,
    Promise,
    Survey,
    placed_in,
)

Role = Literal["value", "comparison"]


@dataclass(frozen=True, slots=True)
class Contribution:
    promise: str
    kind: Literal["commitment", "indicator"]
    id: str
    period: Span
    role: Role


def counted_towards(
    data: EventData, time: datetime, promises: Iterable[Promise], today: date
) -> list[Contribution]:
    deployed = tuple(promises)
    if isinstance(data, ActivityCompleted | DeliverableCompleted):
        return list(_commitment_event(data, time, deployed, today))
    found: list[Contribution] = []
    for promise in deployed:
        day = time.astimezone(promise.zone).date()
        if isinstance(data, IncidentRecorded):
            found += _incident(data, day, promise, today)
        elif isinstance(data, SurveyPublished):
            found += _survey(data, promise, today)
    return found


def _commitment_event(
    data: ActivityCompleted | DeliverableCompleted,
    time: datetime,
    promises: tuple[Promise, ...],
    today: date,
) -> Iterator[Contribution]:
    holders = [p for p in promises if p.commitment(data.commitment) is not None]
    placed = placed_in(holders, data.commitment, time, data.promise)
    promise = next((p for p in holders if p.id == placed), None)
    if promise is None:
        return
    commitment = promise.commitment(data.commitment)
    day = time.astimezone(promise.zone).date()
    if commitment is not None and _commitment_counts(commitment, data):
        period = getattr(commitment.target, "period", promise.period)
        compared = isinstance(commitment.target, OpenCountTarget)
        yield from _periods(promise, "commitment", commitment.id, period, day, today, compared)
    if isinstance(data, ActivityCompleted):
        for indicator in promise.outcome_indicators:
            measure = indicator.measured_by
            if isinstance(measure, ActivityCount) and data.commitment in measure.commitments:
                yield from _indicator(promise, indicator, day, today)


def _commitment_counts(
    commitment: Commitment, data: ActivityCompleted | DeliverableCompleted
) -> bool:
    target = commitment.target
    if isinstance(data, DeliverableCompleted):
        return isinstance(target, DeliverableTarget)
    if isinstance(target, DeliverableTarget):
        return False
    if isinstance(target, OpenCountTarget):
        return target.indicator is None
    return not isinstance(target, CountTarget) or target.counts(data)


def _incident(
    data: IncidentRecorded, day: date, promise: Promise, today: date
) -> Iterator[Contribution]:
    taking = {
        indicator.id
        for indicator in promise.outcome_indicators
        if isinstance(indicator.measured_by, CrimeStatistics)
        and data.category in indicator.measured_by.categories
        and indicator.measured_by.age_band in (None, data.age_band)
    }
    for indicator in promise.outcome_indicators:
        if indicator.id in taking:
            yield from _indicator(promise, indicator, day, today)
    for commitment in promise.commitments:
        target = commitment.target
        if isinstance(target, OpenCountTarget) and target.indicator in taking:
            period = target.period
            yield from _periods(promise, "commitment", commitment.id, period, day, today, True)


def _survey(data: SurveyPublished, promise: Promise, today: date) -> Iterator[Contribution]:
    for indicator in promise.outcome_indicators:
        measure = indicator.measured_by
        if isinstance(measure, Survey) and measure.indicator == data.indicator:
            day = data.period.end
            if promise.is_valid_on(day):
                span = promise_period(promise, promise.period, day, today)
                yield Contribution(promise.id, "indicator", indicator.id, span, "value")


def _indicator(
    promise: Promise, indicator: OutcomeIndicator, day: date, today: date
) -> Iterator[Contribution]:
    compared = indicator.comparison == "same-period-previous-year"
    yield from _periods(promise, "indicator", indicator.id, promise.period, day, today, compared)


def _periods(
    promise: Promise,
    kind: Literal["commitment", "indicator"],
    item: str,
    period: PeriodKind,
    day: date,
    today: date,
    compared: bool,
) -> Iterator[Contribution]:
    if promise.is_valid_on(day):
        span = promise_period(promise, period, day, today)
        yield Contribution(promise.id, kind, item, span, "value")
    if compared:
        later = _year_later(day)
        if promise.is_valid_on(later):
            span = promise_period(promise, period, later, today)
            yield Contribution(promise.id, kind, item, span, "comparison")


def _year_later(day: date) -> date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February: its year-later span ends on the 28th
        return day.replace(year=day.year + 1, day=28)
