"""What the organisations responsible say about a commitment's period (`explanation.published`).

An explanation belongs to the commitment's period that holds its period's start, and shows
with the KPI of that period, oldest first. One of kind `not-pursued` says the commitment was
deliberately not pursued in the period: unless it was achieved all the same, it stands as
`not-pursued` instead of `missed` (or behind), so it is neither announced nor escalated as
missed. A retracted explanation is gone, with what it did to the status.

Explanations and their retractions count as known when published (by `known_at`, see
`facts.py`), whatever the instant evaluated at: a year explained in January shows in the
year's follow-up made in February.
"""

from dataclasses import replace

from services.metrics.domain.context import Context
from services.metrics.domain.kpis import CommitmentKpi, Explanation
from shared.contracts.kpis import Status


def explained(kpi: CommitmentKpi, context: Context) -> CommitmentKpi:
    period = kpi.period
    said = tuple(
        Explanation(
            kind=fact.data.kind,
            text=fact.data.text,
            organisations=tuple(fact.data.organisations),
            published_at=fact.time,
        )
        for fact in context.facts.explanations_of(kpi.id)
        if period.start <= fact.data.period.start < period.end
    )
    if not said:
        return kpi
    not_pursued = any(e.kind == "not-pursued" for e in said) and kpi.status is not Status.ACHIEVED
    return replace(kpi, explanations=said, status=Status.NOT_PURSUED if not_pursued else kpi.status)
