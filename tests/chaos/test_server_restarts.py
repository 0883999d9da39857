"""Kafka stopped and started mid-stream, then PostgreSQL, with the project's own scripts,
while partners go on sending to two instances of each service: the services find their way
back by themselves. How long each took is measured and reported, not asserted (the bounds
only keep a hang from lasting); what is asserted is what users see meanwhile and that
nothing was lost (see `audit`)."""

import asyncio
import json
import random
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest

from simulator.lund import ORGANISATIONS
from tests.chaos.audit import Expected, audit, settle
from tests.chaos.books import count_in, opened
from tests.chaos.partners import SINGLE, HttpPartner
from tests.chaos.report import Report
from tests.chaos.servers import SharedServers
from tests.chaos.stream import Event, partner_events, reporter
from tests.chaos.system import System, running
from tests.keys import create_key
from tests.notification_receivers import Receiver, webhook_receiver
from tests.polling import eventually
from tests.processes import SERVICES

T = TypeVar("T")
STREAM_SECONDS = 100.0
# Longer than the Kafka clients' 40 s request timeout: calls in flight fail, not just wait.
KAFKA_DOWN_SECONDS = 45.0
POSTGRES_DOWN_SECONDS = 10.0
RECOVERY_BOUND = 120.0
PARTNERS = range(2020, 2021)
SCALE = {name: 2 for name in SERVICES}


async def seconds_until(
    probe: Callable[[], Awaitable[T]], accept: Callable[[T], bool], since: float
) -> float:
    """Seconds from `since` until `probe` answers what `accept` likes."""
    await eventually(probe, accept, within=RECOVERY_BOUND, every=0.2)
    return round(time.monotonic() - since, 2)


async def readiness(system: System) -> dict[str, int]:
    """Each instance's answer to /ready (0: no answer at all)."""
    answers = {}
    async with httpx.AsyncClient(timeout=5) as client:
        for name in system.running:
            try:
                answers[name] = (await client.get(f"{system.url(name)}/ready")).status_code
            except httpx.HTTPError:
                answers[name] = 0
    return answers


async def post(system: System, keys: dict[str, str], event: Event) -> httpx.Response:
    async with httpx.AsyncClient(base_url=system.url("activities"), timeout=10) as client:
        return await client.post(
            "/v1/events",
            content=json.dumps(event),
            headers={"content-type": SINGLE, "authorization": f"Bearer {keys[reporter(event)]}"},
        )


async def kafka_outage(system: System, servers: SharedServers) -> dict[str, Any]:
    """While the broker is away the ingest goes on accepting, into the outbox; once it is
    back, the outbox drains and the consumers go on."""
    outbox = "activities.outbox"
    stop = await asyncio.to_thread(servers.stop, "kafka")
    down_at = time.monotonic()
    await asyncio.sleep(max(0.0, down_at + KAFKA_DOWN_SECONDS - time.monotonic()))
    waiting = await count_in(system.database_url, outbox)
    registered = await count_in(system.database_url, "activities.register")
    start = await asyncio.to_thread(servers.start, "kafka")
    back_at = time.monotonic()

    assert waiting > 0, "nothing was accepted while Kafka was away"
    return {
        "script_stop_seconds": round(stop, 2),
        "script_start_seconds": round(start, 2),
        "outbox_rows_waiting_when_it_came_back": waiting,
        "outbox_drained_after": await seconds_until(
            lambda: count_in(system.database_url, outbox), lambda n: n == 0, back_at
        ),
        "all_ready_after": await seconds_until(
            lambda: readiness(system), lambda ready: set(ready.values()) == {200}, back_at
        ),
        "metrics_caught_up_after": await seconds_until(
            lambda: count_in(system.database_url, "metrics.applied_events"),
            lambda n: n >= registered,
            back_at,
        ),
    }


async def postgres_outage(
    system: System, servers: SharedServers, keys: dict[str, str], probe: Event
) -> dict[str, Any]:
    """While the database is away the ingest answers 503 with Retry-After and no service
    says it is ready; once it is back they all serve again."""
    stop = await asyncio.to_thread(servers.stop, "postgres")
    down_at = time.monotonic()
    refused = await post(system, keys, probe)
    ready_meanwhile = await readiness(system)
    await asyncio.sleep(max(0.0, down_at + POSTGRES_DOWN_SECONDS - time.monotonic()))
    start = await asyncio.to_thread(servers.start, "postgres")
    back_at = time.monotonic()
    registered = await count_in(system.database_url, "activities.register")

    assert refused.status_code == 503, refused.text
    assert refused.headers["content-type"] == "application/problem+json"
    assert int(refused.headers["retry-after"]) > 0
    assert set(ready_meanwhile.values()) == {503}, ready_meanwhile
    return {
        "script_stop_seconds": round(stop, 2),
        "script_start_seconds": round(start, 2),
        "ingest_accepting_after": await seconds_until(
            lambda: post(system, keys, probe), lambda answer: answer.status_code == 202, back_at
        ),
        "all_ready_after": await seconds_until(
            lambda: readiness(system), lambda ready: set(ready.values()) == {200}, back_at
        ),
        "outbox_drained_after": await seconds_until(
            lambda: count_in(system.database_url, "activities.outbox"), lambda n: n == 0, back_at
        ),
        "metrics_caught_up_after": await seconds_until(
            lambda: count_in(system.database_url, "metrics.applied_events"),
            lambda n: n >= registered,
            back_at,
        ),
    }


@pytest.mark.timeout(330)
async def test_the_services_recover_by_themselves_when_kafka_and_postgresql_restart(
    chaos_seed: int,
    report: Report,
    servers: SharedServers,
    kafka_bootstrap: str,
    database_url: str,
    namespace: str,
    service_logs: Path,
) -> None:
    events = partner_events(PARTNERS, random.Random(chaos_seed))
    expected = Expected.over_http(events)
    began = time.monotonic()
    async with webhook_receiver(Receiver()) as receiver:
        system = System(
            kafka_bootstrap, database_url, namespace, service_logs, receiver, scale=SCALE
        )
        with running(system):
            await system.ready()
            keys = {org: await create_key(database_url, org) for org in ORGANISATIONS}
            ingests = system.instances("activities")
            partners = [HttpPartner(system.url(instance), keys) for instance in ingests]
            streaming = asyncio.gather(
                *(
                    partner.send(share.sent, share.refused, STREAM_SECONDS)
                    for partner, share in zip(partners, events.dealt(len(ingests)), strict=True)
                )
            )
            await asyncio.sleep(STREAM_SECONDS / 8)
            kafka = await kafka_outage(system, servers)
            postgres = await postgres_outage(system, servers, keys, events.valid[0])
            await streaming
            streamed = time.monotonic() - began
            async with opened(database_url) as books:
                settled = await settle(system, books, expected, within=150)
                figures = await audit(system, books, expected)

    assert set().union(*(p.accepted for p in partners)) == expected.registered
    assert set().union(*(p.refused for p in partners)) == expected.refused
    answers = sum((p.answers for p in partners), Counter[str]())
    assert {answer for answer in answers if answer.isdigit()} <= {"202", "422", "503"}
    assert set().union(*(p.retry_after for p in partners)) <= {"5"}
    report.add(
        "restarted servers",
        {
            "kafka": kafka,
            "postgres": postgres,
            "events_sent": len(events.sent),
            "scale": SCALE,
            "http_answers": dict(answers),
            "stream_seconds": round(streamed, 1),
            "settle_seconds": round(settled, 1),
            **figures,
        },
    )
