"""Counts of activities in a period: with a number promised (`count`), or without one
(`open-count`).

A count target counts only activities dated in the period that its condition accepts: a
safety walk without youths does not count for a commitment promising walks with youths.
`expected` is where the count should be by now were the activities spread evenly.

An open count promises no number and is shown against the same span a year earlier.
`foraldrar-facebook` counts its posts; `narkotikabrott-unga` names an outcome indicator
(`narkotikabrott-upptackt`) and so counts that indicator's incidents instead: the promise
is to detect more drug crimes, which no activity report says.
"""

from collections.abc import Sequence

from services.metrics.domain.context import Context
from services.metrics.domain.facts import Fact, on_days
from services.metrics.domain.kpis import CommitmentKpi
from services.metrics.domain.measures import Reach, Tally, activity_tally, crime_tally
from services.metrics.domain.periods import elapsed_share
from services.metrics.domain.status import count_status, open_count_status
from shared.contracts.events import ActivityCompleted
from shared.promises import (
    ActivityCount,
    Commitment,
    CountTarget,
    CrimeStatistics,
    OpenCountTarget,
)

_NOTHING = Tally(0, {}, has_data=False)


def _counted(target: CountTarget, activities: Sequence[Fact[ActivityCompleted]]) -> int:
    if target.condition is None:
        return sum(activity.weight for activity in activities)
    # A condition reads only who took part, and a year of activities holds few distinct
    # head counts: each is judged once, not once per activity.
    verdicts: dict[tuple[object, ...] | None, bool] = {}
    done = 0
    for activity in activities:
        participants = activity.data.participants
        # The numbers themselves are the key: comparing the models is far slower.
        key = None if participants is None else tuple(vars(participants).values())
        verdict = verdicts.get(key)
        if verdict is None:
            verdict = verdicts[key] = target.counts(activity.data)
        done += verdict * activity.weight
    return done


def evaluate_count(commitment: Commitment, target: CountTarget, context: Context) -> CommitmentKpi:
    period = context.period(target.period)
    activities = on_days(context.facts.activities_of(commitment.id), period.start, period.end)
    done = _counted(target, activities)
    expected = target.at_least * elapsed_share(period, context.at, context.zone)
    status = count_status(
        started=context.has_started(period),
        ended=context.has_ended(period),
        done=done,
        target=target.at_least,
        expected=expected,
    )
    return CommitmentKpi(
        id=commitment.id,
        kind="count",
        focus_area=commitment.focus_area,
        responsible=commitment.responsible,
        status=status,
        period=period,
        done=done,
        target=target.at_least,
        expected=float(expected),
    )


def _open_tally(
    commitment: Commitment, target: OpenCountTarget, context: Context, reach: Reach
) -> Tally:
    indicator = context.promise.indicator(target.indicator) if target.indicator else None
    if indicator is None:
        return activity_tally([commitment.id], context.facts, reach)
    measure = indicator.measured_by
    if isinstance(measure, CrimeStatistics):
        return crime_tally(measure, context.facts, reach)
    if isinstance(measure, ActivityCount):
        return activity_tally(measure.commitments, context.facts, reach)
    # A survey index is no count; such a reference can only wait for a better one.
    return _NOTHING


def evaluate_open_count(
    commitment: Commitment, target: OpenCountTarget, context: Context
) -> CommitmentKpi:
    period = context.period(target.period)
    reach = Reach.of(period, context.at)
    now = _open_tally(commitment, target, context, reach)
    before = _open_tally(commitment, target, context, reach.year_before(context.zone))
    status = open_count_status(
        started=context.has_started(period),
        has_data=now.has_data or before.has_data,
        done=now.total,
        previous=before.total,
    )
    return CommitmentKpi(
        id=commitment.id,
        kind="open-count",
        focus_area=commitment.focus_area,
        responsible=commitment.responsible,
        status=status,
        period=period,
        done=now.total,
        previous=before.total,
    )
