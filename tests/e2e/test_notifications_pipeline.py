"""The notifications service as a process, on the wall clock: a partner's report reaches the
responsible organisations' inboxes and webhook, and a service killed mid-send (SIGKILL)
sends again after its restart under the same id, so the receiver keeps the message once."""

import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest

from shared.contracts.kpi_events import Status
from tests.factories import deliverable_completed
from tests.keys import admin_key, create_key
from tests.notification_receivers import Inbox, Receiver, smtp_server, webhook_receiver
from tests.notifications_harness import MAIL, produce, routing_file, status_changed
from tests.polling import eventually
from tests.processes import SERVICES, service_env, start, stopped_on_exit, wait_ready
from tests.service_http import get_json

FOLDER = "Informera privata aktörer om att ta bort klotter"


@pytest.fixture
async def receivers() -> AsyncIterator[tuple[Inbox, int, Receiver]]:
    async with (
        smtp_server() as (inbox, port),
        webhook_receiver(Receiver(hold_first=True)) as receiver,
    ):
        yield inbox, port, receiver


def environment(
    kafka: str, database_url: str, namespace: str, routing: Path, smtp_port: int
) -> dict[str, str]:
    return {
        **service_env(kafka, database_url, namespace),
        "ROUTING_FILE": str(routing),
        "SMTP__HOST": "127.0.0.1",
        "SMTP__PORT": str(smtp_port),
        "DISPATCHER_MAX_INTERVAL_SECONDS": "0.2",
        "SENDER_POLL_SECONDS": "0.2",
    }


async def test_a_partner_report_reaches_the_inboxes_of_those_responsible(
    kafka_bootstrap: str,
    database_url: str,
    namespace: str,
    tmp_path: Path,
    receivers: tuple[Inbox, int, Receiver],
) -> None:
    inbox, smtp_port, receiver = receivers
    receiver.hold_first = False
    routing = routing_file(tmp_path, receiver.url, group_wait="1s", group_interval="1s", nights="")
    env = environment(kafka_bootstrap, database_url, namespace, routing, smtp_port)
    services = [start(name, env, tmp_path) for name in SERVICES]
    with stopped_on_exit(services):
        for service in services:
            await wait_ready(service)
        url = {service.name: service.url for service in services}
        polisen_key = await create_key(database_url, "polisen")  # the schema exists now
        folder = deliverable_completed(
            "klotter-folder", time=datetime.now(UTC) - timedelta(hours=1)
        )
        async with httpx.AsyncClient(timeout=5) as client:
            posted = await client.post(
                f"{url['activities']}/v1/events",
                content=json.dumps(folder).encode(),
                headers={
                    "content-type": "application/cloudevents+json",
                    "authorization": f"Bearer {polisen_key}",
                },
            )
        assert posted.status_code == 202, posted.text

        def told(address: str) -> list[str]:
            """The lines of `address`'s mails that tell the folder is done."""
            return [
                line
                for mail in inbox.to(address)
                for line in mail.text.splitlines()
                if FOLDER in line and "uppnått" in line
            ]

        def hooked() -> list[dict[str, Any]]:
            """What polisen's webhook received about the folder being done."""
            return [
                n
                for payload in receiver.accepted.values()
                for n in payload["notifications"]
                if n["commitment_id"] == "klotter-folder" and n["new_status"] == "achieved"
            ]

        async def all_told() -> bool:
            return bool(told(MAIL["polisen"]) and told(MAIL["kommunen"]) and hooked())

        await eventually(all_told, lambda done: done, within=60)
        achieved = await get_json(
            f"{url['notifications']}/v1/notifications?commitment=klotter-folder&limit=10",
            await admin_key(database_url),
        )

    assert {n["organisation"] for n in achieved["items"]} == {"polisen", "kommunen"}
    assert {n["state"] for n in achieved["items"]} <= {"sent", "pending"}


async def delivery_rows(database_url: str) -> list[dict[str, Any]]:
    connection = await asyncpg.connect(database_url)
    try:
        rows = await connection.fetch(
            "SELECT id, status, attempts FROM notifications.deliveries WHERE channel = 'webhook'"
        )
    finally:
        await connection.close()
    return [dict(row) for row in rows]


async def test_a_service_killed_mid_send_sends_again_under_the_same_id(
    kafka_bootstrap: str,
    database_url: str,
    namespace: str,
    tmp_path: Path,
    receivers: tuple[Inbox, int, Receiver],
) -> None:
    _inbox, smtp_port, receiver = receivers
    routing = routing_file(tmp_path, receiver.url, email=False, group_wait="1s", nights="")
    env = environment(kafka_bootstrap, database_url, namespace, routing, smtp_port)
    await produce(
        kafka_bootstrap,
        namespace,
        [status_changed("volontarinsatser", Status.AT_RISK, datetime.now(UTC))],
    )
    for run in ("first", "second"):
        (tmp_path / run).mkdir()
    first = start("notifications", env, tmp_path / "first")
    with stopped_on_exit([first]):
        await wait_ready(first)
        await eventually(receiver.seen, lambda ids: len(ids) == 1, within=60)
        first.kill()  # the receiver has the message; its answer never arrives
    [cut_off] = await delivery_rows(database_url)

    second = start("notifications", env, tmp_path / "second")
    with stopped_on_exit([second]):
        await wait_ready(second)
        [row] = await eventually(
            lambda: delivery_rows(database_url), lambda rows: rows[0]["status"] == "delivered"
        )

    assert cut_off["status"] == "sending"
    assert (row["id"], row["attempts"]) == (cut_off["id"], 2)
    assert receiver.requests == [f"msg_{row['id'].hex}"] * 2
    assert len(receiver.accepted) == 1
