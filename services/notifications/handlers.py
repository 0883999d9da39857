"""The notifications service's use cases."""

from collections.abc import Sequence

from aiokafka import ConsumerRecord

from services.notifications import repository
from services.notifications.domain import KpiEvent
from shared.contracts.cloudevents import from_kafka
from shared.contracts.events import parse_data
from shared.contracts.kpi_events import KPI_EVENT_TYPES
from shared.db import Connection
from shared.messaging.consumer import Applied


def decode(record: "ConsumerRecord[bytes, bytes]") -> KpiEvent:
    envelope = from_kafka(record.value, record.headers)
    return KpiEvent(envelope, parse_data(envelope, KPI_EVENT_TYPES))


async def receive_kpi_events(connection: Connection, events: Sequence[KpiEvent]) -> Applied:
    new = await repository.record_received(connection, events)
    return Applied(new=len(new), duplicates=len(events) - len(new))
