"""Sending events to a topic as the services do, and reading what landed on one, waiting for
it by condition rather than by sleeping."""

import asyncio
import time
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRecord, TopicPartition

from shared.contracts.cloudevents import CloudEvent, encoded
from shared.messaging.outbox_rows import OutgoingRecord


async def read_topic(
    bootstrap: str, topic: str, *, at_least: int, within: float = 30.0
) -> list["ConsumerRecord[bytes, bytes]"]:
    """Every record of `topic` from the beginning, once there are `at_least` of them."""
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap, enable_auto_commit=False, auto_offset_reset="earliest"
    )
    await consumer.start()
    try:
        deadline = time.monotonic() + within
        partitions: set[int] | None = None
        while not partitions:
            partitions = consumer.partitions_for_topic(topic)
            if not partitions:
                if time.monotonic() > deadline:
                    raise AssertionError(f"topic {topic} does not exist")
                await consumer._client.force_metadata_update()
                await asyncio.sleep(0.1)
        consumer.assign([TopicPartition(topic, p) for p in sorted(partitions)])
        await consumer.seek_to_beginning()
        records: list[ConsumerRecord[bytes, bytes]] = []
        while len(records) < at_least:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(
                    f"{len(records)} records on {topic} after {within}s, expected {at_least}"
                )
            batches = await consumer.getmany(timeout_ms=int(min(remaining, 1.0) * 1000))
            for batch in batches.values():
                records.extend(batch)
        return records
    finally:
        await consumer.stop()


def header(record: "ConsumerRecord[bytes, bytes]", name: str) -> str | None:
    for key, value in record.headers:
        if key == name:
            return bytes(value).decode()
    return None


async def read_all(bootstrap: str, topic: str) -> list["ConsumerRecord[bytes, bytes]"]:
    """Every record `topic` holds now, partition by partition, each in its order."""
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap, enable_auto_commit=False, auto_offset_reset="earliest"
    )
    await consumer.start()
    try:
        partitions = consumer.partitions_for_topic(topic)
        if not partitions:
            await consumer._client.force_metadata_update()
            partitions = consumer.partitions_for_topic(topic) or set()
        assigned = [TopicPartition(topic, p) for p in sorted(partitions)]
        consumer.assign(assigned)
        await consumer.seek_to_beginning()
        ends = await consumer.end_offsets(assigned)
        records: dict[TopicPartition, list[ConsumerRecord[bytes, bytes]]] = {
            partition: [] for partition in assigned
        }

        async def behind() -> bool:
            for partition in assigned:
                if await consumer.position(partition) < ends[partition]:
                    return True
            return False

        while await behind():
            for partition, batch in (await consumer.getmany(timeout_ms=1000)).items():
                records[partition].extend(batch)
        return [record for partition in assigned for record in records[partition]]
    finally:
        await consumer.stop()


async def send_record(producer: AIOKafkaProducer, record: OutgoingRecord) -> "asyncio.Future[Any]":
    """Hand a record to the producer; await what it returns for the broker's acknowledgement."""
    sent: asyncio.Future[Any] = await producer.send(
        record.topic, record.value, record.key, headers=encoded(record.headers)
    )
    return sent


async def send(producer: AIOKafkaProducer, event: CloudEvent, topic: str) -> "asyncio.Future[Any]":
    """An event as the services publish it: binary mode, keyed by its subject."""
    return await send_record(producer, OutgoingRecord.of(event, topic))
