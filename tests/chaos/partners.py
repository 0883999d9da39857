"""Partner systems as a chaos test needs them: they send at a steady pace whatever happens to
the services, keep trying what was not answered (a refused connection, a 503) as a careful
integration does, and remember what was accepted, refused and how often they had to wait."""

import asyncio
import json
import time
from collections import Counter, defaultdict
from collections.abc import AsyncIterator, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import islice

import httpx
from aiokafka import AIOKafkaProducer

from shared.contracts.cloudevents import parse_structured
from tests.chaos.stream import Event, identity, reporter
from tests.kafka_records import send

BATCH = "application/cloudevents-batch+json"
SINGLE = "application/cloudevents+json"
BATCH_SIZE = 100


def batches(events: Iterable[Event], size: int = BATCH_SIZE) -> Iterator[list[Event]]:
    pending = iter(events)
    while chunk := list(islice(pending, size)):
        yield chunk


async def paced(events: Sequence[Event], seconds: float) -> AsyncIterator[list[Event]]:
    """The events in batches, the n-th of N batches once n/N of `seconds` have passed: a
    steady stream, which catches up at once after whatever held it up."""
    chunks = list(batches(events))
    started = time.monotonic()
    for index, chunk in enumerate(chunks):
        await asyncio.sleep(max(0.0, started + index * seconds / len(chunks) - time.monotonic()))
        yield chunk


@dataclass
class HttpPartner:
    """Posts to the ingest API with each organisation's key; answers are counted by status."""

    url: str
    keys: dict[str, str]
    accepted: set[tuple[str, str]] = field(default_factory=set)
    refused: set[tuple[str, str]] = field(default_factory=set)
    answers: Counter[str] = field(default_factory=Counter)
    retry_after: set[str] = field(default_factory=set)

    async def send(self, events: Sequence[Event], refused: Sequence[Event], seconds: float) -> None:
        """Everything, spread over about `seconds`: valid events in batches per reporter,
        those the rules refuse one by one (a batch is all or nothing)."""
        refusing = {identity(event) for event in refused}
        async with httpx.AsyncClient(base_url=self.url, timeout=30) as client:
            async for chunk in paced(events, seconds):
                by_reporter: dict[str, list[Event]] = defaultdict(list)
                for event in chunk:
                    if identity(event) in refusing:
                        await self._post(client, [event], SINGLE)
                    else:
                        by_reporter[reporter(event)].append(event)
                for events_of_one in by_reporter.values():
                    await self._post(client, events_of_one, BATCH)

    async def _post(self, client: httpx.AsyncClient, events: list[Event], media: str) -> None:
        body = json.dumps(events if media == BATCH else events[0])
        key = self.keys[reporter(events[0])]
        headers = {"content-type": media, "authorization": f"Bearer {key}"}
        delay = 0.2
        while True:
            try:
                response = await client.post("/v1/events", content=body, headers=headers)
            except httpx.TransportError as error:
                self.answers[type(error).__name__] += 1
            else:
                self.answers[str(response.status_code)] += 1
                if response.status_code >= 500:
                    self.retry_after.add(response.headers.get("retry-after", "missing"))
                elif response.status_code == 202:
                    self.accepted.update(identity(event) for event in events)
                    return
                else:
                    self.refused.update(identity(event) for event in events)
                    return
            await asyncio.sleep(delay)
            delay = min(delay * 2, 2.0)


async def produce(bootstrap: str, topic: str, events: Sequence[Event], seconds: float) -> None:
    """Binary-mode CloudEvents on the ingest topic, spread over about `seconds`."""
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", enable_idempotence=True)
    await producer.start()
    try:
        async for chunk in paced(events, seconds):
            sent = []
            for document in chunk:
                event = parse_structured(document)
                sent.append(await send(producer, event, topic))
            await asyncio.gather(*sent)
    finally:
        await producer.stop()
