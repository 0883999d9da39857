"""Composition root of the activities service: the one place that picks concrete adapters.

Run it with `python -m services.activities` (or `uvicorn --factory
services.activities.main:create_app`). Nothing connects at import time.
"""

from datetime import UTC, datetime
from pathlib import Path

from fastapi import FastAPI

from services.activities import SCHEMA, SERVICE
from services.activities.api import router
from services.activities.handlers import Ingest
from services.activities.settings import ActivitiesSettings
from shared.app import ServiceSpec, Wiring, build_app
from shared.contracts import topics


def utc_now() -> datetime:
    return datetime.now(UTC)


def create_app(settings: ActivitiesSettings | None = None) -> FastAPI:
    settings = settings or ActivitiesSettings()

    def wire(parts: Wiring) -> None:
        domain_topic = topics.ACTIVITIES.qualified(settings.topic_namespace)
        parts.app.state.ingest = Ingest(parts.pool, domain_topic, utc_now)
        parts.app.state.max_body_bytes = settings.max_body_bytes

    spec = ServiceSpec(
        name=SERVICE,
        schema=SCHEMA,
        migrations=Path(__file__).parent / "migrations",
        title="Löfte activities",
        description="Partner systems report what happened; the register keeps it.",
        routers=[router],
        wire=wire,
    )
    return build_app(spec, settings)
