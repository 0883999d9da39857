"""No secret reaches a log. The three services run as processes at debug level with a known
value in every secret setting: the database password, ACK_SECRET, the SMTP relay's
password, a webhook's signing secret and a credential in its URL. They do a day's work: a
partner reports with its API key (and with a wrong one, and a malformed one, and bad JSON),
the notification reaches the webhook (after a 503) and the relay (after logging in), and its
acknowledge link is used (and a tampered one refused). Then every byte the services wrote
is searched for every secret, as it is, URL-encoded and in base64."""

import base64
import json
import os
import subprocess
import sys
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from shared.access.keys import parse
from tests.databases import owned_by_login_role
from tests.factories import deliverable_completed
from tests.notification_receivers import Inbox, Receiver, smtp_server, webhook_receiver
from tests.notifications_harness import MAIL, routing_file
from tests.polling import eventually
from tests.processes import ROOT, ServiceProcess, all_services, service_env, wait_ready
from tests.secret_scan import leaks

# Made up for this test; each is long and odd enough to be found only where it leaked.
DATABASE_PASSWORD = "pg-pw-4Rk9Tz2Lx7Vq1Nm8Jc"  # noqa: S105
ACK_SECRET = "ack-secret-Hc3Wp8Jd5Ys2Gb7Fn4Kt9Qz6"  # noqa: S105
SMTP_USER, SMTP_PASSWORD = "relay-user", "smtp-pw-Gt5Lc8Vn2Ry7Pk3HdWs"
WEBHOOK_KEY = "webhook-key-Bv2Xr7Mc9Lp4Sd1WqEe"
WEBHOOK_SECRET = "whsec_" + base64.b64encode(WEBHOOK_KEY.encode()).decode()
HOOK_URL_TOKEN = "hook-url-token-Nf6Qs3Zk8Wr1Jx5Aa"  # noqa: S105
UNKNOWN_KEY = "lofte_0123456789abcdef_unknown-key-Tm4Hx8Rc2Vb6Nz1Lq5Wd9Ks3Jf7GpEw"
MALFORMED_KEY = "not-a-lofte-key-Yh4Dm9Qx2Wc7Uo"
FIXED = {
    "database password": DATABASE_PASSWORD,
    "ACK_SECRET": ACK_SECRET,
    "SMTP password": SMTP_PASSWORD,
    "webhook signing secret": WEBHOOK_SECRET,
    "webhook signing key": WEBHOOK_KEY,
    "webhook URL credential": HOOK_URL_TOKEN,
    "unknown API key": UNKNOWN_KEY,
    "malformed API key": MALFORMED_KEY,
}


@pytest.fixture
async def receivers() -> AsyncIterator[tuple[Inbox, int, Receiver]]:
    async with (
        smtp_server(login=(SMTP_USER, SMTP_PASSWORD)) as (inbox, port),
        webhook_receiver(Receiver(answers=[503, 204], secret=WEBHOOK_SECRET)) as receiver,
    ):
        yield inbox, port, receiver


def environment(
    kafka: str, database_url: str, namespace: str, routing: Path, smtp_port: int
) -> dict[str, str]:
    return {
        **service_env(kafka, database_url, namespace),
        "LOG_LEVEL": "DEBUG",
        "ACK_SECRET": ACK_SECRET,
        "ROUTING_FILE": str(routing),
        "SMTP__HOST": "127.0.0.1",
        "SMTP__PORT": str(smtp_port),
        "SMTP__USERNAME": SMTP_USER,
        "SMTP__PASSWORD": SMTP_PASSWORD,
        "DISPATCHER_MAX_INTERVAL_SECONDS": "0.2",
        "SENDER_POLL_SECONDS": "0.2",
        "RETRY_BASE_SECONDS": "0.2",
    }


def issue_key(database_url: str) -> str:
    """`lofte keys create`, as an operator runs it."""
    lofte = [sys.executable, "-c", "from services.cli import run; run()"]
    created = subprocess.run(
        [*lofte, "keys", "create", "--org", "polisen", "--label", "secrets test"],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": database_url},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return created.stdout.strip()


async def report(
    client: httpx.AsyncClient, activities: ServiceProcess, key: str, body: bytes
) -> int:
    answer = await client.post(
        f"{activities.url}/v1/events",
        content=body,
        headers={"content-type": "application/cloudevents+json", "authorization": f"Bearer {key}"},
    )
    return answer.status_code


async def first_payload(receiver: Receiver) -> dict[str, Any] | None:
    """For `eventually`: the first message the webhook accepted."""
    return next(iter(receiver.accepted.values()), None)


# The relay asks for a login over plain SMTP: on loopback, as a relay inside a network may.
@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
async def test_no_secret_reaches_the_logs(
    kafka_bootstrap: str,
    database_url: str,
    namespace: str,
    tmp_path: Path,
    receivers: tuple[Inbox, int, Receiver],
) -> None:
    inbox, smtp_port, receiver = receivers
    hook = f"{receiver.url}?token={HOOK_URL_TOKEN}"
    routing = routing_file(
        tmp_path, hook, group_wait="1s", group_interval="1s", nights="", secret=WEBHOOK_SECRET
    )
    logs = tmp_path / "logs"
    logs.mkdir()
    folder = deliverable_completed("klotter-folder", time=datetime.now(UTC) - timedelta(hours=1))
    async with owned_by_login_role(database_url, DATABASE_PASSWORD) as with_password:
        env = environment(kafka_bootstrap, with_password, namespace, routing, smtp_port)
        with all_services(env, logs) as services:
            for service in services.values():
                await wait_ready(service)
            key = issue_key(with_password)
            activities, notifications = services["activities"], services["notifications"]
            async with httpx.AsyncClient(timeout=10) as client:
                reported = [
                    await report(client, activities, key, json.dumps(folder).encode()),
                    await report(client, activities, UNKNOWN_KEY, json.dumps(folder).encode()),
                    await report(client, activities, MALFORMED_KEY, json.dumps(folder).encode()),
                    await report(client, activities, key, b'{"specversion": "1.0",'),
                ]
                register = await client.get(
                    f"{activities.url}/v1/activities", headers={"authorization": f"Bearer {key}"}
                )
                payload = await eventually(
                    lambda: first_payload(receiver), lambda found: found is not None, within=60
                )
                await eventually(inbox.count, lambda n: n >= 2, within=30)
                assert payload is not None
                token = parse_qs(urlsplit(payload["acknowledge_url"]).query)["token"][0]
                acked = await client.post(f"{notifications.url}/v1/ack", params={"token": token})
                tampered = await client.post(
                    f"{notifications.url}/v1/ack", params={"token": token[:-4] + "AAAA"}
                )
        files = sorted(path for path in logs.rglob("*") if path.is_file())
        found = leaks(
            {**FIXED, "API key": key, "API key secret": key.split("_", 2)[2], "ack token": token},
            files,
        )

    assert parse(UNKNOWN_KEY) is not None  # refused by the key store, not by its shape
    assert reported == [202, 401, 401, 400]
    assert register.status_code == 200
    assert (acked.status_code, tampered.status_code) == (200, 400)
    assert {mail.to[0] for mail in inbox.mails} >= {MAIL["polisen"], MAIL["kommunen"]}
    logged = {path.name: path.read_text(errors="replace") for path in files}
    assert sorted(logged) == ["activities.log", "metrics.log", "notifications.log"]
    for name, text in logged.items():
        # What was searched is what the services said, at debug level, settings included.
        assert f"{name.removesuffix('.log')} starting with" in text, name
        assert ":***@" in text, name
        assert '"level": "debug"' in text, name
    assert "temporary failure (HTTP 503" in logged["notifications.log"]
    assert "delivered by webhook" in logged["notifications.log"]
    assert "delivered by email" in logged["notifications.log"]
    assert found == []
