"""`make up` itself, as a new user runs it (on ports of the test's own, the simulator left
out so that what arrives is what the test sends), with three instances of each service
(`SCALE=3`): it says where to look, every instance answers on its port, Prometheus scrapes
them all, the public page shows the Lund promise, and a notification of the demo is read in
the mail catcher's page and the webhook inbox, with no delivery failing. `make down` stops
all of it."""

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from aiokafka import AIOKafkaProducer

from shared.contracts import topics
from shared.promises import default_promises
from tests.demo_receivers import missed
from tests.kafka_records import send
from tests.polling import eventually
from tests.processes import ROOT, free_ports, port_is_free

SCALE = 3
SERVICES = ("activities", "metrics", "notifications", "public")
PORTS = (
    "LOFTE_KAFKA_PORT",
    "LOFTE_KAFKA_CONTROLLER_PORT",
    "LOFTE_PG_PORT",
    "LOFTE_PROMETHEUS_PORT",
    "LOFTE_ACTIVITIES_PORT",
    "LOFTE_METRICS_PORT",
    "LOFTE_NOTIFICATIONS_PORT",
    "LOFTE_PUBLIC_PORT",
    "LOFTE_MAILDEV_SMTP_PORT",
    "LOFTE_MAILDEV_WEB_PORT",
    "LOFTE_INBOX_PORT",
)


# What the test run itself is configured with (its own Kafka and PostgreSQL, Keycloak) must
# not reach the system `make up` starts; the cache of downloads may.
LEAKS = ("LOFTE_", "KAFKA_", "DATABASE_URL", "TOPIC_NAMESPACE", "CONSUMER_GROUP", "OIDC_")


def leaks_in(name: str) -> bool:
    return name.startswith(LEAKS) and name != "LOFTE_CACHE_DIR"


def make(target: str, env: dict[str, str], timeout: float) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["make", "--no-print-directory", target],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


@pytest.fixture
def made_up(tmp_path: Path) -> Iterator[tuple[dict[str, int], Path, str]]:
    """`make up` on free ports with a run folder of the test's own; `make down` afterwards."""
    ports = dict(zip(PORTS, free_ports(len(PORTS)), strict=True))
    services = [f"LOFTE_{service.upper()}_PORT" for service in SERVICES]
    # Instance i of a service listens on its port + 10 (i - 1): those must be free too.
    while not all(
        port_is_free(ports[service] + 10 * i) and ports[service] + 10 * i not in ports.values()
        for service in services
        for i in range(1, SCALE)
    ):
        ports.update(zip(services, free_ports(len(services)), strict=True))
    run_dir = tmp_path / "run"
    env = {
        **{name: value for name, value in os.environ.items() if not leaks_in(name)},
        **{name: str(port) for name, port in ports.items()},
        "LOFTE_RUN_DIR": str(run_dir),
        "SIMULATOR": "0",
        "SCALE": str(SCALE),
    }
    try:
        up = make("up", env, timeout=600)
        assert up.returncode == 0, up.stdout[-4000:] + up.stderr[-4000:]
        yield ports, run_dir, up.stdout
    finally:
        make("down", env, timeout=300)


async def get(url: str) -> httpx.Response:
    async with httpx.AsyncClient(timeout=10) as client:
        return await client.get(url)


async def json_of(url: str) -> Any:
    return (await get(url)).json()


def to_polisen(mail: dict[str, Any]) -> bool:
    """A mail telling the police that a commitment was missed."""
    recipients = [to["address"] for to in mail["to"]]
    return recipients == ["medborgarlofte.lund@polisen.example.org"] and "missat" in mail["subject"]


@pytest.mark.timeout(900)
async def test_make_up_shows_the_promise_and_its_notifications_can_be_read_in_the_browser(
    made_up: tuple[dict[str, int], Path, str],
) -> None:
    ports, run_dir, said = made_up
    public = f"http://127.0.0.1:{ports['LOFTE_PUBLIC_PORT']}/promises/lund-2017"
    mail_page = f"http://127.0.0.1:{ports['LOFTE_MAILDEV_WEB_PORT']}"
    inbox = f"http://127.0.0.1:{ports['LOFTE_INBOX_PORT']}"

    page = await get(public)
    producer = AIOKafkaProducer(bootstrap_servers=f"127.0.0.1:{ports['LOFTE_KAFKA_PORT']}")
    await producer.start()
    try:
        told = missed("volontarinsatser", "polisen")
        await (await send(producer, told, topics.METRICS.qualified("")))
    finally:
        await producer.stop()
    # The demo's own evaluation of Lund may tell others too; this one must be among them.
    mails = await eventually(
        lambda: json_of(f"{mail_page}/email"), lambda found: any(map(to_polisen, found)), within=120
    )
    posts = await eventually(
        lambda: json_of(f"{inbox}/messages.json"),
        lambda found: any(post["path"] == "/webhooks/polisen" for post in found),
        within=60,
    )

    instances = [
        f"127.0.0.1:{ports[f'LOFTE_{service.upper()}_PORT'] + 10 * i}"
        for service in SERVICES
        for i in range(SCALE)
    ]
    scraped = await eventually(
        lambda: up_targets(ports["LOFTE_PROMETHEUS_PORT"]),
        lambda up: set(instances) <= up,
        within=60,
    )

    assert all(url in said for url in (public, mail_page, inbox)), said
    assert page.status_code == 200
    assert default_promises()[0].title in page.text
    told_polisen = [mail for mail in mails if to_polisen(mail)]
    assert told_polisen
    assert "/webhooks/polisen" in [post["path"] for post in posts]
    for instance in instances:
        assert (await get(f"http://{instance}/health")).status_code == 200, instance
    assert set(instances) <= scraped
    logs = list((run_dir / "logs").glob("notifications*.log"))
    assert len(logs) == SCALE
    assert not any("delivery failed" in log.read_text() for log in logs)


async def up_targets(prometheus_port: int) -> set[str]:
    """The addresses Prometheus last scraped successfully."""
    answer = await json_of(f"http://127.0.0.1:{prometheus_port}/api/v1/targets")
    return {
        target["labels"]["instance"]
        for target in answer["data"]["activeTargets"]
        if target["health"] == "up"
    }
