"""Composition root of the activities service: the one place that picks concrete adapters.

Run it with `python -m services.activities` (or `uvicorn --factory
services.activities.main:create_app`). Nothing connects at import time.
"""

from datetime import UTC, datetime
from pathlib import Path

from fastapi import FastAPI

from services.activities import SCHEMA, SERVICE, refusals, repository, subscribers
from services.activities.api import router
from services.activities.contracts_api import router as contracts_router
from services.activities.contracts_api import with_contract_schemas
from services.activities.domain import Catalogue
from services.activities.handlers import Ingest, IngestFromKafka
from services.activities.metrics_lookup import MetricsLookup
from services.activities.receipts_api import router as receipts_router
from services.activities.settings import ActivitiesSettings
from shared.app import ServiceSpec, Wiring, build_app
from shared.contracts import topics
from shared.promises import deployed_promises

MIGRATIONS = Path(__file__).parent / "migrations"


def utc_now() -> datetime:
    return datetime.now(UTC)


def load_catalogue(settings: ActivitiesSettings) -> Catalogue:
    return Catalogue(deployed_promises(settings.promise_files, settings.promises_dir))


def create_app(settings: ActivitiesSettings | None = None) -> FastAPI:
    settings = settings or ActivitiesSettings()
    catalogue = load_catalogue(settings)

    def wire(parts: Wiring) -> None:
        domain_topic = topics.ACTIVITIES.qualified(settings.topic_namespace)
        parts.app.state.ingest = Ingest(parts.pool, domain_topic, utc_now, catalogue)
        parts.app.state.max_body_bytes = settings.max_body_bytes
        parts.app.state.max_batch_events = settings.max_batch_events
        parts.app.state.domain_topic = domain_topic
        key = settings.metrics_api_key
        parts.app.state.metrics_lookup = MetricsLookup(
            settings.metrics_url,
            key.get_secret_value() if key else None,
            settings.metrics_timeout_seconds,
        )
        subscribers.subscribe(parts, IngestFromKafka(domain_topic, utc_now, catalogue), settings)
        pruner = refusals.Pruner(
            parts.pool, settings.refusals_kept_days, settings.refusals_kept_most
        )
        parts.background.append(pruner.run)

    spec = ServiceSpec(
        name=SERVICE,
        schema=SCHEMA,
        migrations=MIGRATIONS,
        title="Löfte activities",
        description="Partner systems report what happened; the register keeps it.",
        routers=[router, receipts_router, contracts_router],
        wire=wire,
        on_published=repository.mark_published,
    )
    return with_contract_schemas(build_app(spec, settings))
