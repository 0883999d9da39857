"""The activities service's Kafka subscription: partner events produced to the ingest topic."""

from faststream.kafka import KafkaBroker

from services.activities import SERVICE
from services.activities.handlers import IngestFromKafka
from services.activities.settings import ActivitiesSettings
from shared.app import Wiring
from shared.contracts import topics
from shared.messaging.consumer import BatchConsumer, ConsumerMetrics
from shared.messaging.dead_letter import DeadLetters


def subscribe(parts: Wiring, ingest: IngestFromKafka, settings: ActivitiesSettings) -> None:
    broker: KafkaBroker = parts.broker
    consumer = BatchConsumer(
        topic=topics.INGEST.qualified(settings.topic_namespace),
        group_id=settings.consumer_group,
        pool=parts.pool,
        decode=ingest.decode,
        apply=ingest,
        dead_letters=DeadLetters(broker, SERVICE),
        metrics=ConsumerMetrics(parts.registry),
        max_records=settings.batch_max_records,
    )
    consumer.subscribe(broker)
    parts.background.append(consumer.watch_lag)
