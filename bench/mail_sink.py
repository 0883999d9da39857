"""Somewhere for the notifications service to deliver to, as a deployment has.

Without it every notification fails and is retried for hours (there is no mail relay on
loopback, and the shipped routing's webhooks are on example.org), and the service spends the
benchmark on an outage. Here every contact point is reached by email only, and an SMTP
server that accepts and discards every message (aiosmtpd's Sink) takes the mail.
"""

import asyncio
import contextlib
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import yaml

from services.notifications.domain import DEFAULT_ROUTING_FILE
from tests.processes import free_port


def email_only_routing(folder: Path) -> Path:
    """The shipped routing with every contact point's webhooks and Teams channels left out."""
    routing = yaml.safe_load(DEFAULT_ROUTING_FILE.read_text(encoding="utf-8"))
    for contact in routing["contact_points"].values():
        contact.pop("webhooks", None)
        contact.pop("teams", None)
    path = folder / "routing.yaml"
    path.write_text(yaml.safe_dump(routing, allow_unicode=True, sort_keys=False), "utf-8")
    return path


@contextlib.contextmanager
def mail_sink(log: Path) -> Iterator[int]:
    """An SMTP server on a free loopback port for the block's lifetime; yields the port."""
    port = free_port()
    with log.open("wb") as sink:
        command = [sys.executable, "-m", "aiosmtpd", "-n", "-c", "aiosmtpd.handlers.Sink"]
        server = subprocess.Popen(  # noqa: S603 - our own interpreter and a dev dependency
            [*command, "-l", f"127.0.0.1:{port}"],
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
    try:
        yield port
    finally:
        server.terminate()
        server.wait(timeout=15)


async def listening(port: int, within: float = 30.0) -> None:
    deadline = asyncio.get_running_loop().time() + within
    while True:
        try:
            _, writer = await asyncio.open_connection("127.0.0.1", port)
        except OSError:
            if asyncio.get_running_loop().time() > deadline:
                raise
            await asyncio.sleep(0.1)
        else:
            writer.close()
            await writer.wait_closed()
            return


def notifications_env(routing: Path, port: int) -> dict[str, str]:
    return {"ROUTING_FILE": str(routing), "SMTP__HOST": "127.0.0.1", "SMTP__PORT": str(port)}
