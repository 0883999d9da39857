"""Two instances of each service, each killed with SIGKILL again and again, at moments drawn
from the seed, while partners send years of Lund's events through both ingest APIs and the
ingest topic; each is started again at once, so partitions move to the survivor and back.
Afterwards nothing was lost and nothing counted or told twice (see `audit` for exactly what
is checked)."""

import asyncio
import random
import time
from collections import Counter
from pathlib import Path

import pytest

from shared.contracts import topics
from simulator.lund import ORGANISATIONS
from tests.chaos.audit import Expected, audit, settle
from tests.chaos.books import opened
from tests.chaos.partners import HttpPartner, produce
from tests.chaos.report import Report
from tests.chaos.stream import identity, partner_events
from tests.chaos.system import System, running
from tests.keys import create_key
from tests.notification_receivers import Receiver, webhook_receiver
from tests.processes import SERVICES

KILLS_PER_SERVICE = 8
SCALE = {name: 2 for name in SERVICES}
STREAM_SECONDS = 100.0
# The simulator's own seeds: which partner systems' events; the chaos seed says in what
# order they come and when which service is killed.
HTTP_PARTNERS = range(2017, 2019)
KAFKA_PARTNERS = range(2019, 2020)


def kill_schedule(rng: random.Random, instances: list[str]) -> list[tuple[float, str]]:
    """(seconds after the stream starts, instance): each service as often, its instances in
    turn, in random order, at random intervals, over about the stream's length."""
    victims = [
        of_service[n % len(of_service)]
        for name in SERVICES
        if (of_service := [i for i in instances if i.partition("-")[0] == name])
        for n in range(KILLS_PER_SERVICE)
    ]
    rng.shuffle(victims)
    mean_gap = STREAM_SECONDS / len(victims)
    moments, at = [], 0.0
    for victim in victims:
        at += rng.uniform(0.4 * mean_gap, 1.6 * mean_gap)
        moments.append((round(at, 2), victim))
    return moments


async def kill_and_restart(system: System, schedule: list[tuple[float, str]]) -> None:
    started = time.monotonic()
    for at, victim in schedule:
        await asyncio.sleep(max(0.0, started + at - time.monotonic()))
        system.kill(victim)
        system.start(victim)


@pytest.mark.timeout(330)
async def test_services_killed_at_random_lose_nothing_and_repeat_nothing(
    chaos_seed: int,
    report: Report,
    kafka_bootstrap: str,
    database_url: str,
    namespace: str,
    service_logs: Path,
) -> None:
    rng = random.Random(chaos_seed)
    over_http = partner_events(HTTP_PARTNERS, rng)
    over_kafka = partner_events(KAFKA_PARTNERS, rng)
    expected = Expected(
        registered={identity(e) for e in over_http.valid + over_kafka.valid},
        refused={identity(e) for e in over_http.refused + over_kafka.refused},
        parked={e["id"] for e in over_kafka.refused},
    )
    began = time.monotonic()
    async with webhook_receiver(Receiver(delay=1.0)) as receiver:
        system = System(
            kafka_bootstrap, database_url, namespace, service_logs, receiver, scale=SCALE
        )
        schedule = kill_schedule(rng, system.instances())
        with running(system):
            await system.ready()
            keys = {org: await create_key(database_url, org) for org in ORGANISATIONS}
            ingests = system.instances("activities")
            partners = [HttpPartner(system.url(instance), keys) for instance in ingests]
            shares = over_http.dealt(len(ingests))
            await asyncio.gather(
                *(
                    partner.send(share.sent, share.refused, STREAM_SECONDS)
                    for partner, share in zip(partners, shares, strict=True)
                ),
                produce(
                    kafka_bootstrap,
                    topics.INGEST.qualified(namespace),
                    over_kafka.sent,
                    STREAM_SECONDS,
                ),
                kill_and_restart(system, schedule),
            )
            streamed = time.monotonic() - began
            async with opened(database_url) as books:
                settled = await settle(system, books, expected, within=150)
                figures = await audit(system, books, expected)

    assert set().union(*(p.accepted for p in partners)) == {identity(e) for e in over_http.valid}
    assert set().union(*(p.refused for p in partners)) == {identity(e) for e in over_http.refused}
    answers = sum((p.answers for p in partners), Counter[str]())
    # Besides those, only what a killed server leaves a client with: no answer at all.
    assert {answer for answer in answers if answer.isdigit()} <= {"202", "422"}
    report.add(
        "killed services",
        {
            "kills": len(schedule),
            "schedule": schedule,
            "events_sent": len(over_http.sent) + len(over_kafka.sent),
            "scale": SCALE,
            "http_answers": dict(answers),
            "stream_seconds": round(streamed, 1),
            "settle_seconds": round(settled, 1),
            **figures,
        },
    )
