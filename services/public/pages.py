"""The site's pages: the promises, each promise's progress and text, the accessibility
statement. HTML that works without scripts, in Swedish or English."""

import functools
from collections import Counter
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from services.public.domain.progress import PromiseProgress, progress
from services.public.report_routes import report_years
from services.public.site import Site
from shared.contracts.kpis import Status

router = APIRouter(include_in_schema=False)
STYLESHEET = Path(__file__).parent / "templates" / "site.css"


@functools.cache
def stylesheet_bytes() -> bytes:
    return STYLESHEET.read_bytes()


def _site(request: Request) -> Site:
    site: Site = request.app.state.site
    return site


def status_counts(shown: PromiseProgress) -> list[tuple[Status | None, int]]:
    """How many commitments stand where, in the order of the statuses, those without
    figures last."""
    order = list(Status)
    counts = Counter(c.status for area in shown.focus_areas for c in area.commitments)
    return sorted(counts.items(), key=lambda kv: order.index(kv[0]) if kv[0] else len(order))


@router.get("/")
async def promises(request: Request) -> HTMLResponse:
    site = _site(request)
    shown = [progress(p, site.snapshot(p.id)) for p in site.promises]
    return site.page(
        request, "index.html", shown=[(s, status_counts(s)) for s in shown], zones=_zones(site)
    )


@router.get("/promises/{promise_id}")
async def promise_progress(request: Request, promise_id: str) -> HTMLResponse:
    site = _site(request)
    promise = site.promise(promise_id)
    snapshot = site.snapshot(promise.id)
    return site.page(
        request,
        "promise.html",
        p=progress(promise, snapshot),
        counts=status_counts(progress(promise, snapshot)),
        zone=promise.zone,
        stale=snapshot is not None and snapshot.is_stale(site.clock(), site.stale_after),
        age_of=snapshot.age(site.clock()) if snapshot else None,
        report_years=report_years(promise.valid_from, site.clock().astimezone(promise.zone).date()),
    )


@router.get("/promises/{promise_id}/lofte")
async def promise_text(request: Request, promise_id: str) -> HTMLResponse:
    site = _site(request)
    promise = site.promise(promise_id)
    return site.page(request, "promise_text.html", promise=promise)


@router.get("/tillganglighet")
async def accessibility_statement(request: Request) -> HTMLResponse:
    site = _site(request)
    return site.page(request, "accessibility.html")


@router.get("/site.css")
async def stylesheet() -> Response:
    return Response(
        stylesheet_bytes(),
        media_type="text/css; charset=utf-8",
        headers={"cache-control": "public, max-age=3600"},
    )


def _zones(site: Site) -> dict[str, object]:
    return {p.id: p.zone for p in site.promises}
