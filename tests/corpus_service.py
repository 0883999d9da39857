"""The running activities service as the bad input corpus speaks to it: HTTP, Kafka, register."""

import json
from dataclasses import dataclass, field
from typing import Any

import asyncpg
import httpx
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRecord

from tests.kafka_records import header
from tests.polling import eventually

KEY = b"corpus"  # every record on one partition: a case's record is read before its follower
MARKER = "corpus_case"  # a header naming the case, kept on the dead letter


@dataclass
class Service:
    """One service, its register read straight from PostgreSQL, its dead letters as they come."""

    client: httpx.AsyncClient
    key: str
    database: asyncpg.Connection
    producer: AIOKafkaProducer
    dead_letters: AIOKafkaConsumer
    ingest_topic: str
    parked: dict[str, "ConsumerRecord[bytes, bytes]"] = field(default_factory=dict)  # by marker

    async def registered(self) -> int:
        count: int = await self.database.fetchval("SELECT count(*) FROM register")
        return count

    async def stored(self, source: str, event_id: str) -> dict[str, Any] | None:
        event = await self.database.fetchval(
            "SELECT event FROM register WHERE source = $1 AND id = $2", source, event_id
        )
        return None if event is None else dict(json.loads(event))

    async def post(self, headers: dict[str, str], body: bytes) -> httpx.Response:
        return await self.client.post(
            "/v1/events", content=body, headers={"authorization": f"Bearer {self.key}", **headers}
        )

    async def produce(self, value: bytes | None, headers: list[tuple[str, bytes]]) -> None:
        await self.producer.send_and_wait(self.ingest_topic, value, key=KEY, headers=headers)

    async def identities(self) -> set[tuple[str, str]]:
        rows = await self.database.fetch("SELECT source, id FROM register")
        return {(row["source"], row["id"]) for row in rows}

    async def read_dead_letters(self, at_least: int) -> None:
        async def read() -> int:
            batches = await self.dead_letters.getmany(timeout_ms=200)
            for batch in batches.values():
                for record in batch:
                    self.parked[header(record, MARKER) or ""] = record
            return len(self.parked)

        await eventually(read, lambda count: count >= at_least, every=0.0)

    async def assert_ready(self) -> None:
        response = await self.client.get("/ready")
        assert response.status_code == 200, response.text
