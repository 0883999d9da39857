"""The activities service's HTTP edge on the real broker and database."""

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from importlib.resources import files
from pathlib import Path
from typing import Any

import httpx
import pytest
from pydantic import PostgresDsn

from services.activities.main import create_app
from services.activities.settings import ActivitiesSettings
from shared.contracts import topics
from tests.activities_service import activities_client
from tests.asgi import serving
from tests.factories import activity_completed, incident_recorded
from tests.kafka_records import header, read_topic
from tests.keys import bearer, create_key, revoke_key

SINGLE = {"content-type": "application/cloudevents+json"}
BATCH = {"content-type": "application/cloudevents-batch+json"}


@dataclass
class Partner:
    """A partner system of one organisation, speaking to the running service."""

    client: httpx.AsyncClient
    key: str

    async def post(self, body: object, content_type: dict[str, str] = SINGLE) -> httpx.Response:
        return await self.client.post(
            "/v1/events",
            content=json.dumps(body),
            headers={**content_type, "authorization": f"Bearer {self.key}"},
        )

    async def register(self, **params: str) -> list[dict[str, Any]]:
        response = await self.client.get(
            "/v1/activities", params=params, headers={"authorization": f"Bearer {self.key}"}
        )
        assert response.status_code == 200, response.text
        entries: list[dict[str, Any]] = response.json()["items"]
        return entries


@pytest.fixture
async def client(
    kafka_bootstrap: str, database_url: str, namespace: str
) -> AsyncIterator[httpx.AsyncClient]:
    async with activities_client(kafka_bootstrap, database_url, namespace) as client:
        yield client


@pytest.fixture
async def polisen(client: httpx.AsyncClient, database_url: str) -> Partner:
    return Partner(client, await create_key(database_url, "polisen"))


@pytest.fixture
async def raddningstjansten(client: httpx.AsyncClient, database_url: str) -> Partner:
    return Partner(client, await create_key(database_url, "raddningstjansten"))


async def test_an_accepted_event_is_registered_and_published_keyed_by_commitment(
    polisen: Partner, kafka_bootstrap: str, namespace: str
) -> None:
    sent = activity_completed("volontarinsatser", organisations=("polisen",))

    response = await polisen.post(sent)

    assert response.status_code == 202
    assert response.json() == {"accepted": [sent["id"]]}
    register = await polisen.register(commitment="volontarinsatser", promise="lund-2017")
    assert [entry["id"] for entry in register] == [sent["id"]]
    [record] = await read_topic(kafka_bootstrap, topics.ACTIVITIES.qualified(namespace), at_least=1)
    assert record.key == b"volontarinsatser"
    assert header(record, "ce_id") == sent["id"]
    assert json.loads(record.value) == sent["data"]


async def test_a_duplicate_gets_the_same_answer_and_is_stored_and_published_once(
    polisen: Partner, kafka_bootstrap: str, namespace: str
) -> None:
    sent, later = activity_completed("sno-mote"), activity_completed("sno-mote")

    first = await polisen.post(sent)
    again = await polisen.post(sent)
    await polisen.post(later)

    assert again.status_code == first.status_code == 202
    assert again.json() == first.json()
    register = await polisen.register(commitment="sno-mote")
    assert sorted(entry["id"] for entry in register) == sorted([sent["id"], later["id"]])
    # One key, one partition, in order: a published duplicate would sit between the two.
    records = await read_topic(kafka_bootstrap, topics.ACTIVITIES.qualified(namespace), at_least=2)
    assert [header(r, "ce_id") for r in records] == [sent["id"], later["id"]]


async def test_no_key_a_wrong_key_and_a_revoked_key_are_refused_with_401(
    client: httpx.AsyncClient, polisen: Partner, database_url: str
) -> None:
    sent = activity_completed()
    wrong = Partner(client, polisen.key[:-4] + "AAAA")
    revoked = Partner(client, await create_key(database_url, "polisen"))
    await revoke_key(database_url, revoked.key)

    no_key = await client.post("/v1/events", content=json.dumps(sent), headers=SINGLE)

    assert no_key.status_code == 401
    assert no_key.headers["www-authenticate"].startswith("Bearer")
    assert (await wrong.post(sent)).status_code == 401
    refused = await revoked.post(sent)
    assert refused.status_code == 401
    assert "unknown or revoked" in refused.json()["detail"]
    assert await polisen.register() == []


async def test_an_organisation_may_only_report_its_own_commitments(
    raddningstjansten: Partner,
) -> None:
    sno_meeting = activity_completed("sno-mote", organisations=("raddningstjansten",))
    for_others = activity_completed("sno-mote", organisations=("polisen", "kommunen"))

    not_responsible = await raddningstjansten.post(sno_meeting)
    on_behalf = await raddningstjansten.post(for_others)

    assert not_responsible.status_code == 422  # the data names an organisation not responsible
    assert not_responsible.json()["errors"][0]["location"] == "data.organisations"
    assert on_behalf.status_code == 403
    assert "raddningstjansten is not responsible for sno-mote" in on_behalf.json()["detail"]


async def test_promise_rules_are_explained_per_field(polisen: Partner) -> None:
    unknown = activity_completed("sno-moten")
    before_the_promise = activity_completed("sno-mote", time=datetime(2016, 11, 7, 9, tzinfo=UTC))
    tomorrow_and_more = activity_completed("sno-mote", time=datetime.now(UTC) + timedelta(days=2))

    responses = [await polisen.post(e) for e in (unknown, before_the_promise, tomorrow_and_more)]

    assert [r.status_code for r in responses] == [422, 422, 422]
    assert [r.json()["errors"][0]["location"] for r in responses] == [
        "data.commitment",
        "time",
        "time",
    ]
    assert "outside the promise's validity" in responses[1].json()["errors"][0]["message"]


async def test_incidents_from_before_the_promise_are_the_baseline_and_accepted(
    polisen: Partner,
) -> None:
    baseline = incident_recorded("narkotika.innehav")
    baseline["time"] = "2016-05-14T23:10:00+02:00"

    assert (await polisen.post(baseline)).status_code == 202


async def test_a_personnummer_is_refused_without_being_echoed(polisen: Partner) -> None:
    with_number = activity_completed("sno-mote", notes="Samtal med 19121212-1212")
    wrong_check_digit = activity_completed("sno-mote", notes="Ärende 19121212-1213")

    refused = await polisen.post(with_number)
    accepted = await polisen.post(wrong_check_digit)

    assert refused.status_code == 422
    assert refused.json()["errors"][0]["location"] == "data.notes"
    assert "personal identity number" in refused.text
    assert "1212-1212" not in refused.text
    assert accepted.status_code == 202
    assert [e["id"] for e in await polisen.register(commitment="sno-mote")] == [
        wrong_check_digit["id"]
    ]


async def test_malformed_json_is_a_400_that_says_where(polisen: Partner) -> None:
    response = await polisen.client.post(
        "/v1/events",
        content=b'{"id": ',
        headers={**SINGLE, "authorization": f"Bearer {polisen.key}"},
    )

    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"
    assert "not valid JSON" in response.json()["detail"]


async def test_an_unknown_type_is_a_422_naming_the_known_ones(polisen: Partner) -> None:
    sent = activity_completed()
    sent["type"] = "activity.finished"

    response = await polisen.post(sent)

    assert response.status_code == 422
    [error] = response.json()["errors"]
    assert error["location"] == "type"
    assert "activity.completed" in error["message"]


async def test_a_body_over_1_mib_is_refused_with_413(polisen: Partner) -> None:
    too_big = [activity_completed(notes="x" * 2000) for _ in range(500)]

    response = await polisen.post(too_big, BATCH)

    assert response.status_code == 413
    assert "1048576 bytes" in response.json()["detail"]


async def test_a_batch_of_1000_events_is_accepted_and_one_of_1001_refused_whole(
    polisen: Partner,
) -> None:
    most = [activity_completed() for _ in range(1000)]
    one_more = [activity_completed() for _ in range(1001)]

    accepted = await polisen.post(most, BATCH)
    refused = await polisen.post(one_more, BATCH)

    assert accepted.status_code == 202, accepted.text
    assert len(accepted.json()["accepted"]) == 1000
    assert refused.status_code == 413
    assert "at most 1000 events; this one has 1001" in refused.json()["detail"]


async def test_other_media_types_are_refused_with_415(polisen: Partner) -> None:
    response = await polisen.post({"id": 1}, {"content-type": "text/plain"})

    assert response.status_code == 415


async def test_a_batch_is_all_or_nothing_with_a_reason_per_item(polisen: Partner) -> None:
    good = activity_completed("volontarinsatser", organisations=("polisen",))
    bad = activity_completed("volontarinsatser", organisations=())

    refused = await polisen.post([good, bad], BATCH)

    assert refused.status_code == 422
    assert [e["location"] for e in refused.json()["errors"]] == ["[1].data.organisations"]
    assert await polisen.register(commitment="volontarinsatser") == []

    accepted = await polisen.post([good, incident_recorded()], BATCH)

    assert accepted.status_code == 202
    assert accepted.json()["accepted"][0] == good["id"]


async def test_only_the_reporter_may_retract_its_event(
    polisen: Partner, raddningstjansten: Partner
) -> None:
    walk = activity_completed(
        "trygghetsvandringar-ungdomar",
        organisations=("polisen", "raddningstjansten"),
        source="urn:lofte:partner:shared-system",
    )
    await polisen.post(walk)
    retraction = {
        **incident_recorded(),
        "type": "event.retracted",
        "source": walk["source"],
        "data": {"event_id": walk["id"], "reason": "fel datum"},
    }

    by_other = await raddningstjansten.post(retraction)
    by_reporter = await polisen.post(retraction)

    assert by_other.status_code == 403
    assert by_reporter.status_code == 202


async def test_the_loaded_promises_are_listed_with_their_commitments(
    client: httpx.AsyncClient, polisen: Partner
) -> None:
    signed = bearer(polisen.key)
    promises = (await client.get("/v1/promises", headers=signed)).json()["items"]
    lund = (await client.get("/v1/promises/lund-2017", headers=signed)).json()
    missing = await client.get("/v1/promises/stockholm-2031", headers=signed)

    assert "lund-2017" in [p["id"] for p in promises]
    assert len(lund["commitments"]) == 17
    assert missing.status_code == 404


async def test_ready_reports_both_dependencies(client: httpx.AsyncClient) -> None:
    response = await client.get("/ready")

    assert response.status_code == 200
    assert response.json()["checks"] == {"postgres": "ok", "kafka": "ok", "background": "ok"}


async def test_the_openapi_document_describes_the_ingest_media_types(
    client: httpx.AsyncClient,
) -> None:
    document = (await client.get("/openapi.json")).json()

    ingest = document["paths"]["/v1/events"]["post"]
    assert set(ingest["requestBody"]["content"]) == {
        "application/cloudevents+json",
        "application/cloudevents-batch+json",
    }
    assert {"401", "403", "413", "415", "422"} <= set(ingest["responses"])


async def test_more_promise_files_load_beside_the_shipped_one(
    kafka_bootstrap: str, database_url: str, namespace: str, tmp_path: Path
) -> None:
    shipped = files("shared.promises").joinpath("lund-2017.yaml").read_text(encoding="utf-8")
    other = tmp_path / "lund-2017-utkast.yaml"
    other.write_text(shipped.replace("id: lund-2017", "id: lund-2017-utkast", 1), encoding="utf-8")
    settings = ActivitiesSettings(
        kafka_bootstrap_servers=kafka_bootstrap,
        database_url=PostgresDsn(database_url),
        topic_namespace=namespace,
        promise_files=(other,),
    )

    key = await create_key(database_url, "polisen")
    async with serving(create_app(settings)) as client:
        listed = (await client.get("/v1/promises", headers=bearer(key))).json()["items"]

    assert [(p["id"], p["valid_from"]) for p in listed] == [
        ("lund-2017", "2017-03-01"),
        ("lund-2017-utkast", "2017-03-01"),
    ]
