"""The notifications service's Kafka subscriptions."""

import asyncpg
from faststream.kafka import KafkaBroker
from prometheus_client import CollectorRegistry

from services.notifications import SERVICE
from services.notifications.handlers import decode, receive_kpi_events
from services.notifications.settings import NotificationsSettings
from shared.contracts import topics
from shared.messaging.consumer import BatchConsumer, ConsumerMetrics
from shared.messaging.dead_letter import DeadLetters


def subscribe(
    broker: KafkaBroker,
    pool: asyncpg.Pool,
    settings: NotificationsSettings,
    registry: CollectorRegistry,
) -> None:
    BatchConsumer(
        topic=topics.METRICS.qualified(settings.topic_namespace),
        group_id=settings.consumer_group,
        pool=pool,
        decode=decode,
        apply=receive_kpi_events,
        dead_letters=DeadLetters(broker, SERVICE),
        metrics=ConsumerMetrics(registry),
        max_records=settings.batch_max_records,
    ).subscribe(broker)
