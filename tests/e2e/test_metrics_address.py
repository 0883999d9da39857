"""`/metrics` on an address of its own: Prometheus on an internal network reaches the metrics
there, while the service's port, which partners and staff reach, no longer offers them."""

import signal
from pathlib import Path

import httpx

from tests.polling import eventually
from tests.processes import free_port, service_env, start, stop, wait_ready


async def test_metrics_served_apart_are_not_served_beside_the_api(
    kafka_bootstrap: str, database_url: str, namespace: str, tmp_path: Path
) -> None:
    metrics_port = free_port()
    env = {
        **service_env(kafka_bootstrap, database_url, namespace),
        "METRICS_LISTEN_HOST": "127.0.0.1",
        "METRICS_LISTEN_PORT": str(metrics_port),
    }
    service = start("activities", env, tmp_path)
    try:
        await wait_ready(service)
        async with httpx.AsyncClient(timeout=10) as client:
            apart = await eventually(
                lambda: client.get(f"http://127.0.0.1:{metrics_port}/metrics"),
                lambda response: response.status_code == 200,
            )
            beside = await client.get(f"{service.url}/metrics")
            api_apart = await client.get(f"http://127.0.0.1:{metrics_port}/v1/promises")
            ready = await client.get(f"{service.url}/ready")
    finally:
        stop([service])

    assert "lofte_outbox_published_records_total" in apart.text
    assert beside.status_code == 404
    assert api_apart.status_code == 404
    assert ready.status_code == 200
    # SIGTERM stopped both servers: it was not left to SIGKILL.
    assert service.process.returncode in (0, -signal.SIGTERM)
