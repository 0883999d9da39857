"""The Monday lägesbild and the reminders, made by the notifications service from the real
metrics service's HTTP API (run in-process on loopback, fed by activity events)."""

import asyncio
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime

import httpx
import uvicorn
from pydantic import PostgresDsn

from services.metrics.main import create_app as create_metrics_app
from services.metrics.settings import MetricsSettings
from tests.factories import activity_completed
from tests.integration.test_metrics_service import produce
from tests.keys import admin_key, bearer
from tests.notifications_harness import (
    MAIL,
    Clock,
    Harness,
    listed,
    local,
    series,
)
from tests.polling import eventually


@asynccontextmanager
async def metrics_service(
    kafka: str, database_url: str, namespace: str, clock: Clock
) -> AsyncIterator[str]:
    """The metrics service serving HTTP on a loopback port; yields its base URL."""
    config = MetricsSettings(
        kafka_bootstrap_servers=kafka,
        database_url=PostgresDsn(database_url),
        topic_namespace=namespace,
        consumer_group=f"{namespace}metrics",
        evaluation_interval_seconds=0.2,
    )
    app = create_metrics_app(config, clock=clock)
    server = uvicorn.Server(uvicorn.Config(app, log_config=None, access_log=False))
    with socket.create_server(("127.0.0.1", 0)) as listening:
        url = f"http://127.0.0.1:{listening.getsockname()[1]}"
        task = asyncio.create_task(server.serve(sockets=[listening]))
        try:
            yield url
        finally:
            server.should_exit = True
            await task


async def sno_done(url: str, at: datetime, key: str) -> int:
    async with httpx.AsyncClient(base_url=url, headers=bearer(key), timeout=5) as client:
        try:
            response = await client.get(
                "/v1/promises/lund-2017/kpis/sno-mote", params={"at": at.isoformat()}
            )
        except httpx.TransportError:
            return -1  # not listening yet
    return int(response.json()["done"]) if response.status_code == 200 else -1


async def test_the_monday_digest_tells_each_organisation_its_week_once(
    notifications: Harness,
) -> None:
    clock = notifications.starting_at(local(2017, 3, 20, 6, 30))  # Monday of week 12, 06:30
    # The metrics service's own topics: its news stays there.
    activities = f"{notifications.namespace}m."
    meeting = activity_completed("sno-mote", time=local(2017, 3, 6, 9, 0))  # none on the 13th
    await produce(notifications.kafka, activities, [meeting])  # as the activities service would
    async with metrics_service(
        notifications.kafka, notifications.database_url, activities, clock
    ) as metrics_url:
        # The digest reads the KPIs with a key of its own, an admin's (as `make up` sets it).
        key = await admin_key(notifications.database_url)
        await eventually(lambda: sno_done(metrics_url, clock.now, key), lambda done: done == 1)
        async with notifications.running(metrics_url=metrics_url, metrics_api_key=key) as (
            client,
            inbox,
        ):
            digests = await eventually(
                lambda: listed(client, kind="digest"), lambda found: len(found) == 3
            )
            [reminder] = await listed(client, kind="reminder")
            clock.now = local(2017, 3, 20, 7, 0)  # nights are muted: office hours begin
            await eventually(inbox.count, lambda n: n == 4)

            clock.advance(hours=1)  # still digest morning: nothing is made twice
            rounds = await series(client, "lofte_notifications_schedule_rounds_total")
            await eventually(
                lambda: series(client, "lofte_notifications_schedule_rounds_total"),
                lambda now: now >= rounds + 2,
            )
            again = await listed(client, kind="digest")

    assert sorted(d["key"] for d in digests) == [
        "digest/lund-2017/kommunen/2017-W12",
        "digest/lund-2017/polisen/2017-W12",
        "digest/lund-2017/raddningstjansten/2017-W12",
    ]
    assert len(again) == 3
    assert reminder["key"] == "reminder/lund-2017/ungdomsting-2017-03-23/kommunen"
    kommunen = {mail.subject: mail.text for mail in inbox.to(MAIL["kommunen"])}
    assert set(kommunen) == {
        "Löfte: lägesbild vecka 12 för Lunds kommun",
        "Påminnelse: Ungdomsting, Stadshallen senast 23 mars 2017",
    }
    digest = kommunen["Löfte: lägesbild vecka 12 för Lunds kommun"]
    behind, missed, due, outcomes = sections(digest)
    assert "- SNÖ-möte varje måndag: efter" in behind
    assert "- Tre ungdomsdialoger på mötesplatser: riskerar att missas" in behind
    assert "  Genomfört hittills: 1 av 43." in behind
    assert missed == ["- SNÖ-möte varje måndag, 13 mars 2017"]
    assert due == [
        "- SNÖ-möte varje måndag, senast 20 mars 2017",
        "- Tre ungdomsdialoger på mötesplatser, senast 23 mars 2017",
    ]
    assert "- Minskad skadegörelse jämfört med 2016: inväntar data" in outcomes
    [polisen] = inbox.to(MAIL["polisen"])
    assert "Tre ungdomsdialoger" not in polisen.text  # kommunen's alone
    assert "SNÖ-möte varje måndag, 13 mars 2017" in polisen.text
    assert len(inbox.to(MAIL["raddningstjansten"])) == 1


def sections(text: str) -> list[list[str]]:
    """The digest's four sections as their lines, without the links."""
    headings = ("EFTER ELLER", "MISSAT FÖRRA", "ATT GÖRA DEN", "UTFALL MOT")
    found: list[list[str]] = []
    for line in text.splitlines():
        if line.startswith(headings):
            found.append([])
        elif found and line.strip() and "https://" not in line:
            found[-1].append(line.rstrip())
    return found


async def test_a_commitment_not_pursued_is_not_reminded_of(notifications: Harness) -> None:
    clock = notifications.starting_at(local(2017, 3, 20, 6, 30))
    activities = f"{notifications.namespace}m."
    let_go = {
        "specversion": "1.0",
        "id": "avstar-ungdomsdialoger",
        "source": "urn:lofte:partner:kommunen",
        "type": "explanation.published",
        "time": local(2017, 3, 15, 10, 0).isoformat(),
        "data": {
            "commitment": "ungdomsdialoger-motesplatser",
            "organisations": ["kommunen"],
            "period": {"start": "2017-03-01", "end": "2018-01-01"},
            "kind": "not-pursued",
            "text": "Ungdomstinget ersätts i år av skolornas elevråd.",
        },
    }
    await produce(notifications.kafka, activities, [let_go])
    async with metrics_service(
        notifications.kafka, notifications.database_url, activities, clock
    ) as metrics_url:
        key = await admin_key(notifications.database_url)
        await eventually(
            lambda: status_of(metrics_url, "ungdomsdialoger-motesplatser", clock.now, key),
            lambda status: status == "not-pursued",
        )
        async with notifications.running(metrics_url=metrics_url, metrics_api_key=key) as (
            client,
            _inbox,
        ):
            digests = await eventually(
                lambda: listed(client, kind="digest"), lambda found: len(found) == 3
            )
            rounds = await series(client, "lofte_notifications_schedule_rounds_total")
            await eventually(
                lambda: series(client, "lofte_notifications_schedule_rounds_total"),
                lambda now: now >= rounds + 2,
            )
            reminders = await listed(client, kind="reminder")

    assert len(digests) == 3
    assert reminders == []  # the Ungdomsting of 23 March would have been reminded of


async def status_of(url: str, commitment: str, at: datetime, key: str) -> str | None:
    async with httpx.AsyncClient(base_url=url, headers=bearer(key), timeout=5) as client:
        try:
            response = await client.get(
                f"/v1/promises/lund-2017/kpis/{commitment}", params={"at": at.isoformat()}
            )
        except httpx.TransportError:
            return None
    return str(response.json()["status"]) if response.status_code == 200 else None
