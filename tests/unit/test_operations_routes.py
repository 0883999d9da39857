"""/metrics, as every service serves it: the registry, then the text a service writes itself."""

import httpx
from fastapi import FastAPI
from prometheus_client import CollectorRegistry, Counter

from shared.observability import Exposition, operations_router


def already(text: bytes) -> Exposition:
    return lambda: text


async def scrape(registry: CollectorRegistry, *written: bytes) -> str:
    app = FastAPI()
    app.include_router(operations_router(registry, {}, [already(text) for text in written]))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://service.test") as client:
        response = await client.get("/metrics")
    assert response.headers["content-type"].startswith("text/plain")
    return response.text


async def test_counters_come_without_created_series() -> None:
    registry = CollectorRegistry()
    Counter("lofte_test_things", "Things.", ["organisation"], registry=registry).labels("polisen")

    text = await scrape(registry)

    assert 'lofte_test_things_total{organisation="polisen"} 0.0' in text
    assert "_created" not in text


async def test_what_a_service_writes_itself_follows_the_registry() -> None:
    registry = CollectorRegistry()
    Counter("lofte_test_things", "Things.", registry=registry)
    written = b"# HELP lofte_kpi A KPI.\n# TYPE lofte_kpi gauge\nlofte_kpi 1.0\n"

    text = await scrape(registry, written)

    assert text.endswith(written.decode())
    assert text.index("lofte_test_things_total") < text.index("lofte_kpi")
