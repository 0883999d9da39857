"""Freshness: how long after a partner sends an event its effect shows.

An open-loop producer sends activities to the ingest topic at a fixed rate (each stamped
with when it was sent), with all three services running. Measured per event:
- Kafka's own floor: until a bare consumer of the ingest topic receives it;
- event → KPI: until the count the metrics service publishes for the commitment (the
  `lofte_commitment_done` series Grafana reads) includes it;
- event → notification: some events flip a commitment between achieved and one short, and
  the notification of that flip is timed until it reaches a local webhook receiver.
Group waits are set to zero (group_interval to its least, 1 s, while each commitment is
flipped at most every few seconds), so what is measured is the pipeline, not a wait the
routing configures. Figures are HDR histograms in milliseconds.
"""

import asyncio
import base64
import contextlib
import secrets
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from hdrh.histogram import HdrHistogram  # type: ignore[import-untyped]

from bench.harness import Bench, Result, Target
from shared.contracts import topics
from shared.contracts.cloudevents import CloudEvent, parse_structured
from shared.messaging.admin import ensure_topics
from shared.messaging.connection import KafkaConnection
from tests.kafka_records import send
from tests.notification_receivers import Receiver, webhook_receiver
from tests.processes import SERVICES, service_env, start, stopped_on_exit, wait_ready

STREAMED = "trygghetsvandringar-ungdomar"  # counted up by the stream
# Count commitments flipped between achieved and missed: (id, target, organisation).
FLIPPED = (
    ("volontarinsatser", 5, "polisen"),
    ("foreningsliv", 2, "kommunen"),
    ("handelsebaserade-trygghetsvandringar", 2, "polisen"),
)
FLIP_EVERY_SECONDS = 0.5
POLL_SECONDS = 0.025  # the probe's resolution; faster polling loads the service it measures
SOURCE = "urn:lofte:bench:freshness"
SETTLE_SECONDS = 60.0


def histogram() -> HdrHistogram:
    return HdrHistogram(1, 3_600_000, 3)  # 1 µs .. 1 h, in µs


def report(result: Result, name: str, samples: list[float]) -> None:
    figures = histogram()
    for seconds in samples:
        figures.record_value(max(int(seconds * 1_000_000), 1))
    for label, percentile in (("p50", 50.0), ("p99", 99.0), ("p99.9", 99.9)):
        result.add(f"{name} {label}", figures.get_value_at_percentile(percentile) / 1000, "ms")
    result.add(f"{name} max", figures.get_max_value() / 1000, "ms")
    result.add(f"{name} samples", len(samples), "")


async def run(bench: Bench) -> Result:
    result = Result("freshness")
    result.add("rate", bench.rate, "events/s")
    result.add("duration", bench.seconds, "s")
    namespace = bench.namespace()
    connection = KafkaConnection(bench.kafka)
    await ensure_topics(connection, topics.ALL, namespace)
    secret = "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()
    async with (
        webhook_receiver(Receiver(secret=secret)) as receiver,
        bench.database() as database_url,
    ):
        routing = routing_file(bench.out, receiver)
        env = {
            **service_env(bench.kafka, database_url, namespace),
            "ROUTING_FILE": str(routing),
            "EVALUATION_INTERVAL_SECONDS": "5",
        }
        processes = [start(name, env, bench.logs) for name in SERVICES]
        with stopped_on_exit(processes):
            for process in processes:
                await wait_ready(process)
            urls = {process.name: process.url for process in processes}
            run_ = Run(bench, namespace, urls, receiver)
            await run_.measure()
    report(result, "kafka floor", run_.floor)
    report(result, "event→activities topic", run_.accepted)
    report(result, "event→KPI", run_.kpi)
    report(result, "event→notification", run_.notified)
    result.targets += [
        Target("event→KPI p99", 250, higher_is_better=False),
        Target("event→notification p99", 1000, higher_is_better=False),
    ]
    if run_.unseen:
        result.notes.append(f"{run_.unseen} events never became visible within the wait")
    return result


def routing_file(folder: Path, receiver: Receiver) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "freshness-routing.yaml"
    path.write_text(
        f"""
contact_points:
  bench: {{webhooks: [{{url: "{receiver.url}", secret: "{receiver.secret}"}}]}}
route:
  receiver: bench
  group_by: [commitment]
  group_wait: 0s
  group_interval: 1s
  repeat_interval: 1h
"""
    )
    return path


@dataclass
class Run:
    bench: Bench
    namespace: str
    urls: dict[str, str]
    receiver: Receiver
    before: set[str] = field(default_factory=set)  # webhook ids of the first burst
    sent: dict[str, float] = field(default_factory=dict)
    floor: list[float] = field(default_factory=list)
    accepted: list[float] = field(default_factory=list)
    kpi: list[float] = field(default_factory=list)
    notified: list[float] = field(default_factory=list)
    # When each flip was sent, of which commitment, and the count done it leads to.
    flips: list[tuple[float, str, int]] = field(default_factory=list)
    unseen: int = 0

    @property
    def ingest(self) -> str:
        return topics.INGEST.qualified(self.namespace)

    async def measure(self) -> None:
        async with self._producer() as producer, httpx.AsyncClient(timeout=30) as client:
            await self._prepare(producer, client)
            stream_ids: list[str] = []
            async with (
                self._receipts(self.ingest) as floor,
                self._receipts(topics.ACTIVITIES.qualified(self.namespace)) as accepted,
            ):
                base = await self._done(client, STREAMED)
                poller = asyncio.create_task(self._watch_kpi(client, base, stream_ids))
                await self._send_stream(producer, stream_ids)
                await self._wait_for(lambda: len(self.kpi) >= len(stream_ids))
                poller.cancel()
                self.floor = [at - self.sent[i] for i, at in floor.items() if i in self.sent]
                self.accepted = [at - self.sent[i] for i, at in accepted.items() if i in self.sent]
            self.unseen = len(stream_ids) - len(self.kpi)
            await self._wait_for(lambda: self._notified_flips() >= len(self.flips))
            self._match_notifications()

    @contextlib.asynccontextmanager
    async def _producer(self) -> AsyncIterator[AIOKafkaProducer]:
        producer = AIOKafkaProducer(bootstrap_servers=self.bench.kafka, linger_ms=0)
        await producer.start()
        try:
            yield producer
        finally:
            await producer.stop()

    @contextlib.asynccontextmanager
    async def _receipts(self, topic: str) -> AsyncIterator[dict[str, float]]:
        """Receipt times by event id, from a bare consumer positioned at the end now."""
        consumer = AIOKafkaConsumer(
            topic, bootstrap_servers=self.bench.kafka, auto_offset_reset="latest"
        )
        await consumer.start()
        received: dict[str, float] = {}

        async def receive() -> None:
            async for record in consumer:
                event_id = dict(record.headers).get("ce_id", b"").decode()
                received[event_id] = time.perf_counter()

        while not consumer.assignment():  # noqa: ASYNC110 - aiokafka has no event for it
            await asyncio.sleep(0.05)
        for partition in list(consumer.assignment()):
            await consumer.position(partition)
        task = asyncio.create_task(receive())
        try:
            yield received
        finally:
            task.cancel()
            await consumer.stop()

    async def _send(self, producer: AIOKafkaProducer, event: CloudEvent) -> None:
        self.sent[event.id] = time.perf_counter()
        await send(producer, event, self.ingest)

    async def _prepare(self, producer: AIOKafkaProducer, client: httpx.AsyncClient) -> None:
        """Each flipped commitment one short of its target (missed), and the first burst of
        notifications (every commitment's state, announced once) over."""
        for commitment, target, organisation in FLIPPED:
            for n in range(target - 1):
                await self._send(
                    producer, activity(f"prep-{commitment}-{n}", commitment, organisation)
                )
        await producer.flush()
        for commitment, target, _ in FLIPPED:
            await self._wait_for_done(client, commitment, target - 1)
        quiet_since, count = time.perf_counter(), len(self.receiver.accepted)
        while time.perf_counter() - quiet_since < 3.0:
            await asyncio.sleep(0.2)
            if len(self.receiver.accepted) != count:
                quiet_since, count = time.perf_counter(), len(self.receiver.accepted)
        self.before = set(self.receiver.accepted)

    async def _send_stream(self, producer: AIOKafkaProducer, stream_ids: list[str]) -> None:
        """Open loop: event i goes out at start + i / rate, whether or not the last was
        acknowledged; every FLIP_EVERY_SECONDS one commitment flips."""
        total = int(self.bench.rate * self.bench.seconds)
        started = time.perf_counter()
        next_flip = started + FLIP_EVERY_SECONDS
        flip = 0
        for i in range(total):
            due = started + i / self.bench.rate
            if (pause := due - time.perf_counter()) > 0:
                await asyncio.sleep(pause)
            event = activity(f"stream-{i}", STREAMED, "polisen")
            stream_ids.append(event.id)
            await self._send(producer, event)
            if time.perf_counter() >= next_flip:
                await self._flip(producer, flip)
                flip += 1
                next_flip += FLIP_EVERY_SECONDS
        await producer.flush()

    async def _flip(self, producer: AIOKafkaProducer, n: int) -> None:
        commitment, target, organisation = FLIPPED[n % len(FLIPPED)]
        round_ = n // len(FLIPPED)
        if round_ % 2 == 0:  # one short: the target is reached
            event = activity(f"flip-{commitment}-{round_}", commitment, organisation)
            done = target
        else:  # the one that reached it is withdrawn
            event = retraction(f"unflip-{commitment}-{round_}", f"flip-{commitment}-{round_ - 1}")
            done = target - 1
        await self._send(producer, event)
        self.flips.append((self.sent[event.id], commitment, done))

    async def _watch_kpi(self, client: httpx.AsyncClient, base: int, ids: list[str]) -> None:
        while True:
            try:
                done = await self._done(client, STREAMED) - base
            except httpx.HTTPError as error:
                print(f"   KPI poll failed: {error!r}", flush=True)
                await asyncio.sleep(1)
                continue
            now = time.perf_counter()
            for event_id in ids[len(self.kpi) : done]:
                self.kpi.append(now - self.sent[event_id])
            await asyncio.sleep(POLL_SECONDS)

    async def _done(self, client: httpx.AsyncClient, commitment: str) -> int:
        """The commitment's count as Grafana reads it: the `lofte_commitment_done` series.

        Not the KPI API: it evaluates on demand, and asked a hundred times a second it would
        load the service more than the stream being measured."""
        response = await client.get(f"{self.urls['metrics']}/metrics")
        response.raise_for_status()
        label = f'commitment="{commitment}"'
        for line in response.text.splitlines():
            if line.startswith("lofte_commitment_done{") and label in line:
                return int(float(line.rsplit(" ", 1)[1]))
        return 0

    async def _wait_for_done(self, client: httpx.AsyncClient, commitment: str, n: int) -> None:
        await self._wait_for_async(lambda: self._reached(client, commitment, n))

    async def _reached(self, client: httpx.AsyncClient, commitment: str, n: int) -> bool:
        return await self._done(client, commitment) >= n

    async def _wait_for(self, condition: Any) -> None:
        async def check() -> bool:
            return bool(condition())

        await self._wait_for_async(check)

    @staticmethod
    async def _wait_for_async(condition: Any) -> None:
        deadline = time.perf_counter() + SETTLE_SECONDS
        while not await condition():
            if time.perf_counter() > deadline:
                return
            await asyncio.sleep(0.05)

    def _notified_flips(self) -> int:
        return sum(1 for _, payload in self._arrivals() for _ in flips_in(payload))

    def _arrivals(self) -> list[tuple[float, dict[str, Any]]]:
        """(when, payload) of every notification since the first burst, in arrival order."""
        return sorted(
            (
                (self.receiver.arrived[webhook_id], payload)
                for webhook_id, payload in self.receiver.accepted.items()
                if webhook_id not in self.before
            ),
            key=lambda arrival: arrival[0],
        )

    def _match_notifications(self) -> None:
        """Each flip's notification: the first arrival after it that tells of its
        commitment's status changing with the count the flip led to."""
        arrivals = [
            (at, commitment, done)
            for at, payload in self._arrivals()
            for commitment, done in flips_in(payload)
        ]
        for sent, commitment, done in self.flips:
            match = next(
                (a for a in arrivals if a[0] >= sent and a[1:] == (commitment, done)), None
            )
            if match is not None:
                arrivals.remove(match)
                self.notified.append(match[0] - sent)


def flips_in(payload: Any) -> list[tuple[str, int]]:
    """(commitment, count done) of every status change a webhook payload tells of."""
    return [
        (entry["commitment_id"], entry["figures"]["done"])
        for entry in payload.get("notifications", [])
        if entry.get("kind") == "commitment.status-changed" and entry.get("figures")
    ]


def activity(event_id: str, commitment: str, organisation: str) -> CloudEvent:
    return parse_structured(
        {
            "specversion": "1.0",
            "id": event_id,
            "source": SOURCE,
            "type": "activity.completed",
            "time": (datetime.now(UTC) - timedelta(minutes=1)).isoformat(),
            # Youths took part: the streamed commitment counts only walks with them.
            "data": {
                "commitment": commitment,
                "organisations": [organisation],
                "participants": {"youths": 4},
            },
        }
    )


def retraction(event_id: str, retracted: str) -> CloudEvent:
    return parse_structured(
        {
            "specversion": "1.0",
            "id": event_id,
            "source": SOURCE,
            "type": "event.retracted",
            "time": datetime.now(UTC).isoformat(),
            "data": {"event_id": retracted, "reason": "benchmark: flipped back"},
        }
    )
