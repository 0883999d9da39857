"""Composition root of the notifications service.

Run it with `python -m services.notifications` (or `uvicorn --factory
services.notifications.main:create_app`). Nothing connects at import time.
"""

from pathlib import Path

from fastapi import FastAPI

from services.notifications import SCHEMA, SERVICE, subscribers
from services.notifications.api import router
from services.notifications.settings import NotificationsSettings
from shared.app import ServiceSpec, Wiring, build_app


def create_app(settings: NotificationsSettings | None = None) -> FastAPI:
    settings = settings or NotificationsSettings()

    def wire(parts: Wiring) -> None:
        subscribers.subscribe(parts.broker, parts.pool, settings, parts.registry)

    spec = ServiceSpec(
        name=SERVICE,
        schema=SCHEMA,
        migrations=Path(__file__).parent / "migrations",
        title="Löfte notifications",
        description="Tells the organisations responsible when a promise slips.",
        routers=[router],
        wire=wire,
        relays_outbox=False,
    )
    return build_app(spec, settings)
