"""EmailChannel against a real SMTP server (aiosmtpd) on loopback."""

import asyncio
import email
import email.policy
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import date
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, Session

from services.notifications.channels import EmailChannel, SmtpSettings, render
from services.notifications.channels.smtp import message_id
from services.notifications.domain.views import NotificationView, commitment_dashboard_path

TO = ["polisen-lund@lofte.example", "samordnare@lofte.example"]
FROM = "Löfte <notiser@lofte.example>"
PASSWORD = "hemligt"  # noqa: S105 - the test server's account


class Inbox:
    """An aiosmtpd handler that keeps what it accepts and refuses what it is told to."""

    def __init__(self, rcpt: dict[str, str] | None = None, data: str | None = None) -> None:
        self.rcpt_replies = rcpt or {}
        self.data_reply = data
        self.received: list[tuple[str, list[str], EmailMessage]] = []

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: Any
    ) -> str:
        if address in self.rcpt_replies:
            return self.rcpt_replies[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        if self.data_reply is not None:
            return self.data_reply
        assert isinstance(envelope.content, bytes)
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        self.received.append((str(envelope.mail_from), list(envelope.rcpt_tos), parsed))
        return "250 Message accepted for delivery"


class LoopbackController(Controller):
    """Listens on a port the OS picks, so concurrent test runs never race for a guessed one."""

    def _trigger_server(self) -> None:
        assert isinstance(self.server, asyncio.Server)
        self.port = self.server.sockets[0].getsockname()[1]
        super()._trigger_server()  # type: ignore[no-untyped-call]  # aiosmtpd leaves it untyped


@asynccontextmanager
async def smtp_server(handler: object, **smtp: Any) -> AsyncIterator[LoopbackController]:
    controller = LoopbackController(
        handler, hostname="127.0.0.1", port=0, server_hostname="localhost", **smtp
    )
    # start() and stop() block while the server's own thread comes up or goes down.
    await asyncio.to_thread(controller.start)
    try:
        yield controller
    finally:
        await asyncio.to_thread(controller.stop)


def settings(port: int, **changes: Any) -> SmtpSettings:
    defaults = {"host": "127.0.0.1", "from_address": FROM, "timeout": 5, "helo_name": "lofte.test"}
    return SmtpSettings(port=port, **{**defaults, **changes})


def message() -> Any:
    notification = NotificationView(
        kind="occurrence.missed",
        organisation="Räddningstjänsten Syd",
        promise="Medborgarlöfte Lund 2017",
        title="Områdeskontroll före påsklovet",
        dashboard_path=commitment_dashboard_path("omradeskontroller"),
        commitment_id="omradeskontroller",
        slot=date(2017, 4, 7),
    )
    return render([notification], language="sv", grafana_url="https://g.example", ack_url=None)


async def test_the_message_arrives_with_both_parts_in_utf8() -> None:
    inbox = Inbox()
    async with smtp_server(inbox) as server:
        result = await EmailChannel(settings(server.port)).send(
            message(), TO, key="n-2017-04-07-omrade", headers={"X-Lofte-Kind": "occurrence.missed"}
        )

    assert result.outcome == "delivered", result
    assert result.refused == {}
    ((sender, recipients, received),) = inbox.received
    assert sender == "notiser@lofte.example"
    assert recipients == TO
    assert (
        received["Subject"]
        == "Löfte: Områdeskontroll före påsklovet – tillfället 7 april 2017 missades"
    )
    assert received["From"] == FROM
    assert received.get_content_type() == "multipart/alternative"
    text, html = (part.get_content() for part in received.iter_parts())
    assert "Tillfället 7 april 2017 för ”Områdeskontroll före påsklovet”" in text
    assert "Räddningstjänsten Syd" in html
    assert '<html lang="sv">' in html
    assert received["Message-ID"] == message_id("n-2017-04-07-omrade", "notiser@lofte.example")
    assert received["Auto-Submitted"] == "auto-generated"
    assert received["X-Lofte-Kind"] == "occurrence.missed"
    assert "List-Unsubscribe" not in received


def test_the_message_id_follows_the_key_and_nothing_else() -> None:
    first = message_id("n-1", "notiser@lofte.example")

    assert first == message_id("n-1", "notiser@lofte.example")
    assert first != message_id("n-2", "notiser@lofte.example")
    assert first.startswith("<")
    assert first.endswith("@lofte.example>")


@pytest.mark.parametrize(
    ("inbox", "outcome", "code"),
    [
        (Inbox(rcpt={a: "451 4.3.0 Try again later" for a in TO}), "temporary", 451),
        (Inbox(rcpt={a: "550 5.1.1 No such mailbox" for a in TO}), "permanent", 550),
        (Inbox(data="451 4.3.0 Queue full"), "temporary", 451),
        (Inbox(data="554 5.6.0 Message refused"), "permanent", 554),
    ],
    ids=["rcpt-451", "rcpt-550", "data-451", "data-554"],
)
async def test_smtp_replies_are_sorted_by_their_class(
    inbox: Inbox, outcome: str, code: int
) -> None:
    async with smtp_server(inbox) as server:
        result = await EmailChannel(settings(server.port)).send(message(), TO, key="n-1")

    assert (result.outcome, result.code) == (outcome, code)
    assert inbox.received == []


async def test_some_recipients_refused_is_still_delivered_to_the_rest() -> None:
    inbox = Inbox(rcpt={TO[1]: "550 5.1.1 No such mailbox"})
    async with smtp_server(inbox) as server:
        result = await EmailChannel(settings(server.port)).send(message(), TO, key="n-1")

    assert result.outcome == "delivered"
    assert result.refused[TO[1]].outcome == "permanent"
    assert inbox.received[0][1] == [TO[0]]


async def test_a_mix_of_refusals_is_worth_another_try() -> None:
    inbox = Inbox(rcpt={TO[0]: "550 5.1.1 No such mailbox", TO[1]: "452 4.2.2 Mailbox full"})
    async with smtp_server(inbox) as server:
        result = await EmailChannel(settings(server.port)).send(message(), TO, key="n-1")

    assert (result.outcome, result.code) == ("temporary", 452)
    assert {a: r.outcome for a, r in result.refused.items()} == {
        TO[0]: "permanent",
        TO[1]: "temporary",
    }


async def test_no_server_listening_is_temporary() -> None:
    # Bound but not listening: connecting is refused, and no one else can take the port.
    with socket.socket() as placeholder:
        placeholder.bind(("127.0.0.1", 0))
        port = placeholder.getsockname()[1]
        result = await EmailChannel(settings(port)).send(message(), TO, key="n-1")

    assert result.outcome == "temporary"


async def test_a_server_that_never_greets_times_out_as_temporary() -> None:
    release = asyncio.Event()

    async def silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await release.wait()
        writer.close()

    server = await asyncio.start_server(silent, "127.0.0.1", 0)
    try:
        port = server.sockets[0].getsockname()[1]
        result = await EmailChannel(settings(port, timeout=0.3)).send(message(), TO, key="n-1")
    finally:
        release.set()
        server.close()
        await server.wait_closed()

    assert result.outcome == "temporary"
    assert "Timeout" in result.detail


async def test_login_with_the_configured_account() -> None:
    def authenticator(
        server: SMTP, session: Session, envelope: Envelope, mechanism: str, auth: Any
    ) -> AuthResult:
        # handled=False: aiosmtpd itself then answers a failure with 535.
        ok = (auth.login, auth.password) == (b"lofte", PASSWORD.encode())
        return AuthResult(success=ok, handled=False)

    inbox = Inbox()
    async with smtp_server(inbox, authenticator=authenticator, auth_require_tls=False) as server:
        right = EmailChannel(settings(server.port, username="lofte", password=PASSWORD))
        delivered = await right.send(message(), TO, key="n-1")
        wrong = EmailChannel(settings(server.port, username="lofte", password=PASSWORD[::-1]))
        refused = await wrong.send(message(), TO, key="n-2")

    assert delivered.outcome == "delivered"
    assert (refused.outcome, refused.code) == ("permanent", 535), refused
    assert len(inbox.received) == 1


def test_headers_the_channel_owns_cannot_be_replaced() -> None:
    channel = EmailChannel(settings(25))

    with pytest.raises(ValueError, match="message-id"):
        channel.compose(message(), TO, key="n-1", headers={"message-id": "<x@y>"})
    with pytest.raises(ValueError, match="recipient"):
        channel.compose(message(), [], key="n-1")


def test_settings_that_contradict_each_other_are_refused() -> None:
    with pytest.raises(ValueError, match="exclude each other"):
        settings(465, starttls=True, use_tls=True)
    with pytest.raises(ValueError, match="go together"):
        settings(587, username="lofte")
    with pytest.raises(ValueError, match="no email address"):
        SmtpSettings(from_address="Löfte")
    assert PASSWORD not in repr(settings(587, username="lofte", password=PASSWORD))
