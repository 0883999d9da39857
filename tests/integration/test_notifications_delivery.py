"""Delivery you can trust: a receiver that is briefly down gets the message later, one that
refuses it is not pestered, an SMTP server that is not there is given up on, and a service
stopped mid-send sends again under the same id, so the receiver keeps the message once."""

import socket
from collections.abc import AsyncIterator, Generator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import httpx

from services.notifications.settings import NotificationsSettings
from shared.contracts.kpi_events import Status
from tests.notification_receivers import Receiver, webhook_receiver
from tests.notifications_harness import (
    Clock,
    Harness,
    every,
    listed,
    notifications_service,
    series,
    status_changed,
)
from tests.polling import eventually


async def deliveries(client: httpx.AsyncClient) -> list[dict[str, Any]]:
    return await every(client, "/v1/deliveries")


def retrying(rows: list[dict[str, Any]]) -> bool:
    return bool(rows) and rows[0]["status"] == "retrying"


def finished(rows: list[dict[str, Any]]) -> bool:
    return bool(rows) and all(row["status"] in ("delivered", "failed") for row in rows)


@dataclass
class Desk:
    clock: Clock
    client: httpx.AsyncClient
    config: NotificationsSettings


@asynccontextmanager
async def warning_due(notifications: Harness, receiver: Receiver) -> AsyncIterator[Desk]:
    """Polisen, whose only channel is `receiver`'s webhook, with an at-risk warning from
    10:00 whose group wait has just run out."""
    clock = notifications.clock
    await notifications.produce([status_changed("volontarinsatser", Status.AT_RISK, clock.now)])
    routing = notifications.routing(receiver.url, email=False)
    async with notifications.running(routing) as (client, _inbox):
        assert notifications.config is not None
        await eventually(lambda: listed(client), lambda found: len(found) == 1)
        clock.advance(seconds=10)
        yield Desk(clock, client, notifications.config)


WEBHOOK_POLISEN = {"channel": "webhook", "organisation": "polisen"}


async def test_a_503_is_tried_again_and_then_delivered_once(notifications: Harness) -> None:
    async with (
        webhook_receiver(Receiver(answers=[503, 204])) as receiver,
        warning_due(notifications, receiver) as desk,
    ):
        client = desk.client
        await eventually(receiver.seen, lambda ids: len(ids) == 1)
        [waiting] = await eventually(lambda: deliveries(client), retrying)
        desk.clock.advance(minutes=1)  # past any first backoff (5 s at most)
        [row] = await eventually(lambda: deliveries(client), finished)
        retried = await series(client, "lofte_notifications_retried_total", **WEBHOOK_POLISEN)
        sent = await series(client, "lofte_notifications_sent_total", **WEBHOOK_POLISEN)
        latency = await series(
            client, "lofte_notifications_delivery_latency_seconds_count", channel="webhook"
        )
        [notification] = await listed(client)

    assert waiting["code"] == 503
    assert (row["status"], row["attempts"], row["code"]) == ("delivered", 2, 204)
    assert receiver.requests == [receiver.requests[0]] * 2  # the same webhook-id both times
    [payload] = receiver.accepted.values()
    assert payload["notifications"][0]["commitment_id"] == "volontarinsatser"
    assert notification["state"] == "sent"
    assert (retried, sent, latency) == (1.0, 1.0, 1.0)


async def test_a_400_is_not_tried_again(notifications: Harness) -> None:
    async with (
        webhook_receiver(Receiver(answers=[400])) as receiver,
        warning_due(notifications, receiver) as desk,
    ):
        client = desk.client
        [row] = await eventually(lambda: deliveries(client), finished)
        desk.clock.advance(minutes=30)  # no retry, however long one waits
        [notification] = await eventually(
            lambda: listed(client), lambda found: found[0]["state"] == "failed"
        )
        failed = await series(client, "lofte_notifications_failed_total", **WEBHOOK_POLISEN)
        retried = await series(client, "lofte_notifications_retried_total", **WEBHOOK_POLISEN)

    assert (row["status"], row["attempts"], row["code"]) == ("failed", 1, 400)
    assert len(receiver.requests) == 1
    assert notification["state_reason"].startswith("HTTP 400")
    assert (failed, retried) == (1.0, 0.0)


def closed_port() -> Generator[int, None, None]:
    """A loopback port nothing listens on while the generator is alive."""
    with socket.socket() as bound:
        bound.bind(("127.0.0.1", 0))
        yield bound.getsockname()[1]


async def test_without_an_smtp_server_mail_is_retried_then_given_up(notifications: Harness) -> None:
    clock = notifications.clock
    await notifications.produce(
        [status_changed("volontarinsatser", Status.ACHIEVED, clock.now)],  # told once, not repeated
    )
    ports = closed_port()
    async with notifications_service(notifications.settings(next(ports)), clock) as client:
        await eventually(lambda: listed(client), lambda found: len(found) == 1)
        clock.advance(seconds=10)
        await eventually(lambda: deliveries(client), retrying)
        ready = await client.get("/ready")
        clock.advance(hours=7)  # past the give-up time (6 h)
        [row] = await eventually(lambda: deliveries(client), finished)
        failed = await series(
            client, "lofte_notifications_failed_total", channel="email", organisation="polisen"
        )
    ports.close()

    assert ready.status_code == 200  # the service runs on without its relay
    assert (row["status"], row["attempts"]) == ("failed", 2)
    assert "ConnectionRefused" in row["detail"] or "connect" in row["detail"].lower()
    assert failed == 1.0


async def test_a_service_stopped_mid_send_sends_again_under_the_same_id(
    notifications: Harness,
) -> None:
    async with webhook_receiver(Receiver(hold_first=True)) as receiver:
        async with warning_due(notifications, receiver) as desk:
            await eventually(receiver.seen, lambda ids: len(ids) == 1)
            [cut_off] = await deliveries(desk.client)
        # Stopped while the receiver had the message but had not answered.

        async with notifications_service(desk.config, desk.clock) as client:
            [row] = await eventually(lambda: deliveries(client), finished)
            [notification] = await listed(client)

    assert cut_off["status"] == "sending"
    assert (row["id"], row["status"], row["attempts"]) == (cut_off["id"], "delivered", 2)
    assert receiver.requests == [receiver.requests[0]] * 2
    assert len(receiver.accepted) == 1  # the receiver keeps it once
    assert notification["state"] == "sent"
