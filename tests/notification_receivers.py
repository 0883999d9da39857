"""What the notifications service talks to in tests: a real SMTP server (aiosmtpd) and real
webhook receivers (uvicorn) that verify every Standard Webhooks signature, on loopback."""

import asyncio
import email
import email.policy
import json
import socket
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any

import uvicorn
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from services.notifications.channels import InvalidSignature, verify

SECRET = "whsec_dGVzdHMtb3duLXdlYmhvb2stc2VjcmV0LTMyYnl0ZXM="  # noqa: S105 - the tests' own


@dataclass(frozen=True)
class Mail:
    to: list[str]
    message: EmailMessage

    @property
    def subject(self) -> str:
        return str(self.message["Subject"])

    @property
    def text(self) -> str:
        text, _html = self.message.iter_parts()
        return str(text.get_content())


class Inbox:
    """An aiosmtpd handler that keeps every mail it accepts."""

    def __init__(self) -> None:
        self.mails: list[Mail] = []

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        assert isinstance(envelope.content, bytes)
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        self.mails.append(Mail(list(envelope.rcpt_tos), parsed))
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[Mail]:
        return [mail for mail in self.mails if address in mail.to]

    async def count(self, address: str | None = None) -> int:
        """For `eventually`: how many mails have arrived (for `address`)."""
        return len(self.mails if address is None else self.to(address))


class _Loopback(Controller):
    def _trigger_server(self) -> None:
        assert isinstance(self.server, asyncio.Server)
        self.port = self.server.sockets[0].getsockname()[1]
        super()._trigger_server()  # type: ignore[no-untyped-call]  # aiosmtpd leaves it untyped


@dataclass(frozen=True)
class _Login:
    """A relay's login check: only `user` with `password` may send."""

    user: str
    password: str

    def __call__(
        self, server: SMTP, session: Session, envelope: Envelope, mechanism: str, data: Any
    ) -> AuthResult:
        given = data if isinstance(data, LoginPassword) else LoginPassword(b"", b"")
        known = (given.login, given.password) == (self.user.encode(), self.password.encode())
        return AuthResult(success=known, handled=False)


@asynccontextmanager
async def smtp_server(login: tuple[str, str] | None = None) -> AsyncIterator[tuple[Inbox, int]]:
    """With `login` (user, password), a relay that takes mail only after that AUTH (over
    plain text: loopback only)."""
    inbox = Inbox()
    auth: dict[str, Any] = {}
    if login is not None:
        auth = {"authenticator": _Login(*login), "auth_required": True, "auth_require_tls": False}
    controller = _Loopback(inbox, hostname="127.0.0.1", port=0, server_hostname="localhost", **auth)
    await asyncio.to_thread(controller.start)
    try:
        yield inbox, controller.port
    finally:
        await asyncio.to_thread(controller.stop)


@dataclass
class Receiver:
    """A partner's webhook endpoint: verifies the signature with `secret` (401 otherwise),
    answers with `answers` in turn (the last repeats), and keeps what it accepted once per
    webhook-id, as a receiver that deduplicates by the id does. With `hold_first`, the answer
    to the first request (accepted already) waits for `release`: as if it were lost on the
    way back. Each answer takes `delay` seconds: a slow receiver keeps deliveries in flight.
    `arrived` says when (time.perf_counter()) each accepted one came, for benchmarks."""

    answers: list[int] = field(default_factory=lambda: [204])
    hold_first: bool = False
    delay: float = 0.0
    secret: str = SECRET
    url: str = ""
    requests: list[str] = field(default_factory=list)
    accepted: dict[str, dict[str, Any]] = field(default_factory=dict)
    arrived: dict[str, float] = field(default_factory=dict)
    release: asyncio.Event = field(default_factory=asyncio.Event)

    async def hook(self, request: Request) -> Response:
        body = await request.body()
        came = time.perf_counter()
        try:
            verify(body, request.headers, self.secret)
        except InvalidSignature as error:
            return Response(str(error), status_code=401)
        webhook_id = request.headers["webhook-id"]
        self.requests.append(webhook_id)
        if webhook_id in self.accepted:
            return Response("already have it", status_code=200)
        status = self.answers[min(len(self.requests), len(self.answers)) - 1]
        if 200 <= status < 300:
            self.accepted[webhook_id] = json.loads(body)
            self.arrived[webhook_id] = came
        if self.hold_first and len(self.requests) == 1:
            await self.release.wait()
        await asyncio.sleep(self.delay)
        # 204 and 304 carry no body; any other answer says which it was.
        body_text = "" if status in (204, 304) else f"answer {len(self.requests)}"
        return Response(body_text, status_code=status)

    async def seen(self) -> list[str]:
        """For `eventually`: the webhook-id of every request so far."""
        return list(self.requests)


@asynccontextmanager
async def webhook_receiver(receiver: Receiver) -> AsyncIterator[Receiver]:
    app = Starlette(routes=[Route("/hook", receiver.hook, methods=["POST"])])
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    with socket.create_server(("127.0.0.1", 0)) as listening:
        receiver.url = f"http://127.0.0.1:{listening.getsockname()[1]}/hook"
        task = asyncio.create_task(server.serve(sockets=[listening]))
        try:
            yield receiver
        finally:
            receiver.release.set()
            server.should_exit = True
            await task
