"""Composition root of the public site.

Run it with `python -m services.public`. Nothing connects at import time, nor when the app
is made: the kept figures are read and the metrics service is first asked as it starts. It
needs no database and no Kafka, so it keeps answering whatever else is down.
"""

import base64
import contextlib
import hashlib
import logging
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from pathlib import Path

import uvicorn
from fastapi import FastAPI, Request, Response
from fastapi.responses import PlainTextResponse
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from prometheus_client import CollectorRegistry
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.base import RequestResponseEndpoint

from services.public import SERVICE
from services.public.kpi_source import KpiSource, metrics_client
from services.public.open_data_routes import router as open_data_router
from services.public.pages import router as pages_router
from services.public.refresher import Refresher
from services.public.report_figures import ReportFigures
from services.public.report_routes import router as report_router
from services.public.settings import PublicSettings
from services.public.site import Site
from services.public.snapshot_store import SnapshotStore
from services.public.telemetry import PublicMetrics
from shared.observability import ReadinessCheck, configure_logging, operations_router
from shared.promises import deployed_promises
from shared.runtime import background

TEMPLATES = Path(__file__).parent / "templates"
log = logging.getLogger(__name__)


def protective_headers() -> dict[str, str]:
    """No script runs on the site, nothing is framed, nothing is sent anywhere: a page that
    someone manages to inject something into still cannot run it. The report's web page
    carries its stylesheet inline (as its PDF needs); that stylesheet alone is allowed, by
    its hash."""
    report_style = base64.b64encode(
        hashlib.sha256((TEMPLATES / "report.css").read_bytes()).digest()
    ).decode()
    return {
        "content-security-policy": f"default-src 'none'; style-src 'self' "
        f"'sha256-{report_style}'; img-src 'self'; base-uri 'none'; form-action 'none'; "
        "frame-ancestors 'none'",
        "x-content-type-options": "nosniff",
        "referrer-policy": "no-referrer",
    }


def utc_now() -> datetime:
    return datetime.now(UTC)


def create_app(
    settings: PublicSettings | None = None, clock: Callable[[], datetime] = utc_now
) -> FastAPI:
    settings = settings or PublicSettings()
    configure_logging(SERVICE, settings.log_level)
    # What it runs with, for whoever reads the log; the repr shows no secret.
    log.info("%s starting with %r", SERVICE, settings)
    promises = deployed_promises(settings.promise_files, settings.promises_dir)
    registry = CollectorRegistry()
    metrics = PublicMetrics(registry)
    checks: dict[str, ReadinessCheck] = {}
    headers = protective_headers()
    templates = Environment(
        loader=FileSystemLoader(TEMPLATES), autoescape=True, undefined=StrictUndefined
    )

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        key = settings.metrics_api_key.get_secret_value() if settings.metrics_api_key else None
        async with metrics_client(settings.metrics_url, key) as client:
            refresher = Refresher(
                promises=promises,
                source=KpiSource(client),
                store=SnapshotStore(settings.state_dir),
                clock=clock,
                interval_seconds=settings.refresh_seconds,
                metrics=metrics,
            )
            refresher.restore()
            reports = ReportFigures(KpiSource(client), SnapshotStore(settings.state_dir), clock)
            metrics.watch_ages([p.id for p in promises], refresher.snapshot, clock)
            app.state.site = Site(settings, promises, refresher.snapshot, clock, templates, reports)
            # Ready as soon as it can answer, with the kept figures or with none: only a
            # reading loop that died makes it unready.
            async with background(refresher.run()) as running:
                checks["reading"] = running
                yield
                checks.clear()

    app = FastAPI(
        title="Löfte public site",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
    )

    @app.middleware("http")
    async def security_headers(request: Request, call_next: RequestResponseEndpoint) -> Response:
        response = await call_next(request)
        response.headers.update(headers)
        return response

    @app.exception_handler(StarletteHTTPException)
    async def not_found(request: Request, error: StarletteHTTPException) -> Response:
        site: Site | None = getattr(request.app.state, "site", None)
        if error.status_code != 404 or site is None:
            return PlainTextResponse(str(error.detail), status_code=error.status_code)
        page = site.page(request, "not_found.html", missing=True)
        page.status_code = 404
        return page

    # The data first: /promises/{id}.csv is not a page of a promise called "{id}.csv".
    app.include_router(open_data_router)
    app.include_router(report_router)
    app.include_router(pages_router)
    app.include_router(operations_router(registry, checks))
    return app


def serve(app: FastAPI, settings: PublicSettings) -> None:
    uvicorn.Server(
        uvicorn.Config(
            app,
            host=settings.http_host,
            port=settings.http_port,
            log_config=None,  # the service's JSON logging stays in charge
            access_log=False,
            timeout_graceful_shutdown=10,
        )
    ).run()
