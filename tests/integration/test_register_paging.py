"""The register read page by page: every event once, in order, while new ones arrive, with
the same filters on every page, `next` in the body and in a `Link` header."""

import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from importlib.resources import files
from pathlib import Path
from typing import Any

import httpx
import pytest

from shared.http.paging import encode_cursor
from tests.activities_service import activities_client
from tests.factories import activity_completed
from tests.keys import bearer, create_key

BATCH = {"content-type": "application/cloudevents-batch+json"}
START = datetime(2017, 3, 6, 9, tzinfo=UTC)


async def app_client(
    kafka_bootstrap: str, database_url: str, namespace: str, **more: Any
) -> AsyncIterator[httpx.AsyncClient]:
    async with activities_client(kafka_bootstrap, database_url, namespace, **more) as client:
        yield client


@pytest.fixture
async def client(
    kafka_bootstrap: str, database_url: str, namespace: str
) -> AsyncIterator[httpx.AsyncClient]:
    async for client in app_client(kafka_bootstrap, database_url, namespace):
        yield client


def meeting(hours: float) -> dict[str, Any]:
    return activity_completed("sno-mote", time=START + timedelta(hours=hours))


async def send(client: httpx.AsyncClient, key: str, events: list[dict[str, Any]]) -> None:
    response = await client.post(
        "/v1/events", content=json.dumps(events), headers={**BATCH, **bearer(key)}
    )
    assert response.status_code == 202, response.text


async def test_every_event_once_in_order_while_new_ones_arrive(
    client: httpx.AsyncClient, database_url: str
) -> None:
    key = await create_key(database_url, "polisen")
    first = [meeting(hours) for hours in range(0, 500, 2)]  # 250, two hours apart
    walks = activity_completed("volontarinsatser", organisations=("polisen",))
    await send(client, key, [*first, walks])
    seen: list[dict[str, Any]] = []

    response = await client.get(
        "/v1/activities", params={"commitment": "sno-mote", "limit": 100}, headers=bearer(key)
    )
    pages = 1
    page = response.json()
    seen += page["items"]
    late, later = meeting(1), meeting(1000)  # one before this page's end, one after all
    await send(client, key, [late, later])
    while page["next"] is not None:
        assert response.headers["link"] == f'<{page["next"]}>; rel="next"'
        assert "commitment=sno-mote" in page["next"]
        response = await client.get(page["next"], headers=bearer(key))
        assert response.status_code == 200, response.text
        page = response.json()
        seen += page["items"]
        pages += 1

    assert "link" not in response.headers
    assert pages == 3
    assert [event["id"] for event in seen] == [*(e["id"] for e in first), later["id"]]
    again = await client.get(
        "/v1/activities", params={"commitment": "sno-mote", "limit": 1000}, headers=bearer(key)
    )
    assert len(again.json()["items"]) == 252  # a new reading finds the late one where it fell
    assert again.json()["next"] is None


async def test_a_cursor_is_refused_with_other_filters_or_when_it_is_not_ours(
    client: httpx.AsyncClient, database_url: str
) -> None:
    key = await create_key(database_url, "polisen")
    await send(client, key, [meeting(hours) for hours in range(3)])
    first = await client.get(
        "/v1/activities", params={"commitment": "sno-mote", "limit": 1}, headers=bearer(key)
    )
    cursor = first.json()["next"].split("cursor=")[1]

    other = await client.get(
        "/v1/activities",
        params={"type": "incident.recorded", "cursor": cursor},
        headers=bearer(key),
    )
    wider = await client.get(
        "/v1/activities", params={"cursor": cursor, "limit": 2}, headers=bearer(key)
    )
    bigger = await client.get(
        "/v1/activities",
        params={"commitment": "sno-mote", "cursor": cursor, "limit": 2},
        headers=bearer(key),
    )
    garbage = await client.get(
        "/v1/activities", params={"cursor": "not-a-cursor"}, headers=bearer(key)
    )

    assert (other.status_code, wider.status_code, garbage.status_code) == (400, 400, 400)
    assert "send the same filters on every page" in other.json()["detail"]
    assert "not one this list gave" in garbage.json()["detail"]
    assert bigger.status_code == 200  # the page size may change from page to page
    assert len(bigger.json()["items"]) == 2


async def test_the_promises_page_too(
    kafka_bootstrap: str, database_url: str, namespace: str, tmp_path: Path
) -> None:
    shipped = files("shared.promises").joinpath("lund-2017.yaml").read_text(encoding="utf-8")
    other = tmp_path / "utkast.yaml"
    other.write_text(shipped.replace("id: lund-2017", "id: lund-2017-utkast", 1), "utf-8")
    key = await create_key(database_url, "polisen")
    async for client in app_client(
        kafka_bootstrap, database_url, namespace, promise_files=(other,)
    ):
        first = await client.get("/v1/promises", params={"limit": 1}, headers=bearer(key))
        second = await client.get(first.json()["next"], headers=bearer(key))

    assert [p["id"] for p in first.json()["items"]] == ["lund-2017"]
    assert first.headers["link"] == f'<{first.json()["next"]}>; rel="next"'
    assert [p["id"] for p in second.json()["items"]] == ["lund-2017-utkast"]
    assert second.json()["next"] is None


@pytest.mark.parametrize(
    "position",
    [
        ["2017-03-06T09:00:00", "urn:x", "a"],  # no UTC offset
        ["2017-03-06T09:00:00+00:00", "urn:\x00", "a"],  # no text PostgreSQL takes
        ["2017-03-06T09:00:00+00:00", 7, "a"],
        ["igår", "urn:x", "a"],
    ],
    ids=["naive-time", "nul", "number", "not-a-time"],
)
async def test_a_forged_cursor_is_a_400_not_a_fault(
    client: httpx.AsyncClient, database_url: str, position: list[Any]
) -> None:
    key = await create_key(database_url, "polisen")
    forged = encode_cursor(position, {}, "/v1/activities")

    response = await client.get("/v1/activities", params={"cursor": forged}, headers=bearer(key))

    assert response.status_code == 400, response.text
    assert "not one this list gave" in response.json()["detail"]
