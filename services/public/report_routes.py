"""The follow-up reports on the site: each year and half year of a promise as PDF, as a web
page and as CSV, the same as `lofte report` writes."""

import asyncio
from datetime import date
from typing import Final

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response

from services.public.domain.language import choose_language
from services.public.domain.report_period import ReportPeriod, parse_period
from services.public.report import Format, render_report
from services.public.site import Site

router = APIRouter(include_in_schema=False)
MEDIA_TYPES: Final[dict[Format, str]] = {
    "pdf": "application/pdf",
    "html": "text/html; charset=utf-8",
    "csv": "text/csv; charset=utf-8",
}


def report_years(valid_from: date, today: date) -> list[int]:
    """The years a report can be had for, the latest first."""
    return list(range(today.year, valid_from.year - 1, -1))


def _period(text: str, valid_from: date, today: date) -> ReportPeriod:
    try:
        period = parse_period(text)
    except ValueError:
        raise HTTPException(404, f"no report for {text!r}") from None
    if period.first > today or period.last < valid_from:
        raise HTTPException(404, f"no report for {text!r}: the promise was not in force")
    return period


async def _report(request: Request, promise_id: str, period_text: str, form: Format) -> Response:
    site: Site = request.app.state.site
    promise = site.promise(promise_id)
    today = site.clock().astimezone(promise.zone).date()
    period = _period(period_text, promise.valid_from, today)
    snapshot = await site.reports.figures(promise, period)
    if snapshot is None:
        raise HTTPException(503, "the figures of this report cannot be read just now")
    language = choose_language(
        request.query_params.get("lang"), request.headers.get("accept-language")
    )
    # Laying out a PDF takes a while; the other pages are served meanwhile.
    content = await asyncio.to_thread(
        render_report,
        promise,
        snapshot.kpis,
        period,
        snapshot.fetched_at,
        site.settings.publisher_name,
        form,
        language,
    )
    name = f"uppfoljning-{promise.id}-{period.label}.{form}"
    return Response(
        content,
        media_type=MEDIA_TYPES[form],
        headers={"content-disposition": f'inline; filename="{name}"', "vary": "Accept-Language"},
    )


@router.get("/promises/{promise_id}/report/{period}.pdf")
async def report_pdf(request: Request, promise_id: str, period: str) -> Response:
    return await _report(request, promise_id, period, "pdf")


@router.get("/promises/{promise_id}/report/{period}.html")
async def report_html(request: Request, promise_id: str, period: str) -> Response:
    return await _report(request, promise_id, period, "html")


@router.get("/promises/{promise_id}/report/{period}.csv")
async def report_csv(request: Request, promise_id: str, period: str) -> Response:
    return await _report(request, promise_id, period, "csv")
