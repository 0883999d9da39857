"""One event through every service, each running as its own process on the real broker and
database: partner → activities (HTTP) → Kafka → metrics (PostgreSQL) → Kafka → notifications.
"""

import asyncio
import json
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from aiokafka import AIOKafkaProducer

from shared.contracts import topics
from tests.e2e.lund_scenario import create_key
from tests.factories import activity_completed, deliverable_completed
from tests.kafka_records import header, read_topic
from tests.keys import staff_key
from tests.polling import eventually
from tests.processes import ServiceProcess, all_services, service_env, wait_ready
from tests.service_http import get_json, post_event


@pytest.fixture
def running(
    kafka_bootstrap: str, database_url: str, namespace: str, tmp_path: Path
) -> Iterator[dict[str, ServiceProcess]]:
    with all_services(service_env(kafka_bootstrap, database_url, namespace), tmp_path) as up:
        yield up


@pytest.fixture
async def ready(running: dict[str, ServiceProcess]) -> dict[str, str]:
    for service in running.values():
        await wait_ready(service)
    return {name: service.url for name, service in running.items()}


@pytest.fixture
async def polisen_key(database_url: str) -> str:
    return await create_key(database_url, "polisen")


@pytest.fixture
async def staff(database_url: str) -> str:
    """Who reads the KPIs and the KPI events: the police's staff."""
    return await staff_key(database_url, "polisen")


async def test_an_event_posted_to_activities_reaches_metrics_and_notifications(
    ready: dict[str, str], polisen_key: str, staff: str
) -> None:
    an_hour_ago = datetime.now(UTC) - timedelta(hours=1)
    folder = deliverable_completed("klotter-folder", time=an_hour_ago)

    response = await post_event(ready["activities"], json.dumps(folder).encode(), polisen_key)

    assert response.status_code == 202
    kpi = await eventually(
        lambda: get_json(f"{ready['metrics']}/v1/promises/lund-2017/kpis/klotter-folder", staff),
        lambda body: body["status"] == "achieved",
    )
    assert datetime.fromisoformat(kpi["completed_at"]) == an_hour_ago
    received = await eventually(
        lambda: get_json(f"{ready['notifications']}/v1/kpi-events?limit=1000", staff),
        lambda events: any(is_folder_achieved(e) for e in events["items"]),
    )
    [announcement] = [e for e in received["items"] if is_folder_achieved(e)]
    assert sorted(announcement["data"]["organisations"]) == ["kommunen", "polisen"]


def is_folder_achieved(event: dict[str, Any]) -> bool:
    return bool(
        event["type"] == "commitment.status-changed"
        and event["subject"] == "klotter-folder"
        and event["data"]["new_status"] == "achieved"
    )


async def test_bad_input_at_the_edges_is_explained_and_the_next_good_event_flows(
    ready: dict[str, str], kafka_bootstrap: str, namespace: str, polisen_key: str, staff: str
) -> None:
    malformed = await post_event(ready["activities"], b'{"specversion": "1.0",', polisen_key)
    unknown = activity_completed("volontarinsatser")
    unknown["type"] = "activity.finished"
    unknown_type = await post_event(ready["activities"], json.dumps(unknown).encode(), polisen_key)
    domain_topic = topics.ACTIVITIES.qualified(namespace)
    producer = AIOKafkaProducer(bootstrap_servers=kafka_bootstrap)
    await producer.start()
    try:
        await producer.send_and_wait(
            domain_topic, b"\x00not json", key=b"volontarinsatser", headers=[("ce_id", b"p1")]
        )
    finally:
        await producer.stop()

    good = activity_completed(
        "volontarinsatser",
        organisations=("polisen",),
        time=datetime.now(UTC) - timedelta(hours=1),
    )
    accepted = await post_event(ready["activities"], json.dumps(good).encode(), polisen_key)

    assert malformed.status_code == 400
    assert "not valid JSON" in malformed.json()["detail"]
    assert unknown_type.status_code == 422
    assert unknown_type.json()["errors"][0]["location"] == "type"
    assert accepted.status_code == 202
    [parked] = await read_topic(
        kafka_bootstrap, topics.dead_letter(topics.ACTIVITIES).qualified(namespace), at_least=1
    )
    assert header(parked, "ce_id") == "p1"
    assert header(parked, "dlq_service") == "metrics"
    assert "not valid" in (header(parked, "dlq_reason") or "")
    kpi = await eventually(
        lambda: get_json(f"{ready['metrics']}/v1/promises/lund-2017/kpis/volontarinsatser", staff),
        lambda body: body["done"] == 1,
    )
    assert kpi["target"] == 5


async def test_every_service_s_metrics_follow_prometheus_conventions(
    ready: dict[str, str],
) -> None:
    """`promtool check metrics` lints names, units and types as Prometheus' own tools do."""
    promtool = shutil.which("promtool")
    assert promtool, "promtool is missing: run `make test`, which installs it"
    for name, url in ready.items():
        async with httpx.AsyncClient(timeout=5) as client:
            exposition = (await client.get(f"{url}/metrics")).text
        assert "lofte_" in exposition, name
        checker = await asyncio.create_subprocess_exec(
            promtool,
            "check",
            "metrics",
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
        )
        output, _ = await asyncio.wait_for(checker.communicate(exposition.encode()), 30)
        assert checker.returncode == 0, f"{name}: {output.decode()}"
