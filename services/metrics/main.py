"""Composition root of the metrics service.

Run it with `python -m services.metrics` (or `uvicorn --factory
services.metrics.main:create_app`). Nothing connects at import time. The clock is a
parameter, so tests can run the service at any moment of a promise's life.
"""

import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from fastapi import FastAPI
from prometheus_client import Gauge

from services.metrics import SCHEMA, SERVICE, subscribers
from services.metrics.api import router
from services.metrics.applied_api import router as applied_router
from services.metrics.bucket_cache import BucketCache
from services.metrics.domain.touched import Touched
from services.metrics.evaluator import KpiEvaluator
from services.metrics.gauges import KpiExposition
from services.metrics.handlers import ApplyEvents
from services.metrics.ownership import Claims
from services.metrics.settings import MetricsSettings
from services.metrics.shared_events import SharedEvents
from shared.app import ServiceSpec, Wiring, build_app
from shared.contracts import topics
from shared.promises import deployed_promises, school_holiday_calendars

MIGRATIONS = Path(__file__).parent / "migrations"


def utc_now() -> datetime:
    return datetime.now(UTC)


def create_app(
    settings: MetricsSettings | None = None, clock: Callable[[], datetime] = utc_now
) -> FastAPI:
    settings = settings or MetricsSettings()
    promises = deployed_promises(settings.promise_files, settings.promises_dir)

    def wire(parts: Wiring) -> None:
        # Names this instance in its claims and notices; a restart is a new claim whatever
        # the name.
        instance = parts.instance_id or uuid.uuid4().hex[:12]
        cache = BucketCache(promise.zone for promise in promises)
        events = SharedEvents(cache, parts.pool, str(settings.database_url), instance)

        def applied(touched: Touched) -> None:
            events.changed()
            evaluator.wake(touched)

        apply = ApplyEvents(applied, instance)
        consumer = subscribers.subscribe(parts, apply, settings)
        evaluator = KpiEvaluator(
            pool=parts.pool,
            promises=promises,
            calendars=school_holiday_calendars(),
            events=events,
            clock=clock,
            output_topic=topics.METRICS.qualified(settings.topic_namespace),
            gap_notice_days=settings.gap_notice_days,
            interval_seconds=settings.evaluation_interval_seconds,
            claims=Claims(consumer.progress, consumer.assignment, instance),
        )
        parts.app.state.evaluator = evaluator
        parts.app.state.clock = clock
        parts.expositions.append(KpiExposition(lambda: evaluator.published))
        Gauge(
            "lofte_kpi_evaluated_events",
            "Applied events the latest KPIs were evaluated from.",
            registry=parts.registry,
        ).set_function(lambda: evaluator.evaluated_events)
        parts.background.extend([events.listen, evaluator.run])

    spec = ServiceSpec(
        name=SERVICE,
        schema=SCHEMA,
        migrations=MIGRATIONS,
        title="Löfte metrics",
        description="KPIs of the promises, computed exactly once from the accepted events.",
        routers=[router, applied_router],
        wire=wire,
    )
    return build_app(spec, settings)
