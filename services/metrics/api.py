"""HTTP API of the metrics service: the KPIs of a promise as of any time.

Any instance answers for every KPI, from the state all instances share: an answer first
catches up with what the other instances applied, if they said they did."""

from datetime import UTC, date, datetime
from typing import Annotated

from fastapi import APIRouter, Query, Request

from services.metrics.domain.kpis import CommitmentKpi, OutcomeKpi
from services.metrics.evaluator import REFRESH_SECONDS, KpiEvaluator
from services.metrics.kpi_views import commitment_view, outcome_view, promise_view
from shared.access import Principal
from shared.access.http import Staff
from shared.contracts.kpis import CommitmentKpiView, OutcomeKpiView, PromiseKpisView
from shared.http.problems import ProblemError
from shared.promises import Promise

router = APIRouter(prefix="/v1")

At = Annotated[
    datetime | None,
    Query(description="evaluate as of this time (events at or before it); default: now"),
]
PeriodOf = Annotated[
    date | None,
    Query(
        description="a day in the periods to show, e.g. 2017-12-31 for how 2017 ended; "
        "default: the periods containing `at`"
    ),
]


def _promise(evaluator: KpiEvaluator, promise_id: str, principal: Principal) -> Promise:
    """The promise, when the caller's organisation is a party to it (an admin: any). The
    parties made it together, so each of them sees all of its KPIs."""
    promise = next((p for p in evaluator.promises if p.id == promise_id), None)
    if promise is None:
        raise ProblemError(404, f"no promise {promise_id!r} is loaded")
    if not (principal.is_admin or principal.organisation in promise.organisation_ids):
        raise ProblemError(403, f"{principal.organisation} is not a party to {promise_id}")
    return promise


def _when(request: Request, at: datetime | None) -> datetime:
    if at is None:
        now: datetime = request.app.state.clock()
        return now
    if at.tzinfo is None:
        raise ProblemError(422, "`at` needs a time zone, e.g. 2017-06-01T12:00:00+02:00")
    return at.astimezone(UTC)


@router.get("/promises/{promise_id}/kpis", summary="Every commitment and outcome of a promise")
async def promise_kpis(
    request: Request, principal: Staff, promise_id: str, at: At = None, period_of: PeriodOf = None
) -> PromiseKpisView:
    evaluator: KpiEvaluator = request.app.state.evaluator
    promise = _promise(evaluator, promise_id, principal)
    await evaluator.events.refresh(within=REFRESH_SECONDS)
    kpis = await evaluator.evaluate_at(promise, _when(request, at), period_of)
    return promise_view(kpis)


@router.get(
    "/promises/{promise_id}/kpis/{item_id}",
    summary="One commitment or outcome indicator of a promise",
)
async def item_kpi(
    request: Request,
    principal: Staff,
    promise_id: str,
    item_id: str,
    at: At = None,
    period_of: PeriodOf = None,
) -> CommitmentKpiView | OutcomeKpiView:
    evaluator: KpiEvaluator = request.app.state.evaluator
    promise = _promise(evaluator, promise_id, principal)
    await evaluator.events.refresh(within=REFRESH_SECONDS)
    kpi = await evaluator.evaluate_item_at(promise, _when(request, at), item_id, period_of)
    if isinstance(kpi, CommitmentKpi):
        return commitment_view(kpi)
    if isinstance(kpi, OutcomeKpi):
        return outcome_view(kpi)
    raise ProblemError(404, f"{promise_id} has no commitment or outcome indicator {item_id!r}")
