"""While PostgreSQL cannot be reached, the services say so instead of failing: whatever needs
the database answers 503 with Retry-After (a problem document, like every other error),
`/ready` says not ready, and nothing is accepted that could not be stored. Once the database
is back they work again by themselves. The database is cut off through a proxy, so the real
server goes on serving the other tests."""

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest
from pydantic import PostgresDsn

from services.activities.main import create_app as create_activities
from services.activities.settings import ActivitiesSettings
from services.metrics.main import create_app as create_metrics
from services.metrics.settings import MetricsSettings
from services.notifications.ack_links import AckLinks, AckTarget
from tests.asgi import serving
from tests.factories import activity_completed
from tests.keys import admin_key, bearer, create_key
from tests.notifications_harness import (
    Clock,
    local,
    notifications_service,
    routing_file,
    settings,
)
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


async def test_ingest_answers_503_while_the_database_is_away_and_accepts_again_after(
    kafka_bootstrap: str, database_url: str, namespace: str, proxy: TcpProxy
) -> None:
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

        await proxy.cut()
        refused = await client.post("/v1/events", json=during, headers=headers)
        listing = await client.get("/v1/activities", headers={"authorization": f"Bearer {key}"})
        checks = await not_ready(client)
        stored_meanwhile = await registered(database_url)

        await proxy.open()
        retried = await eventually(
            lambda: client.post("/v1/events", json=during, headers=headers),
            lambda response: response.status_code != 503,
        )
        await eventually(lambda: ready(client), lambda status: status == 200)

    assert accepted.status_code == 202
    assert_unavailable(refused)
    assert_unavailable(listing)
    assert checks["postgres"].startswith("unavailable")
    assert stored_meanwhile == [before[0]["id"]]
    assert retried.status_code == 202
    assert await registered(database_url) == sorted([before[0]["id"], during[0]["id"]])


async def test_every_notifications_endpoint_that_needs_the_database_answers_503_meanwhile(
    kafka_bootstrap: str, database_url: str, namespace: str, proxy: TcpProxy, tmp_path: Path
) -> None:
    config = settings(
        kafka_bootstrap,
        through(database_url, proxy),
        namespace,
        routing_file(tmp_path),
        NO_SMTP,
    )
    clock = Clock(local(2017, 5, 16, 10, 0))
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
    assert (back.status_code, back.json()) == (200, [])


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
