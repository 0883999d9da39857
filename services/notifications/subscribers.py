"""The notifications service's Kafka subscription: the KPI events, in batches."""

from services.notifications import SERVICE
from services.notifications.domain import KpiEvent
from services.notifications.handlers import ReceiveKpiEvents, decode
from services.notifications.settings import NotificationsSettings
from shared.app import Wiring
from shared.contracts import topics
from shared.messaging.consumer import BatchConsumer, ConsumerMetrics
from shared.messaging.dead_letter import DeadLetters


def subscribe(
    parts: Wiring, apply: ReceiveKpiEvents, settings: NotificationsSettings
) -> BatchConsumer[KpiEvent]:
    consumer = BatchConsumer(
        topic=topics.METRICS.qualified(settings.topic_namespace),
        group_id=settings.consumer_group,
        pool=parts.pool,
        decode=decode,
        apply=apply,
        dead_letters=DeadLetters(parts.broker, SERVICE),
        metrics=ConsumerMetrics(parts.registry),
        max_records=settings.batch_max_records,
        on_committed=apply.committed,
    )
    consumer.subscribe(parts.broker)
    parts.background.append(consumer.watch_lag)
    return consumer
