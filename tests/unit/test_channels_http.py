"""WebhookChannel and TeamsChannel against real HTTP receivers (uvicorn + starlette) on loopback.

The webhook receivers verify every signature with `verify`, as a partner's receiver would.
"""

import asyncio
import json
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

import httpx
import pytest
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from services.notifications.channels import (
    InvalidSignature,
    Message,
    TeamsChannel,
    WebhookChannel,
    render,
    verify,
)
from services.notifications.domain.views import NotificationView, commitment_dashboard_path
from shared.contracts.kpi_events import Status

SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"  # noqa: S105 - these tests' own


@dataclass
class Receiver:
    """Answers POST /hook with the given answers in turn (the last one repeats)."""

    answers: list[tuple[int, dict[str, str]]]
    verifying: bool = True
    url: str = ""
    seen: list[tuple[dict[str, str], bytes]] = field(default_factory=list)

    async def hook(self, request: Request) -> Response:
        body = await request.body()
        if self.verifying:
            try:
                verify(body, request.headers, SECRET)
            except InvalidSignature as error:
                return Response(str(error), status_code=401)
        self.seen.append((dict(request.headers), body))
        status, headers = self.answers[min(len(self.seen), len(self.answers)) - 1]
        return Response(f"answer {len(self.seen)}", status_code=status, headers=headers)


@asynccontextmanager
async def serving(receiver: Receiver) -> AsyncIterator[Receiver]:
    app = Starlette(routes=[Route("/hook", receiver.hook, methods=["POST"])])
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    # Listening before uvicorn starts: requests wait in the backlog, so nothing polls for
    # "started", and the OS-picked port cannot be taken by anyone else meanwhile.
    with socket.create_server(("127.0.0.1", 0)) as listening:
        receiver.url = f"http://127.0.0.1:{listening.getsockname()[1]}/hook"
        task = asyncio.create_task(server.serve(sockets=[listening]))
        try:
            yield receiver
        finally:
            server.should_exit = True
            await task


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(timeout=5) as http:
        yield http


def message() -> Message:
    notification = NotificationView(
        kind="commitment.status-changed",
        organisation="Kommunen",
        promise="Medborgarlöfte Lund 2017",
        title="Ungdomsting i Stadshallen",
        dashboard_path=commitment_dashboard_path("ungdomsting"),
        commitment_id="ungdomsting",
        new_status=Status.AT_RISK,
        slot=date(2017, 3, 23),
    )
    return render([notification], language="sv", grafana_url="https://g.example", ack_url=None)


async def test_a_signed_webhook_is_verified_and_delivered(client: httpx.AsyncClient) -> None:
    sent = message()
    async with serving(Receiver([(204, {})])) as receiver:
        result = await WebhookChannel(client).send(receiver.url, SECRET, sent, "n-42")

    assert result.outcome == "delivered", result
    assert result.code == 204
    ((headers, body),) = receiver.seen
    assert headers["webhook-id"] == "n-42"
    assert headers["content-type"] == "application/json"
    assert json.loads(body) == sent.payload
    assert "Ungdomsting i Stadshallen" in body.decode()


async def test_an_unavailable_receiver_is_retried_with_the_same_id(
    client: httpx.AsyncClient,
) -> None:
    answers = [(503, {"Retry-After": "120"}), (200, {})]
    async with serving(Receiver(answers)) as receiver:
        channel = WebhookChannel(client)
        first = await channel.send(receiver.url, SECRET, message(), "n-43")
        second = await channel.send(receiver.url, SECRET, message(), "n-43")

    assert (first.outcome, first.code, first.retry_after) == (
        "temporary",
        503,
        timedelta(seconds=120),
    )
    assert "answer 1" in first.detail
    assert (second.outcome, second.code) == ("delivered", 200)
    assert [headers["webhook-id"] for headers, _ in receiver.seen] == ["n-43", "n-43"]


@pytest.mark.parametrize(
    ("status", "outcome"),
    [
        (400, "permanent"),
        (404, "permanent"),
        (410, "permanent"),
        (408, "temporary"),
        (429, "temporary"),
        (500, "temporary"),
        (502, "temporary"),
        (307, "permanent"),
    ],
)
async def test_answers_are_sorted_by_status(
    client: httpx.AsyncClient, status: int, outcome: str
) -> None:
    answer = (status, {"Location": "https://elsewhere.example/"} if status == 307 else {})
    async with serving(Receiver([answer])) as receiver:
        result = await WebhookChannel(client).send(receiver.url, SECRET, message(), "n-44")

    assert (result.outcome, result.code) == (outcome, status)
    # A redirect is not followed: only the configured URL gets the signed payload.
    assert len(receiver.seen) == 1


async def test_a_wrong_secret_or_a_stale_clock_is_refused_by_the_receiver(
    client: httpx.AsyncClient,
) -> None:
    long_ago = datetime(2017, 1, 1, tzinfo=UTC)
    async with serving(Receiver([(200, {})])) as receiver:
        wrong = await WebhookChannel(client).send(receiver.url, "whsec_b3RoZXI=", message(), "n")
        stale = await WebhookChannel(client, clock=lambda: long_ago).send(
            receiver.url, SECRET, message(), "n"
        )

    assert (wrong.outcome, wrong.code) == ("permanent", 401)
    assert "no matching v1 signature" in wrong.detail
    assert (stale.outcome, stale.code) == ("permanent", 401)
    assert receiver.seen == []


async def test_no_receiver_listening_is_temporary(client: httpx.AsyncClient) -> None:
    with socket.socket() as placeholder:
        placeholder.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{placeholder.getsockname()[1]}/hook"
        result = await WebhookChannel(client).send(url, SECRET, message(), "n")

    assert result.outcome == "temporary"
    assert "ConnectError" in result.detail


async def test_a_receiver_that_never_answers_times_out_as_temporary() -> None:
    release = asyncio.Event()

    async def silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await release.wait()
        writer.close()

    server = await asyncio.start_server(silent, "127.0.0.1", 0)
    url = f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}/hook"
    try:
        async with httpx.AsyncClient(timeout=0.3) as impatient:
            result = await WebhookChannel(impatient).send(url, SECRET, message(), "n")
    finally:
        release.set()
        server.close()
        await server.wait_closed()

    assert result.outcome == "temporary"
    assert "timed out" in result.detail


async def test_a_url_that_is_not_http_is_permanent(client: httpx.AsyncClient) -> None:
    result = await WebhookChannel(client).send("ftp://127.0.0.1/hook", SECRET, message(), "n")

    assert result.outcome == "permanent"


async def test_the_teams_card_is_posted_as_is(client: httpx.AsyncClient) -> None:
    sent = message()
    answers = [(429, {"Retry-After": "Wed, 21 Oct 2099 07:28:00 GMT"}), (400, {}), (200, {})]
    async with serving(Receiver(answers, verifying=False)) as receiver:
        channel = TeamsChannel(client, clock=lambda: datetime(2099, 10, 21, 7, 27, tzinfo=UTC))
        throttled = await channel.send(receiver.url, sent)
        refused = await channel.send(receiver.url, sent)
        delivered = await channel.send(receiver.url, sent)

    assert (throttled.outcome, throttled.retry_after) == ("temporary", timedelta(minutes=1))
    assert refused.outcome == "permanent"
    assert delivered.outcome == "delivered"
    headers, body = receiver.seen[-1]
    assert headers["content-type"] == "application/json"
    assert json.loads(body) == sent.teams_card
