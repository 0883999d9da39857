"""What of the bucketed state each KPI reads: whose activities, and whether incidents.

An instance evaluates only the KPIs it owns and builds only the facts those read (see
`buckets.Wanted`), so this must follow every rule that reads across KPIs: an indicator
measured by commitments' activities reads theirs, and an open count that names an
indicator reads what that indicator is measured by.
"""

from collections.abc import Callable

from services.metrics.domain.buckets import Wanted
from shared.promises import (
    ActivityCount,
    CrimeStatistics,
    OpenCountTarget,
    OutcomeIndicator,
    Promise,
)


def wanted_by(promise: Promise, evaluated: Callable[[str], bool]) -> Wanted:
    """The buckets the promise's KPIs that `evaluated` says yes to read."""
    commitments: set[str] = set()
    incidents = False

    def measured_by(indicator: OutcomeIndicator | None) -> None:
        nonlocal incidents
        measure = indicator.measured_by if indicator else None
        if isinstance(measure, CrimeStatistics):
            incidents = True
        elif isinstance(measure, ActivityCount):
            commitments.update(measure.commitments)

    for commitment in promise.commitments:
        if not evaluated(commitment.id):
            continue
        commitments.add(commitment.id)
        target = commitment.target
        if isinstance(target, OpenCountTarget) and target.indicator:
            measured_by(promise.indicator(target.indicator))
    for indicator in promise.outcome_indicators:
        if evaluated(indicator.id):
            measured_by(indicator)
    return Wanted(frozenset(commitments), incidents)
