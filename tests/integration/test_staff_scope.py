"""Staff of an organisation see, acknowledge and silence only what is their organisation's;
an admin may do all of it; a partner key none of it; and who did what is recorded and shown.

The notifications service in-process, on the real broker and database, spoken to with API
keys of each role (the same checks hold for people's tokens: tests/e2e/test_staff_access.py).
"""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import httpx

from services.notifications.main import create_app
from shared.access import Role
from shared.contracts.kpi_events import Status
from tests.asgi import serving
from tests.keys import admin_key, bearer, create_key, name_of, staff_key
from tests.notification_receivers import smtp_server
from tests.notifications_harness import Harness, status_changed
from tests.polling import eventually


@dataclass
class Staffed:
    client: httpx.AsyncClient
    polisen: dict[str, str]
    kommunen: dict[str, str]
    admin: dict[str, str]
    partner: dict[str, str]
    polisen_key: str

    async def get(self, path: str, who: dict[str, str], **params: str) -> httpx.Response:
        return await self.client.get(path, headers=who, params=params)

    async def keys_of(self, who: dict[str, str], path: str = "/v1/notifications") -> set[str]:
        response = await self.get(path, who, limit="1000")
        assert response.status_code == 200, response.text
        return {n["organisation"] for n in response.json()["items"]}


@asynccontextmanager
async def staffed_service(notifications: Harness) -> AsyncIterator[Staffed]:
    """`sno-mote` behind: one notification for kommunen, one for polisen, each delivered."""
    clock = notifications.clock
    await notifications.produce([status_changed("sno-mote", Status.BEHIND, clock.now)])
    polisen = await create_key(
        notifications.database_url, "polisen", Role.STAFF, "anna.berg@polisen.test"
    )
    world = Staffed(
        client=httpx.AsyncClient(),
        polisen=bearer(polisen),
        kommunen=bearer(await staff_key(notifications.database_url, "kommunen")),
        admin=bearer(await admin_key(notifications.database_url)),
        partner=bearer(await create_key(notifications.database_url, "polisen")),
        polisen_key=polisen,
    )
    # Without the harness's admin client: each request here says who sends it, or no one.
    async with (
        smtp_server() as (inbox, port),
        serving(create_app(notifications.settings(port), clock=clock)) as client,
    ):
        world.client = client
        await eventually(lambda: world.keys_of(world.admin), lambda orgs: len(orgs) == 2)
        clock.advance(seconds=10)
        await eventually(inbox.count, lambda n: n == 2)
        yield world


def notification_of(listing: list[dict[str, Any]], organisation: str) -> str:
    [key] = [str(n["key"]) for n in listing if n["organisation"] == organisation]
    return key


async def test_staff_see_only_their_organisations_notifications_and_deliveries(
    notifications: Harness,
) -> None:
    async with staffed_service(notifications) as staffed:
        await seen_and_listed(staffed)


async def seen_and_listed(
    staffed: Staffed,
) -> None:
    everything = (await staffed.get("/v1/notifications", staffed.admin)).json()["items"]
    kommunens = notification_of(everything, "kommunen")

    assert await staffed.keys_of(staffed.polisen) == {"polisen"}
    assert await staffed.keys_of(staffed.kommunen) == {"kommunen"}
    assert await staffed.keys_of(staffed.admin) == {"polisen", "kommunen"}
    assert await staffed.keys_of(staffed.polisen, "/v1/deliveries") == {"polisen"}
    assert await staffed.keys_of(staffed.admin, "/v1/deliveries") == {"polisen", "kommunen"}
    asking = await staffed.get("/v1/notifications", staffed.polisen, organisation="kommunen")
    assert asking.status_code == 403
    assert (
        await staffed.get("/v1/deliveries", staffed.polisen, organisation="kommunen")
    ).status_code == 403
    assert (await staffed.get(f"/v1/notifications/{kommunens}", staffed.polisen)).status_code == 403
    assert (
        await staffed.get(f"/v1/notifications/{kommunens}", staffed.kommunen)
    ).status_code == 200
    events = (await staffed.get("/v1/kpi-events", staffed.polisen)).json()["items"]
    assert events
    assert all("polisen" in e["data"]["organisations"] for e in events)


async def test_staff_acknowledge_only_their_own_and_who_answered_and_why_is_recorded(
    notifications: Harness,
) -> None:
    async with staffed_service(notifications) as staffed:
        await acknowledged(staffed)


async def acknowledged(
    staffed: Staffed,
) -> None:
    everything = (await staffed.get("/v1/notifications", staffed.admin)).json()["items"]
    polisens = notification_of(everything, "polisen")
    kommunens = notification_of(everything, "kommunen")

    by_other = await staffed.client.post(
        f"/v1/notifications/{polisens}/ack", headers=staffed.kommunen
    )
    by_partner = await staffed.client.post(
        f"/v1/notifications/{polisens}/ack", headers=staffed.partner
    )
    with_personnummer = await staffed.client.post(
        f"/v1/notifications/{polisens}/ack",
        headers=staffed.polisen,
        json={"comment": "Ring 19121212-1212"},
    )
    by_own = await staffed.client.post(
        f"/v1/notifications/{polisens}/ack",
        headers=staffed.polisen,
        json={"comment": "Mötet hölls, rapporten kommer i morgon"},
    )
    by_admin = await staffed.client.post(
        f"/v1/notifications/{kommunens}/ack", headers=staffed.admin
    )

    assert (by_other.status_code, by_partner.status_code) == (403, 403)
    assert with_personnummer.status_code == 422
    assert "19121212" not in with_personnummer.text
    assert by_own.status_code == by_admin.status_code == 200
    answer = by_own.json()["acknowledgement"]
    assert (answer["by"], answer["via"], answer["comment"]) == (
        name_of(staffed.polisen_key, "anna.berg@polisen.test"),
        "api",
        "Mötet hölls, rapporten kommer i morgon",
    )
    assert by_admin.json()["acknowledgement"]["by"].endswith("(admin)")
    assert by_admin.json()["acknowledgement"]["comment"] is None


def silence_of(organisation: str | None) -> dict[str, Any]:
    matchers = ['commitment="sno-mote"']
    if organisation is not None:
        matchers.append(f'organisation="{organisation}"')
    return {
        "matchers": matchers,
        "starts_at": "2017-05-16T10:00:00+02:00",
        "ends_at": "2017-05-17T10:00:00+02:00",
        "comment": "SNÖ-mötet är flyttat en vecka",
    }


async def test_staff_silence_only_their_own_organisation_and_who_did_is_recorded(
    notifications: Harness,
) -> None:
    async with staffed_service(notifications) as staffed:
        await silenced(staffed)


async def silenced(
    staffed: Staffed,
) -> None:
    post = staffed.client.post
    unpinned = await post("/v1/silences", json=silence_of(None), headers=staffed.polisen)
    others = await post("/v1/silences", json=silence_of("kommunen"), headers=staffed.polisen)
    by_partner = await post("/v1/silences", json=silence_of("polisen"), headers=staffed.partner)
    own = await post("/v1/silences", json=silence_of("polisen"), headers=staffed.polisen)
    everyones = await post("/v1/silences", json=silence_of(None), headers=staffed.admin)
    assert [r.status_code for r in (unpinned, others, by_partner)] == [403, 403, 403]
    assert own.status_code == everyones.status_code == 201, own.text
    silence = own.json()["id"]

    seen_by_kommunen = (await staffed.get("/v1/silences", staffed.kommunen)).json()["items"]
    seen_by_admin = (await staffed.get("/v1/silences", staffed.admin)).json()["items"]
    looked_up = await staffed.get(f"/v1/silences/{silence}", staffed.kommunen)
    ended_by_other = await staffed.client.delete(
        f"/v1/silences/{silence}", headers=staffed.kommunen
    )
    ended = await staffed.client.delete(f"/v1/silences/{silence}", headers=staffed.polisen)

    assert seen_by_kommunen == []
    assert {s["id"] for s in seen_by_admin} == {silence, everyones.json()["id"]}
    assert (looked_up.status_code, ended_by_other.status_code) == (403, 403)
    assert ended.status_code == 200
    who = name_of(staffed.polisen_key, "anna.berg@polisen.test")
    assert own.json()["created_by"] == ended.json()["created_by"] == who
    assert ended.json()["expired_by"] == who
    assert (own.json()["organisation"], everyones.json()["organisation"]) == ("polisen", None)


async def test_a_partner_key_and_no_key_are_refused_by_every_staff_endpoint(
    notifications: Harness,
) -> None:
    async with staffed_service(notifications) as staffed:
        await refused(staffed)


async def refused(
    staffed: Staffed,
) -> None:
    for path in ("/v1/notifications", "/v1/deliveries", "/v1/kpi-events", "/v1/silences"):
        unsigned = await staffed.client.get(path)
        partner = await staffed.get(path, staffed.partner)

        assert unsigned.status_code == 401, path
        assert unsigned.headers["www-authenticate"].startswith("Bearer")
        assert partner.status_code == 403, path
