"""The shape every service's app shares: database, Kafka, outbox relay, operations routes.

A service's `create_app` says what is its own (schema, routes, and `wire`, which connects its
handlers and subscribers once the database pool exists); this module does the rest in the
same order everywhere: migrate, subscribe, connect to Kafka, relay the outbox, serve.
"""

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import asyncpg
from fastapi import APIRouter, FastAPI
from faststream.kafka import KafkaBroker
from prometheus_client import CollectorRegistry

from shared.access import key_store
from shared.access.known_keys import KnownKeys
from shared.access.tokens import TokenVerifier
from shared.http.problems import install_problem_handlers
from shared.messaging.broker import create_broker
from shared.messaging.connection import KafkaConnection
from shared.messaging.consumer import Apply, BatchConsumer, ConsumerMetrics, Decode, OnParked
from shared.messaging.dead_letter import DeadLetters
from shared.messaging.outbox import OnPublished, OutboxMetrics, OutboxRelay
from shared.observability import (
    Exposition,
    ReadinessCheck,
    configure_logging,
    metrics_app,
    operations_router,
)
from shared.runtime import background, connect_kafka, open_database, readiness_checks
from shared.settings import Environment, ServiceSettings

T = TypeVar("T")
log = logging.getLogger(__name__)
# A service asked to stop must stop: a Kafka client or a database connection that does not
# let go is given this long, then left behind, so that whatever runs the service is never
# kept waiting on it.
STOP_SECONDS = 15.0


@dataclass(slots=True)
class Wiring:
    """What a service's `wire` gets to connect its own parts to."""

    app: FastAPI
    pool: asyncpg.Pool
    broker: KafkaBroker
    registry: CollectorRegistry
    service: str
    # This instance's name among the service's instances ("" when none was given).
    instance_id: str = ""
    # Long-lived tasks the service runs while it serves (started after Kafka is connected).
    background: list[Callable[[], Coroutine[Any, Any, None]]] = field(default_factory=list)
    # Served on /metrics after the registry (see shared.observability.Exposition).
    expositions: list[Exposition] = field(default_factory=list)

    def consume(
        self,
        *,
        topic: str,
        group_id: str,
        decode: Decode[T],
        apply: Apply[T],
        max_records: int,
        on_committed: Callable[[], None] | None = None,
        on_parked: OnParked | None = None,
    ) -> BatchConsumer[T]:
        """Subscribe to `topic` in batches, with the exactly-once, dead-letter and lag
        machinery every consumer of the project has."""
        consumer = BatchConsumer(
            topic=topic,
            group_id=group_id,
            pool=self.pool,
            decode=decode,
            apply=apply,
            dead_letters=DeadLetters(self.broker, self.service),
            metrics=ConsumerMetrics(self.registry),
            max_records=max_records,
            on_committed=on_committed,
            on_parked=on_parked,
            group_instance_id=f"{self.service}-{self.instance_id}" if self.instance_id else None,
        )
        consumer.subscribe(self.broker)
        self.background.append(consumer.progress.watch_lag)
        return consumer


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
    # Runs with each round of the outbox relay (see shared.messaging.outbox).
    on_published: OnPublished | None = None


def build_app(spec: ServiceSpec, settings: ServiceSettings) -> FastAPI:
    configure_logging(spec.name, settings.log_level)
    # What it runs with, for whoever reads the log; the repr shows no secret.
    log.info("%s starting with %r", spec.name, settings)
    for warning in settings.kafka_security_warnings():
        log.warning("%s", warning)
    registry = CollectorRegistry()
    kafka = KafkaConnection.of(settings)
    broker = create_broker(kafka, spec.name, registry)
    checks: dict[str, ReadinessCheck] = {}
    expositions: list[Exposition] = []

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        pool = await open_database(settings, spec.schema, spec.migrations)
        try:
            if settings.environment is Environment.PRODUCTION:
                await refuse_roleless_keys(pool)
            app.state.pool = pool
            wiring = Wiring(
                app,
                pool,
                broker,
                registry,
                spec.name,
                instance_id=settings.instance_id,
                expositions=expositions,
            )
            spec.wire(wiring)
            await connect_kafka(broker, kafka, settings)
            checks.update(readiness_checks(pool, broker, kafka))
            tasks = [start() for start in wiring.background]
            tasks.append(app.state.known_keys.listen(str(settings.database_url)))
            if spec.relays_outbox:
                relay = OutboxRelay(
                    dsn=str(settings.database_url),
                    schema=spec.schema,
                    pool=pool,
                    kafka=kafka,
                    client_id=f"lofte-{spec.name}-outbox",
                    metrics=OutboxMetrics(registry),
                    on_published=spec.on_published,
                )
                await relay.start()
                tasks.append(relay.run())
            async with background(*tasks) as running:
                checks["background"] = running
                yield
        finally:
            checks.clear()
            expositions.clear()
            await stopped("the Kafka clients", broker.stop())
            if not await stopped("the database pool", pool.close()):
                pool.terminate()

    app = FastAPI(title=spec.title, description=spec.description, version="1", lifespan=lifespan)
    # Nothing connects here: the provider's keys are fetched when the first token comes.
    app.state.tokens = TokenVerifier(settings) if settings.oidc_issuer else None
    app.state.known_keys = KnownKeys()
    install_problem_handlers(app)
    for router in spec.routers:
        app.include_router(router)
    separate = settings.metrics_listen_port is not None
    app.include_router(operations_router(registry, checks, expositions, with_metrics=not separate))
    if separate:
        app.state.metrics_app = metrics_app(registry, expositions)
    return app


async def refuse_roleless_keys(pool: asyncpg.Pool) -> None:
    """Production does not start while keys made before roles are valid: what they may do
    would be a guess."""
    async with pool.acquire() as connection:
        found = await key_store.roleless(connection)
    if found:
        raise RuntimeError(
            f"API keys without a role: {', '.join(found)}; revoke them (`lofte keys revoke`) "
            "and create keys with --role (LOFTE_ENV=production)"
        )


async def stopped(what: str, stopping: Awaitable[object], within: float = STOP_SECONDS) -> bool:
    """Whether `stopping` finished within `within` seconds; said in the log when it did not."""
    try:
        await asyncio.wait_for(stopping, within)
    except TimeoutError:
        log.error("%s did not stop within %.0f s; the service stops without them", what, within)
        return False
    return True
