"""Open data: each promise's figures as CSV and JSON at stable addresses, and the DCAT-AP-SE
catalogue that describes them for the national data portal."""

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from services.public.domain.dcat import catalog
from services.public.domain.open_data import promise_csv, promise_data
from services.public.domain.progress import progress
from services.public.site import Site

router = APIRouter(include_in_schema=False)
# Anyone may reuse the data, from any site's scripts too.
OPEN = {"access-control-allow-origin": "*"}


def _site(request: Request) -> Site:
    site: Site = request.app.state.site
    return site


@router.get("/promises/{promise_id}.json")
async def promise_json(request: Request, promise_id: str) -> JSONResponse:
    site = _site(request)
    promise = site.promise(promise_id)
    return JSONResponse(promise_data(progress(promise, site.snapshot(promise.id))), headers=OPEN)


@router.get("/promises/{promise_id}.csv")
async def promise_csv_file(request: Request, promise_id: str) -> Response:
    site = _site(request)
    promise = site.promise(promise_id)
    return Response(
        promise_csv(progress(promise, site.snapshot(promise.id))),
        media_type="text/csv; charset=utf-8",
        headers={**OPEN, "content-disposition": f'inline; filename="{promise.id}.csv"'},
    )


@router.get("/dcat.jsonld")
async def dcat_catalog(request: Request) -> JSONResponse:
    site = _site(request)
    modified = {
        p.id: snapshot.fetched_at for p in site.promises if (snapshot := site.snapshot(p.id))
    }
    document: dict[str, Any] = catalog(
        site.settings.public_base,
        list(site.promises),
        site.settings.publisher_name,
        site.settings.contact_email,
        modified,
    )
    return JSONResponse(document, media_type="application/ld+json", headers=OPEN)
