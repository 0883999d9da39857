"""The notifications service under test as staff meet it: in-process with an injected clock,
on the real broker and database, fed KPI events as the metrics service publishes them, with
a routing file written for the test."""

import uuid
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import asyncpg
import httpx
from aiokafka import AIOKafkaProducer
from pydantic import PostgresDsn

from services.notifications.channels import SmtpSettings
from services.notifications.main import create_app
from services.notifications.settings import NotificationsSettings
from shared.contracts import topics
from shared.contracts.cloudevents import CloudEvent
from shared.contracts.events import EventData
from shared.contracts.kpi_events import (
    METRICS_SOURCE,
    CommitmentStatusChanged,
    PeriodSpan,
    Status,
)
from shared.messaging.admin import ensure_topics
from shared.messaging.connection import KafkaConnection
from tests.asgi import serving
from tests.kafka_records import send
from tests.keys import admin_key, bearer
from tests.notification_receivers import SECRET, Inbox, smtp_server

STOCKHOLM = ZoneInfo("Europe/Stockholm")
# Who answers for what in the Lund promise (shared/promises/lund-2017.yaml).
RESPONSIBLE = {
    "sno-mote": ("kommunen", "polisen"),
    "volontarinsatser": ("polisen",),
    "ungdomsdialoger-motesplatser": ("kommunen",),
    "omradeskontroller-skollov": ("raddningstjansten",),
    "narkotikabrott-unga": ("polisen",),
    "trygghetsvandringar-ungdomar": ("raddningstjansten", "kommunen", "polisen"),
    "handelsebaserade-trygghetsvandringar": ("kommunen", "polisen"),
}
MAIL = {
    "polisen": "polisen@lofte.test",
    "kommunen": "kommunen@lofte.test",
    "raddningstjansten": "raddningstjansten@lofte.test",
    "polisen-chef": "chef@polisen.lofte.test",
    "drift": "drift@lofte.test",
}


def local(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=STOCKHOLM)


@dataclass
class Clock:
    now: datetime

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


def routing_file(
    folder: Path,
    webhook: str | None = None,
    *,
    email: bool = True,
    group_wait: str = "10s",
    group_interval: str = "1m",
    nights: str = "natt",
    secret: str = SECRET,
) -> Path:
    """Lund's routing, compact: 10 s group wait, 1 min group interval, 1 h repeats, nights
    muted for what is not critical, escalation of a missed commitment after 2 h. With
    `webhook`, polisen's contact point also has that webhook (and, without `email`, only it).
    A test on the wall clock wants shorter group times and `nights=""` (never muted)."""
    polisen = [f"email: [{MAIL['polisen']}]"] if email else []
    if webhook is not None:
        polisen.append(f'webhooks: [{{url: "{webhook}", secret: "{secret}"}}]')
    text = f"""
contact_points:
  polisen: {{{", ".join(polisen)}}}
  kommunen: {{email: [{MAIL["kommunen"]}]}}
  raddningstjansten: {{email: [{MAIL["raddningstjansten"]}]}}
  polisen-chef: {{email: [{MAIL["polisen-chef"]}]}}
  drift: {{email: [{MAIL["drift"]}]}}
time_intervals:
  natt:
    any_of:
      - times: [{{start: "22:00", end: "07:00"}}]
route:
  receiver: drift
  group_by: [organisation, promise]
  group_wait: {group_wait}
  group_interval: {group_interval}
  repeat_interval: 1h
  routes:
    - matchers: ['organisation="polisen"']
      receiver: polisen
      routes:
        - matchers: ['severity="critical"']
          group_by: [organisation, promise, commitment]
          escalation: {{after: 2h, receiver: polisen-chef}}
        - mute_time_intervals: [{nights}]
    - matchers: ['organisation="kommunen"']
      receiver: kommunen
      routes:
        - mute_time_intervals: [{nights}]
    - matchers: ['organisation="raddningstjansten"']
      receiver: raddningstjansten
inhibit_rules:
  - source_matchers: ['kind="commitment.status-changed"', 'status="missed"']
    target_matchers: ['kind="commitment.status-changed"', 'status=~"at-risk|behind"']
    equal: [organisation, promise, commitment]
"""
    path = folder / f"routing-{uuid.uuid4().hex[:8]}.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def settings(
    kafka: str, database_url: str, namespace: str, routing: Path, smtp_port: int, **changes: Any
) -> NotificationsSettings:
    values: dict[str, Any] = {
        "kafka_bootstrap_servers": kafka,
        "database_url": PostgresDsn(database_url),
        "topic_namespace": namespace,
        "consumer_group": f"{namespace}notifications",
        "routing_file": routing,
        "smtp": SmtpSettings(
            host="127.0.0.1",
            port=smtp_port,
            from_address="Löfte <notiser@lofte.test>",
            timeout=5,
            helo_name="lofte.test",
        ),
        "public_url": "http://service.test",
        "grafana_url": "https://grafana.lofte.test",
        "dispatcher_max_interval_seconds": 0.05,
        "scheduler_interval_seconds": 0.1,
        "sender_poll_seconds": 0.05,
        "send_timeout_seconds": 5,
        **changes,
    }
    return NotificationsSettings(**values)


@asynccontextmanager
async def notifications_service(
    config: NotificationsSettings, clock: Clock
) -> AsyncIterator[httpx.AsyncClient]:
    """The service, and a client that calls it as an admin (every organisation's staff at
    once); a test of who may do what sends other credentials per request."""
    key = await admin_key(str(config.database_url))
    async with serving(create_app(config, clock=clock)) as client:
        client.headers.update(bearer(key))
        yield client


@dataclass
class Harness:
    """One test's notifications service, set up the same way for every test: its own topics,
    database and routing file, a clock of its own (a Tuesday morning unless the test says
    otherwise) and an SMTP server to read the mail from. The `notifications` fixture."""

    kafka: str
    database_url: str
    namespace: str
    folder: Path
    clock: Clock = field(default_factory=lambda: Clock(local(2017, 5, 16, 10, 0)))
    # What the service last started with: a test that stops it can start it again alike.
    config: NotificationsSettings | None = None

    def starting_at(self, moment: datetime) -> Clock:
        self.clock.now = moment
        return self.clock

    async def produce(self, events: Sequence[CloudEvent]) -> None:
        await produce(self.kafka, self.namespace, events)

    def routing(self, webhook: str | None = None, **options: Any) -> Path:
        """A routing file written for the test (see `routing_file`)."""
        return routing_file(self.folder, webhook, **options)

    def settings(
        self,
        smtp_port: int,
        routing: Path | None = None,
        *,
        database_url: str | None = None,
        **changes: Any,
    ) -> NotificationsSettings:
        """The service's settings; another `database_url` reaches the same database some
        other way (through a proxy)."""
        return settings(
            self.kafka,
            database_url or self.database_url,
            self.namespace,
            routing or self.routing(),
            smtp_port,
            **changes,
        )

    @asynccontextmanager
    async def running(
        self, routing: Path | None = None, **changes: Any
    ) -> AsyncIterator[tuple[httpx.AsyncClient, Inbox]]:
        """The service (called as an admin) and the inbox of the mail it sends."""
        async with smtp_server() as (inbox, port):
            self.config = self.settings(port, routing, **changes)
            async with notifications_service(self.config, self.clock) as client:
                yield client, inbox


def status_changed(
    commitment: str, new: Status, at: datetime, old: Status | None = Status.ON_TRACK
) -> CloudEvent:
    """As the metrics service announces a commitment's new status."""
    return kpi_event(
        CommitmentStatusChanged(
            promise="lund-2017",
            commitment=commitment,
            focus_area="trygghet",
            organisations=list(RESPONSIBLE[commitment]),
            old_status=old,
            new_status=new,
            period=PeriodSpan(start=date(2017, 1, 1), end=date(2018, 1, 1)),
            figures={"done": 1, "target": 5, "expected": 2.4},
        ),
        at,
        subject=commitment,
    )


def kpi_event(data: EventData, at: datetime, subject: str) -> CloudEvent:
    return CloudEvent(
        specversion="1.0",
        id=str(uuid.uuid4()),
        source=METRICS_SOURCE,
        type=data.TYPE,
        time=at,
        subject=subject,
        data=data.model_dump(mode="json"),
    )


async def produce(kafka: str, namespace: str, events: Sequence[CloudEvent]) -> None:
    """Binary mode on `lofte.metrics.v1`, keyed by subject, as the metrics service's outbox."""
    await ensure_topics(KafkaConnection(kafka), topics.ALL, namespace)
    producer = AIOKafkaProducer(bootstrap_servers=kafka)
    await producer.start()
    try:
        for event in events:
            await (await send(producer, event, topics.METRICS.qualified(namespace)))
    finally:
        await producer.stop()


async def every(client: httpx.AsyncClient, path: str, **params: str) -> list[dict[str, Any]]:
    """Every item of one of the API's lists, following `next` from page to page."""
    found: list[dict[str, Any]] = []
    response = await client.get(path, params=params)
    while True:
        assert response.status_code == 200, response.text
        page = response.json()
        found += page["items"]
        if page["next"] is None:
            return found
        response = await client.get(page["next"])


async def listed(client: httpx.AsyncClient, **params: str) -> list[dict[str, Any]]:
    return await every(client, "/v1/notifications", limit="1000", **params)


async def series(client: httpx.AsyncClient, name: str, **labels: str) -> float:
    """The value of one Prometheus series of the service (0 when it is not there)."""
    for line in (await client.get("/metrics")).text.splitlines():
        head, _, value = line.rpartition(" ")
        found, _, rest = head.partition("{")
        pairs = dict(part.split("=", 1) for part in rest.rstrip("}").split(",") if part)
        if found == name and {k: v.strip('"') for k, v in pairs.items()} == labels:
            return float(value)
    return 0.0


async def planned_at(database_url: str) -> datetime:
    """When the delivery planner last planned, by the service's clock: after it has looked at a
    moment, whatever is not in the delivery log was not due then."""
    connection = await asyncpg.connect(database_url)
    try:
        moment: datetime = await connection.fetchval(
            "SELECT updated_at FROM notifications.dispatch_state"
        )
        return moment
    finally:
        await connection.close()
