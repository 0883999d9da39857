"""The notifications service's Kafka subscription: the KPI events, in batches."""

from services.notifications.domain import KpiEvent
from services.notifications.handlers import ReceiveKpiEvents
from services.notifications.settings import NotificationsSettings
from shared.app import Wiring
from shared.contracts import topics
from shared.contracts.cloudevents import CloudEvent
from shared.contracts.events import parse_data
from shared.contracts.kpi_events import KPI_EVENT_TYPES
from shared.messaging.consumer import BatchConsumer


def decode(envelope: CloudEvent) -> KpiEvent:
    return KpiEvent(envelope, parse_data(envelope, KPI_EVENT_TYPES))


def subscribe(
    parts: Wiring, apply: ReceiveKpiEvents, settings: NotificationsSettings
) -> BatchConsumer[KpiEvent]:
    return parts.consume(
        topic=topics.METRICS.qualified(settings.topic_namespace),
        group_id=settings.consumer_group,
        decode=decode,
        apply=apply,
        max_records=settings.batch_max_records,
        on_committed=apply.committed,
    )
