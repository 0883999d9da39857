"""The metrics service's use cases: apply a batch of accepted events."""

import uuid
from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from aiokafka import ConsumerRecord

from services.metrics import SCHEMA, repository
from services.metrics.domain.tallies import KnownEvent, completed_activities
from shared.contracts.cloudevents import (
    SPEC_VERSION,
    CloudEvent,
    from_kafka,
    to_kafka_headers,
    to_kafka_value,
)
from shared.contracts.events import parse_data
from shared.contracts.kpi_events import METRICS_SOURCE, CommitmentProgressed
from shared.db import Connection
from shared.messaging.consumer import Applied
from shared.messaging.outbox import OutgoingRecord, enqueue


def decode(record: "ConsumerRecord[bytes, bytes]") -> KnownEvent:
    envelope = from_kafka(record.value, record.headers)
    return KnownEvent(envelope, parse_data(envelope))


class ApplyEvents:
    """Fold a batch into the KPI state; the dedup records commit with the state they change."""

    def __init__(self, output_topic: str, zone: ZoneInfo) -> None:
        self._topic = output_topic
        self._zone = zone

    async def __call__(self, connection: Connection, events: Sequence[KnownEvent]) -> Applied:
        new_ids = await repository.record_applied(connection, events)
        new = [e for e in events if (e.envelope.source, e.envelope.id) in new_ids]
        gained = completed_activities(new, self._zone)
        if gained:
            tallies = await repository.add_to_tallies(connection, dict(gained))
            await enqueue(connection, SCHEMA, [self._progressed(t) for t in tallies])
        return Applied(new=len(new), duplicates=len(events) - len(new))

    def _progressed(self, tally: repository.Tally) -> OutgoingRecord:
        data = CommitmentProgressed(
            commitment=tally.commitment,
            period_start=tally.period.start,
            period_end=tally.period.end,
            done=tally.done,
        )
        event = CloudEvent(
            specversion=SPEC_VERSION,
            id=str(uuid.uuid4()),
            source=METRICS_SOURCE,
            type=CommitmentProgressed.TYPE,
            time=datetime.now(self._zone),
            subject=tally.commitment,
            data=data.model_dump(mode="json"),
        )
        return OutgoingRecord(
            topic=self._topic,
            key=event.key.encode(),
            value=to_kafka_value(event),
            headers=to_kafka_headers(event),
        )
