"""HTTP API of the metrics service: the KPIs of a promise as of any time.

Any instance answers for every KPI, from the state all instances share: an answer first
catches up with what the other instances applied, if they said they did.

Two instants: `at`, what had happened (the activities, incidents, deliverables and surveys
dated up to it), and `known_at`, what had been said and corrected about it (explanations
published and retractions made up to it). Without `known_at` both are `at`, so `?at=` alone
shows the KPIs as they stood at that moment, as it always has; a follow-up report of a past
period asks for its end as `at` and the moment it is made as `known_at`."""

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
    Query(
        description="evaluate as of this time (events at or before it; explanations and "
        "retractions up to `known_at` when that is later); default: now"
    ),
]
KnownAt = Annotated[
    datetime | None,
    Query(
        description="with what was known at this time (explanations published and "
        "retractions made at or before it; not before `at`), e.g. a period's end as `at` "
        "and now as `known_at` for its follow-up; default: `at`"
    ),
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


def _instant(name: str, moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ProblemError(422, f"`{name}` needs a time zone, e.g. 2017-06-01T12:00:00+02:00")
    return moment.astimezone(UTC)


def _when(request: Request, at: datetime | None) -> datetime:
    if at is None:
        now: datetime = request.app.state.clock()
        return now
    return _instant("at", at)


def _instants(
    request: Request, at: datetime | None, known_at: datetime | None
) -> tuple[datetime, datetime]:
    """The instants evaluated at and known at; what is known never ends before `at`."""
    when = _when(request, at)
    if known_at is None:
        return when, when
    known = _instant("known_at", known_at)
    if known < when:
        raise ProblemError(
            422, f"`known_at` ({known.isoformat()}) is before `at` ({when.isoformat()})"
        )
    return when, known


async def _asked(
    request: Request,
    principal: Principal,
    promise_id: str,
    at: datetime | None,
    known_at: datetime | None,
) -> tuple[KpiEvaluator, Promise, datetime, datetime]:
    """What an answer is about: the promise the caller may see, caught up with what the other
    instances applied, and the instants it is evaluated at and known at."""
    evaluator: KpiEvaluator = request.app.state.evaluator
    promise = _promise(evaluator, promise_id, principal)
    await evaluator.events.refresh(within=REFRESH_SECONDS)
    when, known = _instants(request, at, known_at)
    return evaluator, promise, when, known


@router.get("/promises/{promise_id}/kpis", summary="Every commitment and outcome of a promise")
async def promise_kpis(
    request: Request,
    principal: Staff,
    promise_id: str,
    at: At = None,
    period_of: PeriodOf = None,
    known_at: KnownAt = None,
) -> PromiseKpisView:
    evaluator, promise, when, known = await _asked(request, principal, promise_id, at, known_at)
    kpis = await evaluator.evaluate_at(promise, when, period_of, known)
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
    known_at: KnownAt = None,
) -> CommitmentKpiView | OutcomeKpiView:
    evaluator, promise, when, known = await _asked(request, principal, promise_id, at, known_at)
    kpi = await evaluator.evaluate_item_at(promise, when, item_id, period_of, known)
    if isinstance(kpi, CommitmentKpi):
        return commitment_view(kpi)
    if isinstance(kpi, OutcomeKpi):
        return outcome_view(kpi)
    raise ProblemError(404, f"{promise_id} has no commitment or outcome indicator {item_id!r}")
