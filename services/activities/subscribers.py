"""The activities service's Kafka subscription: partner events produced to the ingest topic."""

from services.activities import refusals
from services.activities.handlers import IngestFromKafka
from services.activities.settings import ActivitiesSettings
from shared.app import Wiring
from shared.contracts import topics
from shared.messaging.readable_headers import Record


def subscribe(parts: Wiring, ingest: IngestFromKafka, settings: ActivitiesSettings) -> None:
    parts.consume(
        topic=topics.INGEST.qualified(settings.topic_namespace),
        group_id=settings.consumer_group,
        decode=ingest.decode,
        apply=ingest,
        max_records=settings.batch_max_records,
        on_parked=lambda record, reason: _refused(parts, record, reason),
    )


async def _refused(parts: Wiring, record: Record, reason: str) -> None:
    """Kept before the record is parked: a receipt tells a Kafka partner the reason."""
    refusal = refusals.kafka_refusal(record, reason)
    if refusal is not None:
        async with parts.pool.acquire() as connection:
            await refusals.record(connection, [refusal])
