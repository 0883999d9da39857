"""`GET /v1/applied/{source}/{id}`: whether the metrics service applied an event, when, and
which KPIs it counts towards (the metrics part of the activities service's receipts)."""

from typing import Annotated

from fastapi import APIRouter, Path, Request

from services.metrics import repository
from services.metrics.domain.contributions import Contribution, counted_towards
from services.metrics.evaluator import KpiEvaluator
from shared.access import Principal
from shared.access.http import Staff
from shared.contracts.events import EventRetracted
from shared.contracts.kpi_events import PeriodSpan
from shared.contracts.receipts import AppliedEventView, KpiCounted
from shared.http.event_address import event_address
from shared.http.problems import ProblemError

PREFIX = "/v1/applied"
router = APIRouter()
Part = Annotated[str, Path(description="percent-encoded, a / as %2F")]


async def _applied(request: Request, principal: Principal) -> AppliedEventView:
    source, event_id = event_address(request, PREFIX)
    evaluator: KpiEvaluator = request.app.state.evaluator
    async with request.app.state.pool.acquire() as connection:
        found = await repository.applied_event(connection, source, event_id)
        if found is None:
            raise ProblemError(404, f"no event {event_id!r} of {source!r} has been applied")
        retracted_by = await repository.retraction_of(connection, source, event_id)
    event, applied_at = found
    counts: list[Contribution] = []
    if retracted_by is None:
        today = request.app.state.clock().date()
        counts = counted_towards(event.data, event.envelope.time, evaluator.promises, today)
    # The parties of a promise see its KPIs: a staff member, what its promises count.
    visible = {
        p.id
        for p in evaluator.promises
        if principal.is_admin or principal.organisation in p.organisation_ids
    }
    return AppliedEventView(
        source=source,
        id=event_id,
        type=event.envelope.type,
        applied_at=applied_at,
        counts_towards=[_view(c) for c in counts if c.promise in visible],
        retracted_by=retracted_by,
        retracts=event.data.event_id if isinstance(event.data, EventRetracted) else None,
    )


def _view(contribution: Contribution) -> KpiCounted:
    return KpiCounted(
        promise=contribution.promise,
        kind=contribution.kind,
        id=contribution.id,
        period=PeriodSpan(start=contribution.period.start, end=contribution.period.end),
        counts_as=contribution.role,
    )


@router.get(
    PREFIX + "/{source}/{event_id}",
    summary="Whether an event was applied, and the KPIs it counts towards",
    responses={404: {"description": "Not applied (yet), or the address is not source/id"}},
)
async def applied_event(
    request: Request, principal: Staff, source: Part, event_id: Part
) -> AppliedEventView:
    """`source` and `event_id` percent-encoded, each a single path segment (a / as %2F)."""
    return await _applied(request, principal)


@router.get(PREFIX + "/{address:path}", include_in_schema=False)
async def applied_event_any(request: Request, principal: Staff, address: str) -> AppliedEventView:
    # Reached when a decoded part holds a /: the address is read from the path as sent.
    return await _applied(request, principal)
