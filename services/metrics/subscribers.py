"""The metrics service's Kafka subscription: the domain topic, in batches."""

from services.metrics import SERVICE
from services.metrics.domain.facts import KnownEvent
from services.metrics.handlers import ApplyEvents, decode
from services.metrics.settings import MetricsSettings
from shared.app import Wiring
from shared.contracts import topics
from shared.messaging.consumer import BatchConsumer, ConsumerMetrics
from shared.messaging.dead_letter import DeadLetters


def subscribe(
    parts: Wiring, apply: ApplyEvents, settings: MetricsSettings
) -> BatchConsumer[KnownEvent]:
    consumer = BatchConsumer(
        topic=topics.ACTIVITIES.qualified(settings.topic_namespace),
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
    return consumer
