"""The shape every service's app shares: database, Kafka, outbox relay, operations routes.

A service's `create_app` says what is its own (schema, routes, and `wire`, which connects its
handlers and subscribers once the database pool exists); this module does the rest in the
same order everywhere: migrate, subscribe, connect to Kafka, relay the outbox, serve.
"""

from collections.abc import AsyncIterator, Callable, Coroutine, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import asyncpg
from fastapi import APIRouter, FastAPI
from faststream.kafka import KafkaBroker
from prometheus_client import CollectorRegistry

from shared.http.problems import install_problem_handlers
from shared.messaging.broker import create_broker
from shared.messaging.outbox import OutboxMetrics, OutboxRelay
from shared.observability import ReadinessCheck, configure_logging, operations_router
from shared.runtime import background, connect_kafka, open_database, readiness_checks
from shared.settings import ServiceSettings


@dataclass(frozen=True, slots=True)
class Wiring:
    """What a service's `wire` gets to connect its own parts to."""

    app: FastAPI
    pool: asyncpg.Pool
    broker: KafkaBroker
    registry: CollectorRegistry
    # Long-lived tasks the service runs while it serves (started after Kafka is connected).
    background: list[Callable[[], Coroutine[Any, Any, None]]] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class ServiceSpec:
    name: str
    schema: str
    migrations: Path
    title: str
    description: str
    routers: Sequence[APIRouter]
    wire: Callable[[Wiring], None]
    relays_outbox: bool = True


def build_app(spec: ServiceSpec, settings: ServiceSettings) -> FastAPI:
    configure_logging(spec.name, settings.log_level)
    registry = CollectorRegistry()
    broker = create_broker(settings.kafka_bootstrap_servers, spec.name, registry)
    checks: dict[str, ReadinessCheck] = {}

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        pool = await open_database(settings, spec.schema, spec.migrations)
        try:
            app.state.pool = pool
            wiring = Wiring(app, pool, broker, registry)
            spec.wire(wiring)
            await connect_kafka(broker, settings)
            checks.update(readiness_checks(pool, broker))
            tasks = [start() for start in wiring.background]
            if spec.relays_outbox:
                relay = OutboxRelay(
                    dsn=str(settings.database_url),
                    schema=spec.schema,
                    pool=pool,
                    broker=broker,
                    metrics=OutboxMetrics(registry),
                )
                tasks.append(relay.run())
            async with background(*tasks):
                yield
        finally:
            checks.clear()
            await broker.stop()
            await pool.close()

    app = FastAPI(title=spec.title, description=spec.description, version="1", lifespan=lifespan)
    install_problem_handlers(app)
    for router in spec.routers:
        app.include_router(router)
    app.include_router(operations_router(registry, checks))
    return app
