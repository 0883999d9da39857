"""The activities service's Kafka subscription: partner events produced to the ingest topic."""

from services.activities.handlers import IngestFromKafka
from services.activities.settings import ActivitiesSettings
from shared.app import Wiring
from shared.contracts import topics


def subscribe(parts: Wiring, ingest: IngestFromKafka, settings: ActivitiesSettings) -> None:
    parts.consume(
        topic=topics.INGEST.qualified(settings.topic_namespace),
        group_id=settings.consumer_group,
        decode=ingest.decode,
        apply=ingest,
        max_records=settings.batch_max_records,
    )
