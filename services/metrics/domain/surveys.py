"""Survey-based outcomes: the police's trygghetsmätning, as its results are published.

A result belongs to the evaluation period when its survey period *ends* within it: a
survey run in autumn 2017 speaks for 2017 even if it opened before the promise did. The
latest such result (by survey period, then by publication) is compared with the latest
one before it; a re-published result for the same survey period replaces the earlier
one. Results are not filtered by area: a promise is followed up with its area's surveys.
Until a result for the period is published the outcome is awaiting data.
"""

from collections.abc import Sequence
from datetime import date

from services.metrics.domain.context import Context
from services.metrics.domain.facts import Fact
from services.metrics.domain.kpis import OutcomeKpi, Span
from services.metrics.domain.measures import judge
from services.metrics.domain.periods import ONE_DAY, to_span
from services.metrics.domain.status import outcome_status
from shared.contracts.events import SurveyPublished
from shared.promises import OutcomeIndicator, Survey


def _latest(results: Sequence[Fact[SurveyPublished]]) -> Fact[SurveyPublished] | None:
    # `results` are in publication order, so among equal survey periods the last one wins.
    latest: Fact[SurveyPublished] | None = None
    for result in results:
        if latest is None or result.data.period.end >= latest.data.period.end:
            latest = result
    return latest


def _span(result: Fact[SurveyPublished]) -> Span:
    return Span(result.data.period.start, result.data.period.end + ONE_DAY)


def latest_results(
    results: Sequence[Fact[SurveyPublished]], period: Span
) -> tuple[Fact[SurveyPublished] | None, Fact[SurveyPublished] | None]:
    """(the period's latest result, the one before it)."""
    current = _latest([r for r in results if period.start <= r.data.period.end < period.end])
    if current is None:
        return None, None
    ends: date = current.data.period.end
    return current, _latest([r for r in results if r.data.period.end < ends])


def survey_outcome(
    indicator: OutcomeIndicator, measure: Survey, period: Span, context: Context
) -> OutcomeKpi:
    current, previous = latest_results(context.facts.surveys_of(measure.indicator), period)
    value = current.data.value if current else None
    baseline = indicator.baseline
    comparison: float | None = previous.data.value if previous else None
    comparison_period = _span(previous) if previous else None
    if indicator.comparison == "baseline" and baseline is not None:
        comparison, comparison_period = baseline.total, to_span(baseline.period)
    ratio, good = judge(value, comparison, indicator.direction)
    return OutcomeKpi(
        id=indicator.id,
        measured_by="survey",
        direction=indicator.direction,
        status=outcome_status(
            started=context.has_started(period), has_data=current is not None, good=good
        ),
        period=period,
        comparison_period=comparison_period,
        value=value,
        comparison_value=comparison,
        change_ratio=ratio,
        good=good,
        baseline_period=to_span(baseline.period) if baseline else None,
        baseline_total=baseline.total if baseline else None,
    )
