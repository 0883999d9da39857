"""Receipts: a partner asks what became of each event it sent, and the activities service
answers from its register and refusals and from the metrics service, each running as its
own process on the real broker and database."""

import asyncio
import json
import os
import sys
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from aiokafka import AIOKafkaProducer

from shared.access import Role
from shared.contracts import topics
from shared.contracts.cloudevents import encoded, parse_structured, to_kafka_headers, to_kafka_value
from shared.messaging.admin import ensure_topics
from shared.messaging.connection import KafkaConnection
from tests.databases import fresh_database
from tests.factories import activity_completed, incident_recorded
from tests.kafka_records import header, read_topic
from tests.keys import bearer, create_key
from tests.polling import eventually
from tests.processes import ROOT, free_port, service_env, start, stopped_on_exit, wait_ready

WALKS = "trygghetsvandringar-ungdomar"
YEAR_2017 = ("2017-03-01", "2018-01-01")
YEAR_2018 = ("2018-01-01", "2019-01-01")
ALL = ("raddningstjansten", "kommunen", "polisen")
LOFTE = str(Path(sys.executable).with_name("lofte"))


@dataclass
class System:
    env: dict[str, str]
    activities: str
    metrics: str
    namespace: str
    kafka: str
    keys: dict[str, str]
    log_dir: Path

    async def post(
        self, document: Any, key: str = "polisen", batch: bool = False
    ) -> httpx.Response:
        kind = "application/cloudevents-batch+json" if batch else "application/cloudevents+json"
        async with httpx.AsyncClient(timeout=10) as client:
            return await client.post(
                f"{self.activities}/v1/events",
                content=json.dumps(document),
                headers={"content-type": kind, **bearer(self.keys[key])},
            )

    async def receipt(
        self, source: str, event_id: str, key: str = "polisen", url: str | None = None
    ) -> httpx.Response:
        address = f"/v1/events/{quote(source, safe='')}/{quote(event_id, safe='')}"
        async with httpx.AsyncClient(timeout=10) as client:
            return await client.get(
                f"{url or self.activities}{address}", headers=bearer(self.keys[key])
            )

    async def receipt_once(
        self, document: dict[str, Any], status: str, key: str = "polisen"
    ) -> Any:
        """The receipt of `document`'s event once it reached `status`."""

        async def read() -> Any:
            response = await self.receipt(document["source"], document["id"], key)
            return response.json() if response.status_code == 200 else response.text

        return await eventually(
            read, lambda body: isinstance(body, dict) and body["status"] == status
        )


@pytest.fixture(scope="module")
async def system(
    kafka_bootstrap: str, server_database_url: str, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[System]:
    namespace = f"t{uuid.uuid4().hex[:10]}."
    log_dir = tmp_path_factory.mktemp("receipts")
    async with fresh_database(server_database_url) as database_url:
        keys = {
            "polisen": await create_key(database_url, "polisen"),
            "kommunen": await create_key(database_url, "kommunen"),
            "kommunen staff": await create_key(database_url, "kommunen", Role.STAFF),
            "admin": await create_key(database_url, None, Role.ADMIN),
        }
        env = service_env(kafka_bootstrap, database_url, namespace)
        metrics = start("metrics", env, log_dir)
        with stopped_on_exit([metrics]):
            await wait_ready(metrics)
            asking = {**env, "METRICS_URL": metrics.url, "METRICS_API_KEY": keys["admin"]}
            activities = start("activities", asking, log_dir)
            with stopped_on_exit([activities]):
                await wait_ready(activities)
                yield System(
                    asking, activities.url, metrics.url, namespace, kafka_bootstrap, keys, log_dir
                )


def walk(source: str = "urn:lofte:partner:polisen-test", **data: Any) -> dict[str, Any]:
    return activity_completed(
        WALKS,
        organisations=ALL,
        time=datetime(2017, 4, 12, 16, 30, tzinfo=UTC),
        source=source,
        event_id=f"walk-{uuid.uuid4().hex[:8]}",
        **data,
    )


def counted(receipt: Any) -> list[tuple[str, str, str, tuple[str, str], str]]:
    return sorted(
        (k["promise"], k["kind"], k["id"], (k["period"]["start"], k["period"]["end"]), k["as"])
        for k in receipt["applied"]["counts_towards"]
    )


async def test_an_accepted_event_is_registered_published_and_applied_with_the_kpis_it_counts_for(
    system: System,
) -> None:
    sent = walk(participants={"youths": 9})
    assert (await system.post(sent)).status_code == 202

    receipt = await system.receipt_once(sent, "applied")

    registered, published, applied = receipt["registered"], receipt["published"], receipt["applied"]
    assert (registered["type"], registered["channel"], registered["reported_by"]) == (
        "activity.completed",
        "http",
        "polisen",
    )
    assert (registered["promise"], registered["commitment"]) == ("lund-2017", WALKS)
    assert published["topic"] == topics.ACTIVITIES.qualified(system.namespace)
    assert registered["at"] <= published["at"] <= applied["applied_at"]
    assert counted(receipt) == [("lund-2017", "commitment", WALKS, YEAR_2017, "value")]
    assert receipt["refused"] is None
    assert receipt["unknown"] == []


async def test_a_walk_without_youths_is_applied_and_says_it_counts_towards_nothing(
    system: System,
) -> None:
    sent = walk(participants={"youths": 0})
    assert (await system.post(sent)).status_code == 202

    receipt = await system.receipt_once(sent, "applied")

    assert counted(receipt) == []


async def test_an_incident_counts_for_its_indicator_now_and_as_next_years_comparison(
    system: System,
) -> None:
    sent = incident_recorded("narkotika.bruk")
    assert (await system.post(sent)).status_code == 202

    receipt = await system.receipt_once(sent, "applied")

    assert counted(receipt) == [
        ("lund-2017", "commitment", "narkotikabrott-unga", YEAR_2017, "value"),
        ("lund-2017", "commitment", "narkotikabrott-unga", YEAR_2018, "comparison"),
        ("lund-2017", "indicator", "narkotikabrott-upptackt", YEAR_2017, "value"),
        ("lund-2017", "indicator", "narkotikabrott-upptackt", YEAR_2018, "comparison"),
    ]


async def test_a_retracted_event_names_its_retraction_and_counts_no_more(system: System) -> None:
    # A source that is a URL: its slashes travel percent-encoded in the receipt's address.
    source = "https://polisen.example/system/rapporter"
    sent = walk(source=source, participants={"youths": 4})
    assert (await system.post(sent)).status_code == 202
    await system.receipt_once(sent, "applied")
    retraction = {
        "specversion": "1.0",
        "id": f"retraction-{uuid.uuid4().hex[:8]}",
        "source": source,
        "type": "event.retracted",
        "time": "2017-04-13T09:00:00+02:00",
        "data": {"event_id": sent["id"], "reason": "fel datum"},
    }
    assert (await system.post(retraction)).status_code == 202

    receipt = await system.receipt_once(sent, "retracted")
    applied = await eventually(
        lambda: system.receipt_once(sent, "retracted"),
        lambda body: (body["applied"] or {}).get("retracted_by") == retraction["id"],
    )
    own = await system.receipt_once(retraction, "applied")

    assert receipt["retracted"]["by"] == retraction["id"]
    assert applied["applied"]["counts_towards"] == []
    assert own["retracts"] == sent["id"]


async def test_an_event_refused_over_http_keeps_the_status_and_reason_it_got(
    system: System,
) -> None:
    unknown = activity_completed("sno-moten", organisations=("polisen",))
    # The police report a meeting they did not take part in: outside their scope.
    not_ours = activity_completed("sno-mote", organisations=("kommunen",))
    good, bad = walk(participants={"youths": 2}), activity_completed("nope", organisations=())

    assert (await system.post(unknown)).status_code == 422
    forbidden = await system.post(not_ours)
    assert forbidden.status_code == 403
    assert (await system.post([good, bad], batch=True)).status_code == 422

    refused = (await system.receipt(unknown["source"], unknown["id"])).json()
    other = (await system.receipt(not_ours["source"], not_ours["id"])).json()
    with_its_batch = (await system.receipt(good["source"], good["id"])).json()

    assert refused["status"] == "refused"
    assert refused["registered"] is None
    assert (refused["refused"]["channel"], refused["refused"]["status"]) == ("http", 422)
    assert "data.commitment" in refused["refused"]["reason"]
    assert other["refused"]["status"] == 403
    assert other["refused"]["reason"] == forbidden.json()["detail"]
    assert with_its_batch["refused"]["reason"].startswith("refused with its batch: [1]")


async def produce(system: System, document: dict[str, Any]) -> None:
    """As a partner's system produces to the ingest topic: binary mode."""
    event = parse_structured(document)
    await ensure_topics(KafkaConnection(system.kafka), topics.ALL, system.namespace)
    producer = AIOKafkaProducer(bootstrap_servers=system.kafka)
    await producer.start()
    try:
        await producer.send_and_wait(
            topics.INGEST.qualified(system.namespace),
            to_kafka_value(event),
            key=b"x",
            headers=encoded(to_kafka_headers(event)),
        )
    finally:
        await producer.stop()


async def test_an_event_from_the_ingest_topic_is_read_by_the_organisations_it_names(
    system: System,
) -> None:
    sent = walk(participants={"youths": 6})
    await produce(system, sent)

    receipt = await system.receipt_once(sent, "applied")

    assert (receipt["registered"]["channel"], receipt["registered"]["reported_by"]) == (
        "kafka",
        None,
    )
    assert counted(receipt) == [("lund-2017", "commitment", WALKS, YEAR_2017, "value")]


async def test_a_record_dead_lettered_from_the_ingest_topic_keeps_the_reason_it_was_parked_with(
    system: System,
) -> None:
    sent = activity_completed("sno-moten", organisations=("polisen",))
    ingest = topics.INGEST.qualified(system.namespace)
    await produce(system, sent)

    receipt = await system.receipt_once(sent, "refused")

    parked = await read_topic(
        system.kafka, topics.dead_letter(topics.INGEST).qualified(system.namespace), at_least=1
    )
    [letter] = [r for r in parked if header(r, "ce_id") == sent["id"]]
    refused = receipt["refused"]
    assert (refused["channel"], refused["status"]) == ("kafka", None)
    assert refused["reason"] == header(letter, "dlq_reason")
    assert refused["dead_letter"] == {
        "topic": f"{ingest}.dlq",
        "source_topic": ingest,
        "partition": int(header(letter, "dlq_source_partition") or "-1"),
        "offset": int(header(letter, "dlq_source_offset") or "-1"),
    }


async def test_an_event_never_seen_is_a_404_that_says_so(system: System) -> None:
    response = await system.receipt("urn:lofte:partner:polisen-test", "never-sent")

    assert response.status_code == 404
    assert "was ever received" in response.json()["detail"]


async def test_another_partners_event_is_refused_and_its_promises_staff_read_it(
    system: System,
) -> None:
    sent = walk(participants={"youths": 1})
    await system.post(sent)
    await system.receipt_once(sent, "applied")

    assert (await system.receipt(sent["source"], sent["id"], "kommunen")).status_code == 403
    assert (await system.receipt(sent["source"], sent["id"], "kommunen staff")).status_code == 200


async def test_without_the_metrics_service_a_receipt_says_what_it_could_not_learn(
    system: System,
) -> None:
    sent = walk(participants={"youths": 3})
    await system.post(sent)
    await system.receipt_once(sent, "applied")
    unreachable = {**system.env, "METRICS_URL": f"http://127.0.0.1:{free_port()}"}
    lonely = start(
        "activities-without-metrics", unreachable, system.log_dir, module="services.activities"
    )
    with stopped_on_exit([lonely]):
        await wait_ready(lonely)
        response = await system.receipt(sent["source"], sent["id"], url=lonely.url)

    receipt = response.json()
    assert response.status_code == 200
    assert receipt["status"] == "published"
    assert receipt["applied"] is None
    [unknown] = receipt["unknown"]
    assert unknown["part"] == "applied"
    assert "could not be reached" in unknown["detail"]


async def test_lofte_events_show_prints_the_receipt_for_operators(system: System) -> None:
    sent = walk(participants={"youths": 5})
    await system.post(sent)
    await system.receipt_once(sent, "applied")

    shown = await lofte(system, "events", "show", sent["source"], sent["id"])
    never = await lofte(system, "events", "show", sent["source"], "never-sent")

    assert shown.returncode == 0, shown.stderr
    lines = shown.stdout.splitlines()
    assert lines[0] == f"event {sent['id']} of {sent['source']}: applied"
    assert any(line.strip().startswith("published") for line in lines)
    assert (
        f"counts towards commitment {WALKS} of lund-2017, 2017-03-01 to 2017-12-31" in shown.stdout
    )
    assert never.returncode == 1
    assert "was ever received" in never.stderr


@dataclass
class Ran:
    returncode: int | None
    stdout: str
    stderr: str


async def lofte(system: System, *args: str) -> Ran:
    """The `lofte` command, as an operator runs it with the service's settings."""
    process = await asyncio.create_subprocess_exec(
        LOFTE,
        *args,
        cwd=ROOT,
        env={**os.environ, **system.env},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), 60)
    return Ran(process.returncode, out.decode(), err.decode())
