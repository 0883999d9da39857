"""The notifications service's lists read page by page as staff read them: every row once,
newest first, while new ones arrive, with the same filters on every page, `next` in the body
and a `Link` header; a cursor the list did not give, or gave under other filters, is a 400.
The rows come as in production: KPI events on the metrics topic, the notifications and
deliveries the service plans from them, silences made over the API."""

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx

from shared.contracts.kpis import Status
from shared.http.paging import encode_cursor
from tests.keys import bearer, staff_key
from tests.notifications_harness import Harness, every, listed, status_changed
from tests.polling import eventually

# Missed at 10:00: eight notifications, four of them polisen's, each of those a delivery of
# its own (critical news is grouped by commitment); the last is kommunen's alone.
MISSED = (
    "sno-mote",
    "volontarinsatser",
    "narkotikabrott-unga",
    "trygghetsvandringar-ungdomar",
    "ungdomsdialoger-motesplatser",
)
LATER = "handelsebaserade-trygghetsvandringar"  # kommunen's and polisen's, missed meanwhile


@dataclass
class Reading:
    items: list[dict[str, Any]]
    pages: list[httpx.Response]


async def read_in_pages(
    client: httpx.AsyncClient,
    path: str,
    params: dict[str, str],
    meanwhile: Callable[[], Awaitable[None]],
    headers: dict[str, str] | None = None,
) -> Reading:
    """One reading, following `next` as given; `meanwhile` runs after the first page."""
    pages = [await client.get(path, params=params, headers=headers)]
    while pages[-1].json()["next"] is not None:
        if len(pages) == 1:
            await meanwhile()
        pages.append(await client.get(pages[-1].json()["next"], headers=headers))
        assert pages[-1].status_code == 200, pages[-1].text
    return Reading([item for page in pages for item in page.json()["items"]], pages)


def assert_linked(reading: Reading, *filters: str) -> None:
    """Each page but the last links the next, in the body and the header, with the filters."""
    for page in reading.pages[:-1]:
        link = page.json()["next"]
        assert page.headers["link"] == f'<{link}>; rel="next"'
        assert all(f in link for f in filters), link
    assert "link" not in reading.pages[-1].headers


@asynccontextmanager
async def missed(notifications: Harness) -> AsyncIterator[httpx.AsyncClient]:
    """The service, called as an admin, once MISSED is told and sent."""
    clock = notifications.clock
    await notifications.produce([status_changed(c, Status.MISSED, clock.now) for c in MISSED])
    async with notifications.running() as (client, _inbox):
        await eventually(lambda: listed(client), lambda found: len(found) == 8)
        clock.advance(seconds=10)
        await eventually(
            lambda: every(client, "/v1/deliveries", organisation="polisen"),
            lambda rows: len(rows) == 4,
        )
        yield client


async def later_missed(notifications: Harness) -> None:
    notifications.clock.advance(seconds=1)
    await notifications.produce([status_changed(LATER, Status.MISSED, notifications.clock.now)])


async def test_notifications_page_newest_first_each_once_while_new_ones_arrive(
    notifications: Harness,
) -> None:
    async with missed(notifications) as client:
        before = await listed(client, organisation="polisen")

        async def told_meanwhile() -> None:
            await later_missed(notifications)
            await eventually(lambda: listed(client), lambda found: len(found) == 10)

        params = {"organisation": "polisen", "limit": "1"}
        reading = await read_in_pages(client, "/v1/notifications", params, told_meanwhile)
        again = await listed(client, organisation="polisen")

    order = [(n["created_at"], n["key"]) for n in before]
    assert order == sorted(order, reverse=True)  # ties in time go by key
    assert [n["key"] for n in reading.items] == [n["key"] for n in before]
    assert len(reading.pages) == 4
    assert {n["organisation"] for n in reading.items} == {"polisen"}
    assert_linked(reading, "organisation=polisen", "limit=1")
    assert [n["commitment"] for n in again[:1]] == [LATER]  # a new reading starts with it
    assert [n["key"] for n in again[1:]] == [n["key"] for n in before]


async def test_deliveries_page_newest_first_each_once_while_new_ones_are_planned(
    notifications: Harness,
) -> None:
    async with missed(notifications) as client:
        before = await every(client, "/v1/deliveries", organisation="polisen")

        async def planned_meanwhile() -> None:
            await later_missed(notifications)
            await eventually(lambda: listed(client), lambda found: len(found) == 10)
            notifications.clock.advance(seconds=10)  # its group wait
            await eventually(
                lambda: every(client, "/v1/deliveries", organisation="polisen"),
                lambda rows: len(rows) == 5,
            )

        params = {"organisation": "polisen", "limit": "1"}
        reading = await read_in_pages(client, "/v1/deliveries", params, planned_meanwhile)
        again = await every(client, "/v1/deliveries", organisation="polisen")

    order = [(d["planned_at"], d["id"]) for d in before]
    assert order == sorted(order, reverse=True)  # ties in time go by id
    assert [d["id"] for d in reading.items] == [d["id"] for d in before]
    assert len(reading.pages) == 4
    assert {d["organisation"] for d in reading.items} == {"polisen"}
    assert_linked(reading, "organisation=polisen")
    assert [d["id"] for d in again[1:]] == [d["id"] for d in before]
    assert again[0]["planned_at"] > before[0]["planned_at"]


async def test_kpi_events_page_newest_first_each_once_within_the_staffs_scope(
    notifications: Harness,
) -> None:
    polisen = bearer(await staff_key(notifications.database_url, "polisen"))
    async with missed(notifications) as client:
        before = await every(client, "/v1/kpi-events", limit="1000")

        async def received_meanwhile() -> None:
            await later_missed(notifications)
            await eventually(
                lambda: every(client, "/v1/kpi-events"), lambda events: len(events) == 6
            )

        reading = await read_in_pages(
            client, "/v1/kpi-events", {"limit": "1"}, received_meanwhile, headers=polisen
        )
        again = await every(client, "/v1/kpi-events")

    polisens = [e["id"] for e in before if "polisen" in e["data"]["organisations"]]
    assert len(polisens) == 4
    assert [e["id"] for e in reading.items] == polisens
    assert len(reading.pages) == 4
    assert_linked(reading, "limit=1")
    assert again[0]["subject"] == LATER
    assert [e["id"] for e in again[1:]] == [e["id"] for e in before]


def silence(starts_in_hours: int) -> dict[str, Any]:
    return {
        "matchers": ['commitment="omradeskontroller-skollov"'],
        "starts_at": f"2017-05-16T{10 + starts_in_hours:02}:00:00+02:00",
        "ends_at": "2017-05-16T20:00:00+02:00",
        "comment": "Skollovet är flyttat",
    }


async def test_silences_page_latest_start_first_each_once_with_the_same_filter(
    notifications: Harness,
) -> None:
    async with notifications.running() as (client, _inbox):
        made = [
            (await client.post("/v1/silences", json=silence(hours))).json()["id"]
            for hours in (0, 1, 1, 2, 3)  # two start together
        ]
        ended = await client.delete(f"/v1/silences/{made[3]}")
        before = await every(client, "/v1/silences")

        async def made_meanwhile() -> None:
            await client.post("/v1/silences", json=silence(4))

        reading = await read_in_pages(client, "/v1/silences", {"limit": "1"}, made_meanwhile)
        again = await every(client, "/v1/silences")
        with_ended = await every(client, "/v1/silences", expired="true")

    assert ended.status_code == 200, ended.text
    assert [s["id"] for s in before] == [made[4], *sorted(made[1:3], reverse=True), made[0]]
    assert [s["id"] for s in reading.items] == [s["id"] for s in before]
    assert len(reading.pages) == 4
    assert_linked(reading, "limit=1")
    assert [s["starts_at"] for s in again[:1]] == ["2017-05-16T12:00:00+00:00"]
    assert [s["id"] for s in again[1:]] == [s["id"] for s in before]
    assert made[3] in {s["id"] for s in with_ended}


# Each list: the filters of a reading, other filters, and a position it could never have given.
LISTS: dict[str, tuple[dict[str, str], dict[str, str] | None, list[Any]]] = {
    "/v1/notifications": (
        {"organisation": "polisen"},
        {"organisation": "kommunen"},
        ["igår", "e1/polisen"],
    ),
    "/v1/deliveries": (
        {"organisation": "polisen"},
        {"organisation": "polisen", "status": "delivered"},
        ["2017-05-16T08:00:00+00:00", "not-a-uuid"],
    ),
    "/v1/silences": ({}, {"expired": "true"}, ["2017-05-16T08:00:00", "no-utc-offset"]),
    # No filters but the caller's organisation, which every page applies as the first did.
    "/v1/kpi-events": ({}, None, [*["2017-05-16T08:00:00+00:00"] * 2, "urn:\x00", "x"]),
}


async def test_a_cursor_this_list_did_not_give_under_these_filters_is_a_400(
    notifications: Harness,
) -> None:
    async with missed(notifications) as client:
        for hours in (0, 1):
            await client.post("/v1/silences", json=silence(hours))
        cursors = {}
        for path, (filters, _, _) in LISTS.items():
            first = await client.get(path, params={**filters, "limit": "1"})
            cursors[path] = parse_qs(urlsplit(first.json()["next"]).query)["cursor"][0]
        refused, other_filters, too_many = {}, {}, {}
        for path, (filters, others, never) in LISTS.items():
            theirs = next(cursor for other, cursor in cursors.items() if other != path)
            forged = encode_cursor(never, {k: [v] for k, v in filters.items()}, path)
            refused[path] = [
                await client.get(path, params={**filters, "cursor": cursor})
                for cursor in (cursors[path][:-3], theirs, forged, "not-a-cursor")
            ]
            if others is not None:
                other_filters[path] = await client.get(
                    path, params={**others, "cursor": cursors[path]}
                )
            too_many[path] = await client.get(path, params={**filters, "limit": "1001"})

    for path, answers in refused.items():
        assert [a.status_code for a in answers] == [400] * 4, (path, [a.text for a in answers])
        assert all("not one this list gave" in a.json()["detail"] for a in answers), path
    for path, answer in other_filters.items():
        assert answer.status_code == 400, (path, answer.text)
        assert "send the same filters on every page" in answer.json()["detail"]
    assert {answer.status_code for answer in too_many.values()} == {422}
