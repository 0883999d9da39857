"""The metrics service's Kafka subscription: the domain topic, in batches."""

from services.metrics.domain.facts import KnownEvent
from services.metrics.handlers import ApplyEvents, decode
from services.metrics.settings import MetricsSettings
from shared.app import Wiring
from shared.contracts import topics
from shared.messaging.consumer import BatchConsumer


def subscribe(
    parts: Wiring, apply: ApplyEvents, settings: MetricsSettings
) -> BatchConsumer[KnownEvent]:
    return parts.consume(
        topic=topics.ACTIVITIES.qualified(settings.topic_namespace),
        group_id=settings.consumer_group,
        decode=decode,
        apply=apply,
        max_records=settings.batch_max_records,
        on_committed=apply.committed,
    )
