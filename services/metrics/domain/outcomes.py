"""Outcome indicators: what the promise wants to change, against what it is compared with.

- crime statistics: incidents of the indicator's categories (and age band) recorded in the
  period so far; compared with the same span a year earlier, or with the baseline;
- activity count: completed activities of the listed commitments, likewise;
- survey: the latest published result whose survey period ends within the evaluation
  period, compared with the result before it (or with the baseline).

With `comparison: baseline` the comparison is the baseline's published total and its
period, as published: the count so far is not scaled to the baseline's length.

The baseline is reported as published whatever the comparison (`baseline_total`,
`baseline_period`, `baseline_by_category`). When its total exceeds its breakdown, as Lund's
161 drug crimes of 2016 against 101 + 48 + 7 + 3 = 159 do, the remainder of 2 is reported
under the family's unspecified category (`narkotika.ospecificerat` when every category of
the indicator is a `narkotika.*` one, plain `ospecificerat` otherwise), added to what the
breakdown may already list there, so the breakdown always adds up to the total. A baseline
with no breakdown at all gets none.
"""

from services.metrics.domain.context import Context
from services.metrics.domain.kpis import OutcomeKpi, Span
from services.metrics.domain.measures import Reach, Tally, activity_tally, crime_tally, judge
from services.metrics.domain.periods import to_span
from services.metrics.domain.status import outcome_status
from services.metrics.domain.surveys import survey_outcome
from shared.promises import ActivityCount, CrimeStatistics, OutcomeIndicator

UNSPECIFIED = "ospecificerat"


def unclassified_key(categories: tuple[str, ...]) -> str:
    families = {category.split(".")[0] for category in categories}
    return f"{families.pop()}.{UNSPECIFIED}" if len(families) == 1 else UNSPECIFIED


def baseline_breakdown(indicator: OutcomeIndicator) -> dict[str, int]:
    baseline = indicator.baseline
    if baseline is None or not baseline.by_category:
        return {}
    breakdown = dict(baseline.by_category)
    measure = indicator.measured_by
    if baseline.unclassified and isinstance(measure, CrimeStatistics):
        key = unclassified_key(measure.categories)
        breakdown[key] = breakdown.get(key, 0) + baseline.unclassified
    return breakdown


def _tally(measure: CrimeStatistics | ActivityCount, context: Context, reach: Reach) -> Tally:
    if isinstance(measure, CrimeStatistics):
        return crime_tally(measure, context.facts, reach)
    return activity_tally(measure.commitments, context.facts, reach)


def evaluate_outcome(indicator: OutcomeIndicator, context: Context) -> OutcomeKpi:
    period = context.period()
    measure = indicator.measured_by
    if not isinstance(measure, CrimeStatistics | ActivityCount):
        return survey_outcome(indicator, measure, period, context)
    reach = Reach.of(period, context.at)
    now = _tally(measure, context, reach)
    comparison_value: int | None
    comparison_period: Span | None
    baseline = indicator.baseline
    if indicator.comparison == "baseline" and baseline is not None:
        comparison_value, comparison_period = baseline.total, to_span(baseline.period)
        comparison_by_category = baseline_breakdown(indicator)
    else:
        earlier = reach.year_before(context.zone)
        before = _tally(measure, context, earlier)
        comparison_value = before.total if before.has_data else None
        comparison_period = earlier.days
        comparison_by_category = before.by_category if before.has_data else {}
    ratio, good = judge(now.total, comparison_value, indicator.direction)
    status = outcome_status(
        started=context.has_started(period),
        has_data=now.has_data or comparison_value is not None,
        good=good,
    )
    return OutcomeKpi(
        id=indicator.id,
        measured_by=measure.kind,
        direction=indicator.direction,
        status=status,
        period=period,
        comparison_period=comparison_period,
        value=now.total,
        comparison_value=comparison_value,
        change_ratio=ratio,
        good=good,
        by_category=now.by_category,
        comparison_by_category=comparison_by_category,
        baseline_period=to_span(baseline.period) if baseline else None,
        baseline_total=baseline.total if baseline else None,
        baseline_by_category=baseline_breakdown(indicator),
    )
