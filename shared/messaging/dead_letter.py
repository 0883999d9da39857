"""Parks records a consumer cannot process on the topic's dead-letter topic.

The original key, value and headers travel unchanged so that the record can be inspected
and replayed; `dlq_*` headers say why it was parked and where it came from.
"""

from datetime import UTC, datetime
from typing import Any, Protocol

from faststream.kafka import KafkaBroker

REASON_LIMIT = 1000


class RawRecord(Protocol):
    topic: str
    partition: int
    offset: int
    key: bytes | None
    value: bytes | None
    headers: Any


class DeadLetters:
    def __init__(self, broker: KafkaBroker, service: str) -> None:
        self._broker = broker
        self._service = service

    async def park(self, record: RawRecord, reason: str) -> None:
        headers = {name: _header_text(raw) for name, raw in record.headers or ()}
        headers.update(
            {
                "dlq_reason": reason[:REASON_LIMIT],
                "dlq_service": self._service,
                "dlq_source_topic": record.topic,
                "dlq_source_partition": str(record.partition),
                "dlq_source_offset": str(record.offset),
                "dlq_parked_at": datetime.now(UTC).isoformat(),
            }
        )
        await self._broker.publish(
            record.value or b"",
            topic=f"{record.topic}.dlq",
            key=record.key,
            headers=headers,
        )


def _header_text(raw: bytes | None) -> str:
    # Headers travel as text in faststream; bytes that are not UTF-8 survive as escapes.
    return (raw or b"").decode("utf-8", errors="backslashreplace")
