"""The metrics service's Kafka subscriptions."""

from zoneinfo import ZoneInfo

import asyncpg
from faststream.kafka import KafkaBroker
from prometheus_client import CollectorRegistry

from services.metrics import SERVICE
from services.metrics.handlers import ApplyEvents, decode
from services.metrics.settings import MetricsSettings
from shared.contracts import topics
from shared.messaging.consumer import BatchConsumer, ConsumerMetrics
from shared.messaging.dead_letter import DeadLetters


def subscribe(
    broker: KafkaBroker, pool: asyncpg.Pool, settings: MetricsSettings, registry: CollectorRegistry
) -> None:
    namespace = settings.topic_namespace
    BatchConsumer(
        topic=topics.ACTIVITIES.qualified(namespace),
        group_id=settings.consumer_group,
        pool=pool,
        decode=decode,
        apply=ApplyEvents(topics.METRICS.qualified(namespace), ZoneInfo(settings.timezone)),
        dead_letters=DeadLetters(broker, SERVICE),
        metrics=ConsumerMetrics(registry),
        max_records=settings.batch_max_records,
    ).subscribe(broker)
