"""Composition root of the metrics service.

Run it with `python -m services.metrics` (or `uvicorn --factory
services.metrics.main:create_app`). Nothing connects at import time.
"""

from pathlib import Path

from fastapi import FastAPI

from services.metrics import SCHEMA, SERVICE, subscribers
from services.metrics.api import router
from services.metrics.settings import MetricsSettings
from shared.app import ServiceSpec, Wiring, build_app


def create_app(settings: MetricsSettings | None = None) -> FastAPI:
    settings = settings or MetricsSettings()

    def wire(parts: Wiring) -> None:
        subscribers.subscribe(parts.broker, parts.pool, settings, parts.registry)

    spec = ServiceSpec(
        name=SERVICE,
        schema=SCHEMA,
        migrations=Path(__file__).parent / "migrations",
        title="Löfte metrics",
        description="KPIs of the promises, computed exactly once from the accepted events.",
        routers=[router],
        wire=wire,
    )
    return build_app(spec, settings)
