"""Staff sign in with a real identity provider (Keycloak, tests/identity_provider.py) and
reach what is theirs, and nothing else, in all three services running as processes.

The matrix: each staff endpoint × no credentials (401), a partner's API key (403), another
organisation's staff (403, or not listed), the own organisation's staff (2xx), an admin
(2xx), an expired token (401) and a token of another issuer (401). And every route of every
service but the operations routes and the signed acknowledge links answers 401 without
credentials, so a route added later without a check fails here.
"""

import re
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

import httpx
import pytest

from shared.contracts.kpi_events import Status
from tests.identity_provider import ADMIN, MUNICIPAL_OFFICER, POLICE_OFFICER, sign_in
from tests.keys import bearer, create_key
from tests.notifications_harness import local, produce, routing_file, status_changed
from tests.polling import eventually
from tests.processes import all_services, service_env, wait_ready

# The first test waits for Keycloak (tests/identity_provider.py: up to ten minutes while
# `make test` starts it in the background); the others find it ready.
pytestmark = pytest.mark.timeout(780)
OPEN_ROUTES = {
    "/health",
    "/ready",
    "/metrics",
    "/v1/ack",
    "/asyncapi.json",
    "/asyncapi",
    "/schemas/{name}.json",
}
# Commitments only one of the two organisations answers for.
POLISEN = "volontarinsatser"
KOMMUNEN = "ungdomsdialoger-motesplatser"


@dataclass
class System:
    url: dict[str, str]
    http: httpx.AsyncClient
    who: dict[str, dict[str, str]] = field(default_factory=dict)
    # The keys of the test's two notifications (`<KPI event id>/<organisation>`); the
    # services, on the wall clock, make others of their own too.
    polisens: str = ""
    kommunens: str = ""

    async def call(
        self, service: str, method: str, path: str, who: str, body: Any = None
    ) -> httpx.Response:
        return await self.http.request(
            method, self.url[service] + path, json=body, headers=self.who.get(who, {})
        )


@pytest.fixture
async def system(
    keycloak: str, kafka_bootstrap: str, database_url: str, namespace: str, tmp_path: Path
) -> AsyncIterator[System]:
    env = {
        **service_env(kafka_bootstrap, database_url, namespace),
        "ROUTING_FILE": str(routing_file(tmp_path)),
        "OIDC_ISSUER": f"{keycloak}/realms/lofte",
        # The expired token must be refused the moment it expires, not half a minute later.
        "OIDC_LEEWAY_SECONDS": "0",
    }
    with all_services(env, tmp_path) as services:
        async with httpx.AsyncClient(timeout=10) as http:
            for service in services.values():
                await wait_ready(service)
            world = System({name: service.url for name, service in services.items()}, http)
            now = local(2017, 5, 16, 10, 0)
            police, municipal = (status_changed(c, Status.BEHIND, now) for c in (POLISEN, KOMMUNEN))
            await produce(kafka_bootstrap, namespace, [police, municipal])
            world.polisens, world.kommunens = f"{police.id}/polisen", f"{municipal.id}/kommunen"
            world.who = {
                "partner": bearer(await create_key(database_url, "polisen")),
                "own": bearer(await sign_in(keycloak, POLICE_OFFICER)),
                "other": bearer(await sign_in(keycloak, MUNICIPAL_OFFICER)),
                "admin": bearer(await sign_in(keycloak, ADMIN)),
                "foreign": bearer(await sign_in(keycloak, POLICE_OFFICER, realm="other")),
                "expiring": bearer(
                    await sign_in(keycloak, POLICE_OFFICER, client="lofte-cli-short")
                ),
            }
            for key in (world.polisens, world.kommunens):
                await eventually(
                    partial(
                        world.call, "notifications", "GET", f"/v1/notifications/{key}", "admin"
                    ),
                    lambda response: response.status_code == 200,
                    within=60,
                )
            yield world


def silence(organisation: str) -> dict[str, Any]:
    return {
        "matchers": [f'organisation="{organisation}"', f'commitment="{POLISEN}"'],
        # In force now: the services run on the wall clock, and only such a silence is ended
        # early (by whom, recorded).
        "starts_at": (datetime.now(UTC) - timedelta(hours=1)).isoformat(),
        "ends_at": (datetime.now(UTC) + timedelta(days=1)).isoformat(),
        "comment": "Insatsen är flyttad till torsdag",
    }


async def test_every_staff_endpoint_walks_the_matrix(system: System) -> None:
    """Each row is polisen's: what the police officer may do and the municipal one may not."""
    polisens = system.polisens
    made = await system.call("notifications", "POST", "/v1/silences", "admin", silence("polisen"))
    assert made.status_code == 201, made.text
    held = made.json()["id"]
    rows: list[tuple[str, str, str, Any, int]] = [
        # service, method, path, body, what the other organisation's staff get
        ("notifications", "GET", "/v1/notifications?organisation=polisen", None, 403),
        ("notifications", "GET", f"/v1/notifications/{polisens}", None, 403),
        ("notifications", "POST", f"/v1/notifications/{polisens}/ack", None, 403),
        ("notifications", "GET", "/v1/deliveries?organisation=polisen", None, 403),
        ("notifications", "GET", "/v1/kpi-events", None, 200),  # their own events only
        ("notifications", "GET", "/v1/silences", None, 200),  # their own silences only
        ("notifications", "POST", "/v1/silences", silence("polisen"), 403),
        ("notifications", "GET", f"/v1/silences/{held}", None, 403),
        ("notifications", "DELETE", f"/v1/silences/{held}", None, 403),
        ("notifications", "POST", "/v1/routing/dry-run", {"labels": {"kind": "digest"}}, 200),
        # The parties made the promise together: each of them sees all of its KPIs.
        ("metrics", "GET", "/v1/promises/lund-2017/kpis", None, 200),
        ("metrics", "GET", f"/v1/promises/lund-2017/kpis/{POLISEN}", None, 200),
    ]
    answers: dict[tuple[str, str], int] = {}
    for service, method, path, body, other in rows:
        row = f"{method} {path}"
        for who in ("nobody", "partner", "foreign", "other", "own", "admin"):
            answers[row, who] = (await system.call(service, method, path, who, body)).status_code
        assert answers[row, "nobody"] == 401, row
        assert answers[row, "partner"] == 403, row
        assert answers[row, "foreign"] == 401, row
        assert answers[row, "other"] == other, row
        assert 200 <= answers[row, "own"] < 300, (row, answers[row, "own"])
        assert 200 <= answers[row, "admin"] < 300, (row, answers[row, "admin"])


async def test_other_organisations_things_are_not_listed_and_acts_name_the_person(
    system: System,
) -> None:
    async def organisations(path: str, who: str) -> set[str]:
        response = await system.call("notifications", "GET", path, who)
        assert response.status_code == 200, response.text
        return {n["organisation"] for n in response.json()["items"]}

    polisens = system.polisens
    answered = await system.call(
        "notifications", "POST", f"/v1/notifications/{polisens}/ack", "own"
    )
    made = await system.call("notifications", "POST", "/v1/silences", "own", silence("polisen"))
    ended = await system.call("notifications", "DELETE", f"/v1/silences/{made.json()['id']}", "own")
    events = await system.call("notifications", "GET", "/v1/kpi-events", "other")

    assert await organisations("/v1/notifications?limit=1000", "own") == {"polisen"}
    assert await organisations("/v1/notifications?limit=1000", "other") == {"kommunen"}
    everyones = await organisations("/v1/notifications?limit=1000", "admin")
    assert {"polisen", "kommunen"} <= everyones
    assert answered.json()["acknowledgement"]["by"] == POLICE_OFFICER
    assert made.json()["created_by"] == ended.json()["expired_by"] == POLICE_OFFICER
    assert (await system.call("notifications", "GET", "/v1/silences", "other")).json() == {
        "items": [],
        "next": None,
    }
    assert events.json()["items"]
    assert all("kommunen" in e["data"]["organisations"] for e in events.json()["items"])
    assert system.polisens.split("/")[0] not in {e["id"] for e in events.json()["items"]}


async def test_an_expired_token_is_refused(system: System) -> None:
    """The short-lived client's tokens live two seconds (infra/keycloak/realms)."""
    refused = await eventually(
        lambda: system.call("notifications", "GET", "/v1/notifications", "expiring"),
        lambda response: response.status_code == 401,
    )

    assert "expired" in refused.json()["detail"]
    assert refused.headers["www-authenticate"] == 'Bearer realm="lofte", error="invalid_token"'


async def test_partners_keep_their_keys_and_people_read_the_register(system: System) -> None:
    for who in ("partner", "own", "admin"):
        register = await system.call("activities", "GET", "/v1/activities", who)
        promises = await system.call("activities", "GET", "/v1/promises/lund-2017", who)
        assert (register.status_code, promises.status_code) == (200, 200), who
    # Events come from systems with keys, never from a person's token.
    by_token = await system.call("activities", "POST", "/v1/events", "own", {})
    assert by_token.status_code == 403


async def test_every_route_but_the_open_ones_asks_for_credentials(system: System) -> None:
    unguarded: list[str] = []
    for service, base in system.url.items():
        document = (await system.http.get(f"{base}/openapi.json")).json()
        for path, operations in document["paths"].items():
            if path in OPEN_ROUTES:
                continue
            concrete = re.sub(r"\{[^}]+\}", "x", path)
            for method in operations:
                answer = await system.call(service, method.upper(), concrete, "nobody")
                if answer.status_code != 401:
                    unguarded.append(f"{service} {method.upper()} {path}: {answer.status_code}")

    assert unguarded == []
    for service, base in system.url.items():
        for path in ("/health", "/ready", "/metrics"):
            assert (await system.http.get(base + path)).status_code == 200, (service, path)
