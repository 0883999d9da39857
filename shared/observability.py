"""Logs, health and metrics endpoints every service exposes the same way."""

import json
import logging
import sys
from collections.abc import Awaitable, Callable, Mapping, Sequence
from datetime import UTC, datetime

from fastapi import APIRouter, FastAPI, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, disable_created_metrics

from shared.prometheus_text import RegistryText

ReadinessCheck = Callable[[], Awaitable[None]]
# Series a service writes in the text format itself, when even writing them from a registry
# on every scrape is too slow for how many there are (the metrics service's KPIs, written
# once per evaluation).
Exposition = Callable[[], bytes]


class JsonLogFormatter(logging.Formatter):
    """One JSON object per line, so logs can be searched by event id, topic or service."""

    def __init__(self, service: str) -> None:
        super().__init__()
        self._service = service

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname.lower(),
            "service": self._service,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for field in ("event_id", "event_source", "topic", "notification_key", "delivery_id"):
            if hasattr(record, field):
                entry[field] = getattr(record, field)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def configure_logging(service: str, level: str) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonLogFormatter(service))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    # aiokafka reports every reconnect attempt at ERROR; our own retries say it once.
    logging.getLogger("aiokafka").setLevel(logging.CRITICAL)
    # httpx logs each request's whole URL at INFO, and a webhook's or Teams' URL may carry its
    # credential; the services log their deliveries themselves.
    logging.getLogger("httpx").setLevel(logging.WARNING)


def operations_router(
    registry: CollectorRegistry,
    checks: Mapping[str, ReadinessCheck],
    expositions: Sequence[Exposition] = (),
    *,
    with_metrics: bool = True,
) -> APIRouter:
    """`/health` (the process runs), `/ready` (its dependencies answer) and `/metrics`
    (unless it is served on an address of its own: `metrics_app`).

    `checks` is filled in once the service has started; until then it is not ready.
    `/metrics` serves the registry, then each of `expositions` (filled in as `checks` is).
    """
    # prometheus_client adds a `<name>_created` series to every counter and histogram child,
    # which doubled the notifications service's series (one child per organisation) and its
    # scrape time; no rule or dashboard reads them.
    disable_created_metrics()  # type: ignore[no-untyped-call]  # unannotated upstream
    router = APIRouter(tags=["operations"])

    @router.get("/health")
    async def health() -> dict[str, str]:
        return {"status": "ok"}

    @router.get("/ready")
    async def ready() -> JSONResponse:
        if not checks:
            return JSONResponse({"status": "starting", "checks": {}}, status_code=503)
        results: dict[str, str] = {}
        for name, check in checks.items():
            try:
                await check()
            except Exception as error:
                results[name] = f"unavailable: {error or type(error).__name__}"
            else:
                results[name] = "ok"
        healthy = all(value == "ok" for value in results.values())
        return JSONResponse(
            {"status": "ready" if healthy else "not-ready", "checks": results},
            status_code=200 if healthy else 503,
        )

    if with_metrics:
        router.add_api_route(
            "/metrics", metrics_endpoint(registry, expositions), include_in_schema=False
        )
    return router


def metrics_endpoint(
    registry: CollectorRegistry, expositions: Sequence[Exposition]
) -> Callable[[], Awaitable[Response]]:
    registry_text = RegistryText(registry)

    async def metrics() -> Response:
        text = b"".join([registry_text(), *(written() for written in expositions)])
        return Response(text, media_type=CONTENT_TYPE_LATEST)

    return metrics


def metrics_app(registry: CollectorRegistry, expositions: Sequence[Exposition]) -> FastAPI:
    """`/metrics` alone, for an address of its own (an internal network Prometheus reaches,
    where the service's API is not offered)."""
    app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)
    app.add_api_route("/metrics", metrics_endpoint(registry, expositions))
    return app
