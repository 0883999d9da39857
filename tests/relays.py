"""An outbox relay as a test drives it: one schema's outbox, the test's Kafka, its own metrics."""

import asyncpg
from prometheus_client import CollectorRegistry

from shared.messaging.connection import KafkaConnection
from shared.messaging.outbox import OutboxMetrics, OutboxRelay


def relay_for(
    database_url: str, schema: str, pool: asyncpg.Pool, kafka_bootstrap: str
) -> OutboxRelay:
    return OutboxRelay(
        dsn=database_url,
        schema=schema,
        pool=pool,
        kafka=KafkaConnection(kafka_bootstrap),
        client_id="test-relay",
        metrics=OutboxMetrics(CollectorRegistry()),
    )
