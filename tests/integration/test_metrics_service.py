"""The metrics service on the real broker and database: exactly-once KPIs, the clock, and
the Prometheus series Grafana reads."""

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from importlib.resources import files
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import asyncpg
import httpx
import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.structs import OffsetAndMetadata, TopicPartition
from pydantic import PostgresDsn

from services.cli import main
from services.metrics.main import create_app
from services.metrics.settings import MetricsSettings
from shared.contracts import topics
from shared.contracts.cloudevents import encoded, parse_structured, to_kafka_headers, to_kafka_value
from shared.messaging.admin import ensure_topics
from shared.messaging.connection import KafkaConnection
from tests.asgi import serving
from tests.factories import activity_completed, explanation_published
from tests.kafka_records import header, read_topic, send
from tests.keys import admin_key, bearer
from tests.polling import eventually

LUND = ZoneInfo("Europe/Stockholm")


@dataclass
class Clock:
    now: datetime

    def __call__(self) -> datetime:
        return self.now


@asynccontextmanager
async def metrics_service(
    kafka: str, database_url: str, namespace: str, clock: Clock, promises_dir: Path | None = None
) -> AsyncIterator[httpx.AsyncClient]:
    settings = MetricsSettings(
        kafka_bootstrap_servers=kafka,
        database_url=PostgresDsn(database_url),
        topic_namespace=namespace,
        consumer_group=f"{namespace}metrics",
        evaluation_interval_seconds=0.2,
        promises_dir=promises_dir,
    )
    # Staff read the KPIs: the tests read them as an admin.
    key = await admin_key(database_url)
    async with serving(create_app(settings, clock=clock), bearer(key)) as client:
        yield client


async def produce(kafka: str, namespace: str, documents: list[dict[str, Any]]) -> None:
    """As the activities service would publish them; the topics exist before any service."""
    await ensure_topics(KafkaConnection(kafka), topics.ALL, namespace)
    producer = AIOKafkaProducer(bootstrap_servers=kafka)
    await producer.start()
    try:
        for document in documents:
            event = parse_structured(document).model_copy(
                update={"subject": document["data"]["commitment"]}
            )
            await (await send(producer, event, topics.ACTIVITIES.qualified(namespace)))
    finally:
        await producer.stop()


def sno_meeting(day: int) -> dict[str, Any]:
    return activity_completed("sno-mote", time=datetime(2017, 3, day, 9, tzinfo=LUND))


async def kpi(
    client: httpx.AsyncClient,
    item: str,
    at: str = "2017-03-31T12:00:00+02:00",
    promise: str = "lund-2017",
    **params: str,
) -> Any:
    response = await client.get(f"/v1/promises/{promise}/kpis/{item}", params={"at": at, **params})
    assert response.status_code == 200, response.text
    return response.json()


async def records_applied(client: httpx.AsyncClient, outcome: str) -> float:
    text = (await client.get("/metrics")).text
    for line in text.splitlines():
        if line.startswith("lofte_consumer_records_total{") and f'outcome="{outcome}"' in line:
            return float(line.rsplit(" ", 1)[1])
    return 0.0


async def test_a_redelivered_batch_after_a_lost_offset_commit_counts_once(
    kafka_bootstrap: str, database_url: str, namespace: str
) -> None:
    clock = Clock(datetime(2017, 3, 31, 12, tzinfo=UTC))
    await produce(kafka_bootstrap, namespace, [sno_meeting(6), sno_meeting(13), sno_meeting(20)])
    async with metrics_service(kafka_bootstrap, database_url, namespace, clock) as client:
        first = await eventually(lambda: kpi(client, "sno-mote"), lambda k: k["done"] == 3)

    # As if the service died after its database commit but before its offset commit.
    await rewind_group(
        kafka_bootstrap, f"{namespace}metrics", topics.ACTIVITIES.qualified(namespace)
    )

    async with metrics_service(kafka_bootstrap, database_url, namespace, clock) as client:
        await eventually(lambda: records_applied(client, "duplicate"), lambda n: n == 3)
        again = await kpi(client, "sno-mote")

    assert first["done"] == again["done"] == 3
    assert again["missed_slots"] == first["missed_slots"] == ["2017-03-27"]


async def test_an_event_counts_only_in_the_promise_it_names(
    kafka_bootstrap: str, database_url: str, namespace: str, tmp_path: Path
) -> None:
    # As a new user tried it: a copy of Lund 2017 beside it, and one event naming the copy.
    folder = tmp_path / "promises"
    folder.mkdir()
    lund = files("shared.promises").joinpath("lund-2017.yaml").read_text("utf-8")
    (folder / "lund-kopia.yaml").write_text(lund.replace("id: lund-2017", "id: lund-kopia", 1))
    clock = Clock(datetime(2017, 6, 1, 12, tzinfo=LUND))
    operation = activity_completed(
        "volontarinsatser",
        organisations=("polisen",),
        time=datetime(2017, 5, 26, 18, tzinfo=LUND),
        promise="lund-kopia",
    )
    await produce(kafka_bootstrap, namespace, [operation])
    at = clock.now.isoformat()
    async with metrics_service(kafka_bootstrap, database_url, namespace, clock, folder) as client:
        copy = await eventually(
            lambda: kpi(client, "volontarinsatser", at, promise="lund-kopia"),
            lambda k: k["done"] == 1,
        )
        original = await kpi(client, "volontarinsatser", at)
        whole = (await client.get("/v1/promises/lund-2017/kpis", params={"at": at})).json()
        series = await eventually(
            lambda: scrape(client),
            lambda s: s.get(volunteers_series("lund-kopia")) == 1.0,
        )
        told = await eventually(
            lambda: announced(kafka_bootstrap, namespace, "commitment.status-changed"),
            lambda found: {"lund-2017", "lund-kopia"} <= {a["promise"] for a in found},
        )

    assert (copy["done"], original["done"]) == (1, 0)
    assert next(c for c in whole["commitments"] if c["id"] == "volontarinsatser")["done"] == 0
    assert series[volunteers_series("lund-2017")] == 0.0
    done = {
        a["promise"]: a["figures"]["done"] for a in told if a["commitment"] == "volontarinsatser"
    }
    assert done == {"lund-2017": 0, "lund-kopia": 1}


async def test_a_year_explained_in_january_is_read_as_known_later_and_at_alone_is_unchanged(
    kafka_bootstrap: str, database_url: str, namespace: str
) -> None:
    said = explanation_published(
        "volontarinsatser",
        (date(2017, 3, 1), date(2018, 1, 1)),
        time=datetime(2018, 1, 15, 10, tzinfo=LUND),
    )
    await produce(kafka_bootstrap, namespace, [said])
    clock = Clock(datetime(2018, 2, 1, 12, tzinfo=LUND))
    end_of_2017 = {"at": "2018-01-01T00:00:00+01:00", "period_of": "2017-12-31"}
    known_now = {**end_of_2017, "known_at": clock.now.isoformat()}
    async with metrics_service(kafka_bootstrap, database_url, namespace, clock) as client:
        explained = await eventually(
            lambda: kpi(client, "volontarinsatser", **known_now),
            lambda k: k["status"] == "not-pursued",
        )
        as_it_stood = await kpi(client, "volontarinsatser", **end_of_2017)
        whole = await client.get("/v1/promises/lund-2017/kpis", params=known_now)
        too_early = await client.get(
            "/v1/promises/lund-2017/kpis", params={**end_of_2017, "known_at": "2017-12-01T00:00Z"}
        )
        no_zone = await client.get(
            "/v1/promises/lund-2017/kpis/volontarinsatser",
            params={**end_of_2017, "known_at": "2018-02-01T00:00:00"},
        )

    assert [e["kind"] for e in explained["explanations"]] == ["not-pursued"]
    assert (as_it_stood["status"], as_it_stood["explanations"]) == ("missed", [])
    assert whole.status_code == 200, whole.text
    assert datetime.fromisoformat(whole.json()["known_at"]) == clock.now
    assert too_early.status_code == 422
    assert "`known_at`" in too_early.json()["detail"]
    assert no_zone.status_code == 422


def volunteers_series(promise: str) -> str:
    return (
        f'lofte_commitment_done{{commitment="volontarinsatser",'
        f'focus_area="trygghet",promise="{promise}"}}'
    )


async def rewind_group(kafka: str, group: str, topic: str) -> None:
    """Commit offset 0 for the (now idle) group, as if its last commits had been lost."""
    consumer = AIOKafkaConsumer(bootstrap_servers=kafka, group_id=group, enable_auto_commit=False)
    await consumer.start()
    try:
        cluster = await consumer._client.fetch_all_metadata()
        partitions = cluster.partitions_for_topic(topic) or set()
        assert partitions, f"no partitions for {topic}"
        assigned = [TopicPartition(topic, p) for p in sorted(partitions)]
        consumer.assign(assigned)
        await consumer.commit({tp: OffsetAndMetadata(0, "") for tp in assigned})
    finally:
        await consumer.stop()


async def test_the_clock_alone_announces_a_monday_that_passed_without_a_meeting(
    kafka_bootstrap: str, database_url: str, namespace: str
) -> None:
    clock = Clock(datetime(2017, 3, 13, 8, tzinfo=LUND))
    await produce(kafka_bootstrap, namespace, [sno_meeting(6)])
    async with metrics_service(kafka_bootstrap, database_url, namespace, clock) as client:
        await eventually(
            lambda: kpi(client, "sno-mote", clock.now.isoformat()), lambda k: k["done"] == 1
        )

        clock.now = datetime(2017, 3, 15, 0, 30, tzinfo=LUND)  # the 13th has ended, plus 24 h

        missed = await eventually(
            lambda: announced(kafka_bootstrap, namespace, "occurrence.missed"),
            lambda found: len(found) > 0,
        )

    assert [(m["commitment"], m["slot"]) for m in missed] == [("sno-mote", "2017-03-13")]
    assert sorted(missed[0]["organisations"]) == ["kommunen", "polisen"]


async def announced(kafka: str, namespace: str, kind: str) -> list[dict[str, Any]]:
    records = await read_topic(kafka, topics.METRICS.qualified(namespace), at_least=1)
    return [json.loads(r.value) for r in records if header(r, "ce_type") == kind]


async def test_grafana_reads_the_kpis_as_prometheus_series(
    kafka_bootstrap: str, database_url: str, namespace: str
) -> None:
    clock = Clock(datetime(2017, 7, 1, tzinfo=LUND))
    walk = activity_completed(
        "handelsebaserade-trygghetsvandringar",
        organisations=("polisen",),
        time=datetime(2017, 4, 20, 19, tzinfo=LUND),
    )
    await produce(kafka_bootstrap, namespace, [walk, sno_meeting(6)])
    async with metrics_service(kafka_bootstrap, database_url, namespace, clock) as client:
        await eventually(
            lambda: kpi(client, "handelsebaserade-trygghetsvandringar", clock.now.isoformat()),
            lambda k: k["done"] == 1,
        )
        series = await eventually(
            lambda: scrape(client),
            lambda s: s.get(walk_series("lofte_commitment_done")) == 1.0,
        )

    assert series[walk_series("lofte_commitment_target")] == 2.0
    # 1 March to 1 July is 122 of the 306 days from the promise's start to the year's end.
    assert series[walk_series("lofte_commitment_expected")] == pytest.approx(2 * 122 / 306, 0.01)
    assert series[walk_series("lofte_commitment_progress_ratio")] == 0.5
    statuses = {
        key: value
        for key, value in series.items()
        if key.startswith("lofte_commitment_status{")
        and 'commitment="handelsebaserade-trygghetsvandringar"' in key
    }
    assert sum(statuses.values()) == 1.0
    assert any(key.endswith('status="on-track"}') for key, v in statuses.items() if v == 1.0)
    assert any(k.startswith("lofte_outcome_value{") for k in series)
    assert any(k.startswith("lofte_coverage_ratio{") for k in series)


def walk_series(name: str) -> str:
    return (
        f'{name}{{commitment="handelsebaserade-trygghetsvandringar",'
        f'focus_area="skadegorelse",promise="lund-2017"}}'
    )


async def scrape(client: httpx.AsyncClient) -> dict[str, float]:
    series: dict[str, float] = {}
    for line in (await client.get("/metrics")).text.splitlines():
        if line.startswith("lofte_") and " " in line:
            name, value = line.rsplit(" ", 1)
            series[name] = float(value)
    return series


@pytest.fixture
async def live_state(kafka_bootstrap: str, database_url: str, namespace: str) -> str:
    """The live metrics state after a month of SNÖ meetings, one sent twice."""
    meetings = [sno_meeting(6), sno_meeting(13), sno_meeting(27)]
    await produce(kafka_bootstrap, namespace, [*meetings, meetings[0]])
    clock = Clock(datetime(2017, 3, 31, 12, tzinfo=UTC))
    async with metrics_service(kafka_bootstrap, database_url, namespace, clock) as client:
        await eventually(lambda: kpi(client, "sno-mote"), lambda k: k["done"] == 3)
    return database_url


def test_the_rebuild_from_the_topic_equals_the_live_state(
    live_state: str,
    kafka_bootstrap: str,
    namespace: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("DATABASE_URL", live_state)
    monkeypatch.setenv("KAFKA_BOOTSTRAP_SERVERS", kafka_bootstrap)
    monkeypatch.setenv("TOPIC_NAMESPACE", namespace)

    assert main(["metrics", "rebuild"]) == 0
    report = capsys.readouterr().err
    assert "4 records read, 3 events applied, 0 undecodable skipped" in report
    assert "the rebuilt state equals the live one: 3 events" in report

    asyncio.run(forget_one_live_event(live_state))

    assert main(["metrics", "rebuild"]) == 1
    assert "the rebuilt state differs: 1 events only rebuilt, 0 only live" in (
        capsys.readouterr().err
    )


async def forget_one_live_event(database_url: str) -> None:
    connection = await asyncpg.connect(database_url)
    try:
        await connection.execute(
            "DELETE FROM metrics.applied_events"
            " WHERE seq = (SELECT min(seq) FROM metrics.applied_events)"
        )
    finally:
        await connection.close()


async def test_poison_goes_to_the_dead_letter_topic_and_the_next_event_counts(
    kafka_bootstrap: str, database_url: str, namespace: str
) -> None:
    unknown = sno_meeting(13)
    event = parse_structured(unknown)
    await ensure_topics(KafkaConnection(kafka_bootstrap), topics.ALL, namespace)
    producer = AIOKafkaProducer(bootstrap_servers=kafka_bootstrap)
    await producer.start()
    try:
        topic = topics.ACTIVITIES.qualified(namespace)
        await producer.send_and_wait(topic, b"{this is not json", headers=[("ce_id", b"p-1")])
        headers = {**to_kafka_headers(event), "ce_type": "activity.finished"}
        await producer.send_and_wait(
            topic,
            to_kafka_value(event),
            key=b"sno-mote",
            headers=encoded(headers),
        )
    finally:
        await producer.stop()
    await produce(kafka_bootstrap, namespace, [sno_meeting(6)])
    clock = Clock(datetime(2017, 3, 31, 12, tzinfo=UTC))

    async with metrics_service(kafka_bootstrap, database_url, namespace, clock) as client:
        await eventually(lambda: kpi(client, "sno-mote"), lambda k: k["done"] == 1)

    parked = await read_topic(
        kafka_bootstrap, topics.dead_letter(topics.ACTIVITIES).qualified(namespace), at_least=2
    )
    reasons = {header(r, "ce_id"): header(r, "dlq_reason") or "" for r in parked}
    assert "value: is not valid JSON" in reasons["p-1"]
    assert "unknown event type 'activity.finished'" in reasons[unknown["id"]]
    assert {header(r, "dlq_service") for r in parked} == {"metrics"}


async def test_after_new_year_the_closing_year_s_verdicts_are_announced_once(
    kafka_bootstrap: str, database_url: str, namespace: str
) -> None:
    one_operation = activity_completed(
        "volontarinsatser", organisations=("polisen",), time=datetime(2017, 6, 3, 20, tzinfo=LUND)
    )
    await produce(kafka_bootstrap, namespace, [one_operation])
    clock = Clock(datetime(2018, 1, 3, 9, tzinfo=LUND))

    async with metrics_service(kafka_bootstrap, database_url, namespace, clock) as client:
        how_2017_ended = await eventually(
            lambda: kpi(
                client, "volontarinsatser", "2018-01-03T09:00:00+01:00", period_of="2017-12-31"
            ),
            lambda k: k["done"] == 1,
        )
        verdicts = await eventually(
            lambda: announced(kafka_bootstrap, namespace, "commitment.status-changed"),
            lambda found: any(is_2017_verdict(f, "volontarinsatser") for f in found),
        )
        clock.now = datetime(2018, 1, 3, 10, tzinfo=LUND)
        await client.get("/ready")  # the evaluator runs again meanwhile

    assert (how_2017_ended["done"], how_2017_ended["status"]) == (1, "missed")
    volunteer_verdicts = [v for v in verdicts if is_2017_verdict(v, "volontarinsatser")]
    assert len(volunteer_verdicts) == 1
    assert volunteer_verdicts[0]["new_status"] == "missed"


def is_2017_verdict(announcement: dict[str, Any], commitment: str) -> bool:
    return bool(
        announcement["commitment"] == commitment
        and announcement["period"]["start"] == "2017-03-01"
        and announcement["new_status"] in ("missed", "achieved")
    )
