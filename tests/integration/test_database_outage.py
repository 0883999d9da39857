"""While PostgreSQL cannot be reached, the services say so instead of failing: whatever needs
the database answers 503 with Retry-After (a problem document, like every other error),
`/ready` says not ready, and nothing is accepted that could not be stored. Once the database
is back they work again by themselves. The database is cut off through a proxy, so the real
server goes on serving the other tests."""

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
import httpx
import pytest
from pydantic import PostgresDsn

from services.activities.main import create_app as create_activities
from services.activities.settings import ActivitiesSettings
from services.metrics.main import create_app as create_metrics
from services.metrics.settings import MetricsSettings
from services.notifications.domain.ack_links import AckLinks, AckTarget
from tests.asgi import serving
from tests.factories import activity_completed
from tests.keys import admin_key, bearer, create_key
from tests.notifications_harness import Harness, notifications_service
from tests.polling import eventually
from tests.tcp_proxy import TcpProxy, proxy_to, through

BATCH = "application/cloudevents-batch+json"
# Whatever answers: an SMTP server is never asked in these tests.
NO_SMTP = 2525


@pytest.fixture
async def proxy(database_url: str) -> AsyncIterator[TcpProxy]:
    async with proxy_to(database_url) as opened:
        yield opened


def assert_unavailable(response: httpx.Response) -> None:
    """What a caller sees while the database is away: try again later, and when."""
    assert response.status_code == 503, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert int(response.headers["retry-after"]) > 0
    problem = response.json()
    assert problem["status"] == 503
    assert "database" in problem["detail"]


async def not_ready(client: httpx.AsyncClient) -> dict[str, Any]:
    response = await client.get("/ready")
    assert response.status_code == 503, response.text
    checks: dict[str, Any] = response.json()["checks"]
    return checks


async def ready(client: httpx.AsyncClient) -> int:
    return (await client.get("/ready")).status_code


async def registered(database_url: str) -> list[str]:
    connection = await asyncpg.connect(database_url)
    try:
        rows = await connection.fetch("SELECT id FROM activities.register ORDER BY id")
    finally:
        await connection.close()
    return [row["id"] for row in rows]


@dataclass
class Partner:
    """The police's system, reporting through the activities service: one event before the
    trouble (accepted), one to send during it."""

    client: httpx.AsyncClient
    headers: dict[str, str]
    before: list[dict[str, Any]]
    during: list[dict[str, Any]]
    accepted: httpx.Response

    async def send_during(self) -> httpx.Response:
        return await self.client.post("/v1/events", json=self.during, headers=self.headers)


@asynccontextmanager
async def reporting_through(
    proxy: TcpProxy, kafka_bootstrap: str, database_url: str, namespace: str
) -> AsyncIterator[Partner]:
    """The activities service, its database reached through `proxy`, and a partner of it."""
    config = ActivitiesSettings(
        kafka_bootstrap_servers=kafka_bootstrap,
        database_url=PostgresDsn(through(database_url, proxy)),
        topic_namespace=namespace,
        consumer_group=f"{namespace}activities",
    )
    async with serving(create_activities(config)) as client:
        key = await create_key(database_url, "polisen")
        headers = {"content-type": BATCH, "authorization": f"Bearer {key}"}
        before, during = ([activity_completed(organisations=("polisen",))] for _ in range(2))
        accepted = await client.post("/v1/events", json=before, headers=headers)
        yield Partner(client, headers, before, during, accepted)


async def test_ingest_answers_503_while_the_database_is_away_and_accepts_again_after(
    kafka_bootstrap: str, database_url: str, namespace: str, proxy: TcpProxy
) -> None:
    async with reporting_through(proxy, kafka_bootstrap, database_url, namespace) as partner:
        await proxy.cut()
        refused = await partner.send_during()
        listing = await partner.client.get(
            "/v1/activities", headers={"authorization": partner.headers["authorization"]}
        )
        checks = await not_ready(partner.client)
        stored_meanwhile = await registered(database_url)

        await proxy.open()
        retried = await eventually(
            partner.send_during, lambda response: response.status_code != 503
        )
        await eventually(lambda: ready(partner.client), lambda status: status == 200)

    assert partner.accepted.status_code == 202
    assert_unavailable(refused)
    assert_unavailable(listing)
    assert checks["postgres"].startswith("unavailable")
    assert stored_meanwhile == [partner.before[0]["id"]]
    assert retried.status_code == 202
    assert await registered(database_url) == sorted(
        [partner.before[0]["id"], partner.during[0]["id"]]
    )


async def outbox_size(database_url: str) -> int:
    connection = await asyncpg.connect(database_url)
    try:
        size: int = await connection.fetchval("SELECT count(*) FROM activities.outbox")
    finally:
        await connection.close()
    return size


async def end_backends(database_url: str, application: str) -> int:
    """Have PostgreSQL end the connections of `application` to this test's database, as a
    restart does: each is told so ("terminating connection") and then closed."""
    connection = await asyncpg.connect(database_url)
    try:
        ended: int = await connection.fetchval(
            "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) FROM pg_stat_activity"
            " WHERE datname = current_database() AND application_name = $1",
            application,
        )
    finally:
        await connection.close()
    return ended


async def test_a_connection_the_database_ended_is_answered_503_not_500(
    kafka_bootstrap: str, database_url: str, namespace: str, proxy: TcpProxy
) -> None:
    """A pooled connection that has read the server's goodbye but not yet seen the socket
    close (a restart's window) is unusable: asyncpg refuses to use it with an error of its
    own. The partner must be told to try again, and nothing of the request be kept."""
    async with reporting_through(proxy, kafka_bootstrap, database_url, namespace) as partner:
        # The relay idle again, so that no connection but the ended ones is in the pool.
        await eventually(lambda: outbox_size(database_url), lambda n: n == 0)

        async with proxy.holding_closes():
            ended = await end_backends(database_url, "lofte-activities")
            await eventually(lambda: asyncio.sleep(0, len(proxy.held)), lambda n: n >= ended)
            refused = await partner.send_during()
            stored_meanwhile = await registered(database_url)
        retried = await eventually(
            partner.send_during, lambda response: response.status_code != 503
        )

    assert partner.accepted.status_code == 202
    assert ended > 0
    assert_unavailable(refused)
    assert stored_meanwhile == [partner.before[0]["id"]]
    assert retried.status_code == 202
    assert await registered(database_url) == sorted(
        [partner.before[0]["id"], partner.during[0]["id"]]
    )


async def test_every_notifications_endpoint_that_needs_the_database_answers_503_meanwhile(
    notifications: Harness, proxy: TcpProxy
) -> None:
    config = notifications.settings(
        NO_SMTP, database_url=through(notifications.database_url, proxy)
    )
    clock = notifications.clock
    links = AckLinks(config.ack_secret.get_secret_value().encode(), config.public_url)
    link = links.token(AckTarget("notification", "e1/polisen"), clock.now + timedelta(days=1))
    silence = {
        "matchers": ['organisation="polisen"'],
        "starts_at": clock.now.isoformat(),
        "ends_at": (clock.now + timedelta(hours=1)).isoformat(),
        "created_by": "drift",
        "comment": "underhåll",
    }
    async with notifications_service(config, clock) as client:
        await proxy.cut()
        answers = {
            "list notifications": await client.get("/v1/notifications"),
            "one notification": await client.get("/v1/notifications/e1/polisen"),
            "acknowledge": await client.post(
                "/v1/notifications/e1/polisen/ack", json={"by": "polisen"}
            ),
            "acknowledge by link": await client.post("/v1/ack", params={"token": link}),
            "deliveries": await client.get("/v1/deliveries"),
            "kpi events": await client.get("/v1/kpi-events"),
            "list silences": await client.get("/v1/silences"),
            "create silence": await client.post("/v1/silences", json=silence),
            "one silence": await client.get("/v1/silences/s1"),
            "expire silence": await client.delete("/v1/silences/s1"),
        }
        checks = await not_ready(client)
        await proxy.open()
        back = await eventually(
            lambda: client.get("/v1/notifications"),
            lambda response: response.status_code != 503,
        )

    for name, answer in answers.items():
        assert answer.status_code == 503, name
        assert_unavailable(answer)
    assert checks["postgres"].startswith("unavailable")
    assert (back.status_code, back.json()) == (200, {"items": [], "next": None})


async def test_kpis_stay_readable_from_memory_while_metrics_is_not_ready(
    kafka_bootstrap: str, database_url: str, namespace: str, proxy: TcpProxy
) -> None:
    config = MetricsSettings(
        kafka_bootstrap_servers=kafka_bootstrap,
        database_url=PostgresDsn(through(database_url, proxy)),
        topic_namespace=namespace,
        consumer_group=f"{namespace}metrics",
    )
    at = datetime(2017, 6, 1, tzinfo=UTC).isoformat()
    key = await admin_key(database_url)
    async with serving(create_metrics(config), bearer(key)) as client:
        await eventually(lambda: ready(client), lambda status: status == 200)
        # The key is checked against the database once; while it is away, what the service
        # found out about the key lately lets the caller in (shared/access/known_keys.py).
        before = await client.get("/v1/promises/lund-2017/kpis/sno-mote", params={"at": at})
        await proxy.cut()
        checks = await not_ready(client)
        kpi = await client.get("/v1/promises/lund-2017/kpis/sno-mote", params={"at": at})
        await proxy.open()
        await eventually(lambda: ready(client), lambda status: status == 200)

    assert checks["postgres"].startswith("unavailable")
    assert before.status_code == 200
    assert kpi.status_code == 200
    assert kpi.json()["done"] == 0
