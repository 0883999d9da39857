"""Several instances of every service, each service's in one consumer group: two of
activities, three of metrics, two of notifications, while partners send years of Lund's
events to both activities instances. A third of the way in, one metrics instance is killed
with SIGKILL for good; two thirds in, a new one starts: the partitions move both ways.

Afterwards every metrics instance serves the KPIs the pure engine computes from the register,
each KPI change was announced once and none went back and forth (two instances that each
announced the KPIs from their own view would make them alternate), and every notification
reached the receiver in exactly one message (see `audit` for all that is checked). The two
activities instances registered events of the same commitments at the same moments: every
key's records on the activities topic follow the register's order all the same."""

import asyncio
import random
import time
from pathlib import Path

import pytest

from simulator.lund import ORGANISATIONS
from tests.chaos.audit import Expected, assert_each_key_in_register_order, audit, settle
from tests.chaos.books import opened
from tests.chaos.partners import HttpPartner
from tests.chaos.report import Report
from tests.chaos.stream import partner_events
from tests.chaos.system import System, running
from tests.keys import create_key
from tests.notification_receivers import Receiver, webhook_receiver

STREAM_SECONDS = 60.0
SCALE = {"activities": 2, "metrics": 3, "notifications": 2}
PARTNERS = range(2021, 2022)


@pytest.mark.timeout(330)
async def test_instances_of_every_service_give_one_answer_and_tell_each_change_once(
    chaos_seed: int,
    report: Report,
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
            await asyncio.sleep(STREAM_SECONDS / 3)
            system.retire("metrics-2")
            await asyncio.sleep(STREAM_SECONDS / 3)
            system.start("metrics-4")
            await streaming
            streamed = time.monotonic() - began
            async with opened(database_url) as books:
                settled = await settle(system, books, expected, within=150)
                figures = await audit(system, books, expected)
                keys_in_order = await assert_each_key_in_register_order(system, books)

    assert set().union(*(p.accepted for p in partners)) == expected.registered
    assert set().union(*(p.refused for p in partners)) == expected.refused
    answers = {answer for p in partners for answer in p.answers}
    assert answers <= {"202", "403", "422"}, answers
    report.add(
        "instances",
        {
            "scale": SCALE,
            "events_sent": len(events.sent),
            "stream_seconds": round(streamed, 1),
            "settle_seconds": round(settled, 1),
            **figures,
            "keys_in_register_order": keys_in_order,
        },
    )
