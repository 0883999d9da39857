"""Coverage targets: every cell of a matrix (organisation × place × month) at least once.

An activity covers the cells of each organisation in its `data.organisations` (a joint
visit counts for every organisation that took part), at its `data.place` when the matrix
lists places or classes, in the sub-period (month) its local date falls in. Without a
period dimension the one sub-period is the whole period.

A cell whose sub-period has ended uncovered is a gap. A cell of the sub-period still
running is not a gap yet, but the service warns about it as the sub-period draws to an
end: `closing_gaps` lists those cells.
"""

from bisect import bisect_right
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import product

from services.metrics.domain.context import Context
from services.metrics.domain.facts import on_days
from services.metrics.domain.kpis import CommitmentKpi, Gap, Span
from services.metrics.domain.periods import ONE_DAY, days_left, to_range
from services.metrics.domain.status import coverage_status
from shared.calendar import periods_overlapping
from shared.promises import (
    Commitment,
    CoverageTarget,
    ListedDimension,
    OrganisationsDimension,
    PeriodDimension,
)

_MEMBER_NAMES = {"places": "place", "classes": "class"}


@dataclass(frozen=True, slots=True)
class Matrix:
    """The cells of one period: each organisation (if a dimension) × each listed member
    (if a dimension) × each sub-period. A missing dimension is one `None` on its axis."""

    organisations: Sequence[str | None]
    members: Sequence[str | None]
    member_name: str
    sub_periods: Sequence[Span]

    @property
    def by_organisation(self) -> bool:
        return None not in self.organisations

    @property
    def by_member(self) -> bool:
        return None not in self.members

    @property
    def size(self) -> int:
        return len(self.organisations) * len(self.members) * len(self.sub_periods)

    def dimensions(self, organisation: str | None, member: str | None) -> dict[str, str]:
        named = {"organisation": organisation, self.member_name: member}
        return {name: value for name, value in named.items() if value is not None}


def matrix(commitment: Commitment, target: CoverageTarget, period: Span) -> Matrix:
    organisations: Sequence[str | None] = (None,)
    listed: ListedDimension | None = None
    sub_periods = [period]
    for dimension in target.dimensions:
        if isinstance(dimension, OrganisationsDimension):
            organisations = commitment.responsible
        elif isinstance(dimension, PeriodDimension):
            sub_periods = [
                Span(max(p.start, period.start), min(p.end + ONE_DAY, period.end))
                for p in periods_overlapping(dimension.every, to_range(period))
            ]
        else:
            listed = dimension
    if listed is None:
        return Matrix(organisations, (None,), "member", sub_periods)
    return Matrix(organisations, listed.members, _MEMBER_NAMES[listed.kind], sub_periods)


def _coverage(
    cells: Matrix, commitment: Commitment, context: Context
) -> Counter[tuple[str | None, str | None, int]]:
    """Activities per (organisation, member, index of the sub-period)."""
    first, end = cells.sub_periods[0].start, cells.sub_periods[-1].end
    starts = [sub.start for sub in cells.sub_periods]
    members = set(cells.members)
    counts: Counter[tuple[str | None, str | None, int]] = Counter()
    for activity in on_days(context.facts.activities_of(commitment.id), first, end):
        member = activity.data.place if cells.by_member else None
        if member not in members:
            continue
        index = bisect_right(starts, activity.day) - 1
        organisations = activity.data.organisations if cells.by_organisation else [None]
        for organisation in organisations:
            counts[(organisation, member, index)] += 1
    return counts


def evaluate_coverage(
    commitment: Commitment, target: CoverageTarget, context: Context
) -> CommitmentKpi:
    period = context.period(target.period)
    cells = matrix(commitment, target, period)
    counts = _coverage(cells, commitment, context)
    gaps: list[Gap] = []
    current: list[Gap] = []
    current_left: int | None = None
    started = Counter[str | None]()
    covered = Counter[str | None]()
    for index, sub in enumerate(cells.sub_periods):
        if not context.has_started(sub):
            break
        ended = context.has_ended(sub)
        if not ended:
            current_left = days_left(sub, context.today)
        for organisation, member in product(cells.organisations, cells.members):
            started[organisation] += 1
            if counts[(organisation, member, index)] >= target.at_least:
                covered[organisation] += 1
                continue
            gap = Gap(dimensions=cells.dimensions(organisation, member), period=sub)
            (gaps if ended else current).append(gap)
    status = coverage_status(
        started=context.has_started(period),
        ended=context.has_ended(period),
        sub_periods_with_gaps=len({gap.period for gap in gaps}),
    )
    return CommitmentKpi(
        id=commitment.id,
        kind="coverage",
        focus_area=commitment.focus_area,
        responsible=commitment.responsible,
        status=status,
        period=period,
        done=covered.total(),
        target=cells.size,
        cells=cells.size,
        gaps=tuple(gaps),
        coverage_by_organisation={
            organisation: covered[organisation] / started[organisation]
            for organisation in cells.organisations
            if organisation is not None and started[organisation]
        },
        current_gaps=tuple(current),
        current_days_left=current_left,
    )


def closing_gaps(kpi: CommitmentKpi, notice_days: int) -> tuple[Gap, ...]:
    """Cells of the running sub-period still uncovered with `notice_days` or fewer left.

    "Fritidsgården Arken has had no visit from polisen this month, with 5 days left."
    """
    if kpi.current_days_left is None or kpi.current_days_left > notice_days:
        return ()
    return kpi.current_gaps
