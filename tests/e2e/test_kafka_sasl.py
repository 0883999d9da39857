"""The services on a broker that lets in only those who log in (SASL/SCRAM-SHA-512, over TLS or
not): with the right password all three work end to end; with a wrong one a service stops and
says why; the password never reaches a log."""

import asyncio
import json
import os
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from aiokafka import AIOKafkaProducer
from aiokafka.errors import KafkaConnectionError

from tests.factories import deliverable_completed
from tests.keys import create_key, staff_key
from tests.polling import eventually
from tests.processes import ServiceProcess, all_services, service_env, start, wait_ready
from tests.sasl_broker import SaslBroker, sasl_broker
from tests.service_http import get_json, post_event


@pytest.fixture(scope="module", params=["SASL_PLAINTEXT", "SASL_SSL"])
def sasl(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[SaslBroker]:
    tls = request.param == "SASL_SSL"
    with sasl_broker(tmp_path_factory.mktemp("sasl-kafka"), tls=tls) as broker:
        yield broker


def logs_of(services: dict[str, ServiceProcess]) -> dict[str, str]:
    return {name: service.log.read_text(errors="replace") for name, service in services.items()}


async def test_a_client_that_does_not_log_in_is_turned_away(sasl: SaslBroker) -> None:
    """Without this the other tests would prove nothing: the broker really asks."""
    producer = AIOKafkaProducer(bootstrap_servers=sasl.bootstrap_servers)

    with pytest.raises(KafkaConnectionError):
        await producer.start()
    await producer.stop()


async def test_with_the_right_password_an_event_flows_through_all_three_services(
    sasl: SaslBroker, database_url: str, namespace: str, tmp_path: Path
) -> None:
    env = {**service_env(sasl.bootstrap_servers, database_url, namespace), **sasl.client_env()}
    with all_services(env, tmp_path) as running:
        for service in running.values():
            await wait_ready(service)
        urls = {name: service.url for name, service in running.items()}
        readiness = {name: await get_json(f"{url}/ready") for name, url in urls.items()}
        key = await create_key(database_url, "polisen")
        staff = await staff_key(database_url, "polisen")
        an_hour_ago = datetime.now(UTC) - timedelta(hours=1)
        folder = deliverable_completed("klotter-folder", time=an_hour_ago)

        response = await post_event(urls["activities"], json.dumps(folder).encode(), key)

        assert response.status_code == 202
        await eventually(
            lambda: get_json(f"{urls['metrics']}/v1/promises/lund-2017/kpis/klotter-folder", staff),
            lambda kpi: kpi["status"] == "achieved",
        )
        await eventually(
            lambda: get_json(f"{urls['notifications']}/v1/kpi-events?limit=1000", staff),
            lambda events: any(e["subject"] == "klotter-folder" for e in events["items"]),
        )
    rebuild = await run_rebuild(env)
    for name, checks in readiness.items():
        assert checks["checks"]["kafka"] == "ok", name
    for name, log in logs_of(running).items():
        assert sasl.password not in log, f"{name} logged the Kafka password"
    # The operator's command reads the topic with a client of its own, logged in the same way.
    assert "the rebuilt state equals the live one" in rebuild
    assert sasl.password not in rebuild


async def test_with_a_wrong_password_the_service_stops_and_says_why(
    sasl: SaslBroker, database_url: str, namespace: str, tmp_path: Path
) -> None:
    wrong = "not-" + sasl.password
    env = {**service_env(sasl.bootstrap_servers, database_url, namespace)}
    env.update(sasl.client_env(password=wrong))

    activities = start("activities", env, tmp_path)
    try:
        exit_code = await eventually(
            lambda: _poll(activities), lambda code: code is not None, within=60
        )
    finally:
        if activities.process.poll() is None:
            activities.kill()
    log = activities.log.read_text(errors="replace")
    errors = [
        entry["message"]
        for entry in map(json.loads, log.splitlines())
        if entry["level"] == "error" and entry["logger"] == "shared.runtime"
    ]

    assert exit_code != 0
    assert errors == [
        f"Kafka at {sasl.bootstrap_servers} refused this service's login as "
        f"'{sasl.username}' with SCRAM-SHA-512 over {sasl.protocol}: [Error 58] "
        "SaslAuthenticationFailed: Authentication failed during authentication due to invalid "
        "credentials with SASL mechanism SCRAM-SHA-512; check the KAFKA_SECURITY_PROTOCOL, "
        "KAFKA_SASL_* and KAFKA_SSL_* settings"
    ]
    assert wrong not in log
    assert sasl.password not in log


async def run_rebuild(env: dict[str, str]) -> str:
    command = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "services.metrics.cli",
        "metrics",
        "rebuild",
        env={**os.environ, **env},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    output, _ = await command.communicate()
    return output.decode(errors="replace")


async def _poll(service: ServiceProcess) -> int | None:
    return service.process.poll()
